// Salesboard's record pages: forms that save through the JSON API and show
// each field's error beside it, deleting, claiming customers from the pool,
// logging a follow-up, and moving deals on the pipeline board (drag and
// drop, or the card's select box from the keyboard or a phone). Text from
// the server is only ever inserted as text.
"use strict";

(function () {
  // The session's CSRF token, read by app.js (loaded first).
  function csrf() {
    return window.Salesboard ? window.Salesboard.csrf() : "";
  }

  // Sends JSON to the API; resolves with {ok, status, body}.
  function send(method, url, body) {
    var init = {
      method: method,
      headers: { "x-csrf-token": csrf() },
      credentials: "same-origin",
    };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      if (response.status === 204) return { ok: true, status: 204, body: null };
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (body) {
          return { ok: response.ok, status: response.status, body: body };
        });
    });
  }

  function show(element, text) {
    if (!element) return;
    element.textContent = text;
    element.hidden = !text;
  }

  // `2024-03-05T10:00` and `+08:00` → `2024-03-05T10:00:00+08:00`.
  function instant(local, offset) {
    if (!local) return null;
    return (local.length === 16 ? local + ":00" : local) + (offset || "Z");
  }

  function valueOf(input) {
    var type = input.dataset.type;
    if (type === "bool") return input.checked;
    var text = input.value.trim();
    if (text === "") return null;
    if (type === "integer") return Number(text);
    if (type === "instant") return instant(text, input.dataset.offset);
    return text;
  }

  function orderLines(form) {
    var lines = [];
    form.querySelectorAll("[data-line]").forEach(function (row) {
      var get = function (name) {
        var input = row.querySelector('[name="' + name + '"]');
        return input ? input.value.trim() : "";
      };
      if (!get("line_sku") && !get("line_quantity")) return;
      var line = {
        sku: get("line_sku"),
        unit_price: get("line_unit_price"),
        quantity: Number(get("line_quantity")),
      };
      if (get("line_discount")) line.discount = get("line_discount");
      lines.push(line);
    });
    return lines;
  }

  function recordForm(form) {
    var addLine = document.getElementById("add-line");
    if (addLine) {
      addLine.addEventListener("click", function () {
        var first = form.querySelector("[data-line]");
        var copy = first.cloneNode(true);
        copy.querySelectorAll("input").forEach(function (input) {
          input.value = "";
        });
        first.parentNode.insertBefore(copy, addLine);
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      form.querySelectorAll(".field-error").forEach(function (e) {
        show(e, "");
      });
      form.querySelectorAll("[aria-invalid]").forEach(function (e) {
        e.removeAttribute("aria-invalid");
      });
      show(document.getElementById("form-error"), "");
      var patch = form.dataset.method === "PATCH";
      var body = {};
      form.querySelectorAll("[data-type]").forEach(function (input) {
        if (patch && String(input.type === "checkbox" ? input.checked : input.value) === input.dataset.initial) return;
        body[input.name] = valueOf(input);
      });
      if (form.dataset.kind === "orders" && !patch) body.lines = orderLines(form);
      send(form.dataset.method, form.dataset.action, body).then(function (result) {
        if (result.ok) {
          var keyInput = form.querySelector("[name$='_id'], [name='sku']");
          var key = result.body && (result.body[keyInput ? keyInput.name : ""] || result.body.target_id);
          if (patch) {
            show(document.getElementById("form-saved"), document.getElementById("form-saved").textContent);
            window.location.reload();
          } else {
            window.location.assign(form.dataset.next.replace("{id}", encodeURIComponent(key || "")));
          }
          return;
        }
        var problem = result.body || {};
        var field = problem.field ? String(problem.field).split(/[.\[]/)[0] : "";
        var slot = field && document.getElementById("error-" + field);
        if (slot) {
          show(slot, problem.message || String(result.status));
          var input = form.querySelector('[name="' + field + '"]');
          if (input) {
            input.setAttribute("aria-invalid", "true");
            input.focus();
          }
        } else {
          show(document.getElementById("form-error"), problem.message || String(result.status));
        }
      });
    });
    var remove = document.getElementById("delete-record");
    if (remove) {
      remove.addEventListener("click", function () {
        if (!window.confirm(remove.dataset.confirm)) return;
        send("DELETE", remove.dataset.url).then(function (result) {
          if (result.ok) {
            window.location.assign("/" + form.dataset.kind);
          } else {
            show(document.getElementById("form-error"), (result.body && result.body.message) || String(result.status));
          }
        });
      });
    }
  }

  function me() {
    return fetch("/api/v1/me", { credentials: "same-origin" }).then(function (r) {
      return r.json();
    });
  }

  function claimButtons() {
    document.querySelectorAll("button.claim").forEach(function (button) {
      button.addEventListener("click", function () {
        button.disabled = true;
        me()
          .then(function (user) {
            return send("PATCH", "/api/v1/customers/" + encodeURIComponent(button.dataset.id), {
              owner: user.user_id || user.id,
            });
          })
          .then(function (result) {
            if (result.ok) {
              window.location.assign("/customers/" + encodeURIComponent(button.dataset.id));
            } else {
              button.disabled = false;
              window.alert((result.body && result.body.message) || result.status);
            }
          });
      });
    });
  }

  function followUp(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var kind = form.querySelector('input[name="kind"]:checked');
      var now = new Date();
      var pad = function (n) {
        return String(n).padStart(2, "0");
      };
      // The browser's own clock, written with the browser's own offset.
      var minutes = -now.getTimezoneOffset();
      var offset = (minutes < 0 ? "-" : "+") + pad(Math.floor(Math.abs(minutes) / 60)) + ":" + pad(Math.abs(minutes) % 60);
      var local =
        now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + "T" + pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds());
      var body = {
        customer_id: form.dataset.customer,
        kind: kind ? kind.value : "call",
        occurred_at: local + offset,
        note: form.elements.note.value.trim() || null,
      };
      send("POST", "/api/v1/activities", body).then(function (result) {
        if (result.ok) {
          window.location.reload();
        } else {
          show(document.getElementById("follow-up-error"), (result.body && result.body.message) || String(result.status));
        }
      });
    });
  }

  // The body that moves a deal to a board column.
  function moveBody(target, reason) {
    var now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    if (target === "won") return { status: "won", closed_at: now };
    if (target === "lost") return { status: "lost", closed_at: now, lost_reason: reason };
    return { stage: target.slice("stage:".length), status: "open", closed_at: null, lost_reason: null };
  }

  function askReason() {
    var dialog = document.getElementById("lost-dialog");
    return new Promise(function (resolve) {
      var form = document.getElementById("lost-form");
      form.reset();
      var cancel = document.getElementById("lost-cancel");
      cancel.onclick = function () {
        dialog.close("cancel");
      };
      dialog.onclose = function () {
        var reason = form.elements.reason.value.trim();
        resolve(dialog.returnValue === "ok" && reason ? reason : null);
      };
      dialog.showModal();
    });
  }

  function board(element) {
    var error = document.getElementById("board-error");
    function move(card, target) {
      var reasoned = target === "lost" ? askReason() : Promise.resolve("");
      return reasoned.then(function (reason) {
        if (reason === null) return;
        card.classList.add("moving");
        return send("PATCH", "/api/v1/deals/" + encodeURIComponent(card.dataset.id), moveBody(target, reason)).then(function (result) {
          card.classList.remove("moving");
          if (result.ok) {
            window.location.reload();
          } else {
            show(error, (result.body && result.body.message) || String(result.status));
          }
        });
      });
    }
    if (element.dataset.mayMove !== "true") return;
    var dragged = null;
    element.querySelectorAll(".deal-card").forEach(function (card) {
      card.addEventListener("dragstart", function (event) {
        dragged = card;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", card.dataset.id);
        card.classList.add("dragging");
      });
      card.addEventListener("dragend", function () {
        card.classList.remove("dragging");
      });
      var select = card.querySelector(".move-to");
      if (select) {
        select.addEventListener("change", function () {
          if (select.value) move(card, select.value);
        });
      }
    });
    element.querySelectorAll(".column").forEach(function (column) {
      column.addEventListener("dragover", function (event) {
        event.preventDefault();
        column.classList.add("over");
      });
      column.addEventListener("dragleave", function () {
        column.classList.remove("over");
      });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("over");
        if (dragged && dragged.closest(".column") !== column) move(dragged, column.dataset.target);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("record-form");
    if (form) recordForm(form);
    claimButtons();
    var follow = document.getElementById("follow-up");
    if (follow) followUp(follow);
    var boardElement = document.getElementById("board");
    if (boardElement) board(boardElement);
  });
})();
