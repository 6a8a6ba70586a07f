// The import page: preview a file (columns mapped to fields, the first rows
// with their problems marked, every problem listed), change the mapping,
// import with a progress bar, show the report. Everything that comes from
// the file is inserted as text (textContent), never as HTML.
"use strict";

(function () {
  var POLL_MS = 300;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text != null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function setup(app) {
    var messages = JSON.parse(app.dataset.messages);
    var lang = app.dataset.lang;
    var state = { file: null, kind: "", mapping: {}, defaults: null, preview: null, timer: null };

    function t(key, n) {
      var text = messages[key] || key;
      return n == null ? text : text.replace("{n}", new Intl.NumberFormat(lang).format(n));
    }

    function showError(text) {
      var error = byId("import-error");
      error.textContent = text;
      error.hidden = !text;
    }

    function fieldLabel(field) {
      var label = lang === "zh" ? field.label_zh || field.label_en : field.label_en;
      return label + " (" + field.name + ")";
    }

    function post(url, form) {
      return fetch(url, {
        method: "POST",
        headers: { "x-csrf-token": window.Salesboard ? window.Salesboard.csrf() : "" },
        credentials: "same-origin",
        body: form,
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.message || response.statusText);
          return body;
        });
      });
    }

    function formData() {
      var form = new FormData();
      form.append("file", state.file, state.file.name);
      if (state.kind) form.append("kind", state.kind);
      if (Object.keys(state.mapping).length) form.append("mapping", JSON.stringify(state.mapping));
      return form;
    }

    function preview() {
      showError("");
      var button = byId("import-preview");
      button.disabled = true;
      button.textContent = t("import_working");
      return post("/api/v1/imports/preview", formData())
        .then(function (result) {
          if (!state.defaults) {
            state.defaults = {};
            result.columns.forEach(function (c) { state.defaults[c.header] = c.target; });
          }
          state.preview = result;
          renderPreview(result);
        })
        .catch(function (e) { showError(e.message); })
        .finally(function () {
          button.disabled = false;
          button.textContent = t("import_preview");
        });
    }

    function columnSelect(column, fields) {
      var select = el("select");
      select.setAttribute("aria-label", column.header);
      select.dataset.header = column.header;
      fields.forEach(function (field) {
        var option = el("option", fieldLabel(field) + (field.required ? " *" : ""));
        option.value = field.name;
        select.appendChild(option);
      });
      if (state.defaults && state.defaults[column.header] === "extra") {
        var extra = el("option", t("import_extra"));
        extra.value = "";
        select.appendChild(extra);
      }
      var ignored = el("option", t("import_ignored"));
      ignored.value = "-";
      select.appendChild(ignored);
      select.value = column.field || (column.target === "ignored" ? "-" : "");
      select.addEventListener("change", function () {
        if (select.value === "") delete state.mapping[column.header];
        else state.mapping[column.header] = select.value;
        preview();
      });
      return select;
    }

    function renderColumns(result) {
      var body = byId("import-columns").tBodies[0];
      clear(body);
      result.columns.forEach(function (column) {
        var row = el("tr");
        var header = el("th", column.header);
        header.scope = "row";
        if (column.required) header.appendChild(el("span", " " + t("import_required"), "tag"));
        row.appendChild(header);
        var cell = el("td");
        cell.appendChild(columnSelect(column, result.fields));
        row.appendChild(cell);
        body.appendChild(row);
      });
    }

    function problemText(problem) {
      var where = problem.header || problem.field;
      return (where ? where + ": " : "") + problem.reason;
    }

    function renderRows(result) {
      var table = byId("import-rows");
      clear(table.tHead);
      clear(table.tBodies[0]);
      var head = el("tr");
      head.appendChild(el("th", t("import_line")));
      result.columns.forEach(function (c) { head.appendChild(el("th", c.header)); });
      table.tHead.appendChild(head);
      result.rows.forEach(function (row) {
        var tr = el("tr");
        tr.id = "import-line-" + row.line;
        var line = el("th", row.line);
        line.scope = "row";
        var whole = row.problems.filter(function (p) { return p.column == null; });
        if (whole.length) {
          tr.className = "bad-row";
          whole.forEach(function (p) {
            line.appendChild(el("span", (p.field ? p.field + ": " : t("import_whole_row") + ": ") + p.reason, "reason"));
          });
        }
        tr.appendChild(line);
        row.cells.forEach(function (text, index) {
          var td = el("td");
          td.appendChild(el("span", text, "value"));
          var own = row.problems.filter(function (p) { return p.column === index; });
          if (own.length) {
            var reasons = own.map(function (p) { return p.reason; }).join("; ");
            td.className = "bad";
            td.title = reasons;
            td.dataset.field = own[0].field || "";
            td.appendChild(el("span", reasons, "reason"));
          }
          tr.appendChild(td);
        });
        table.tBodies[0].appendChild(tr);
      });
    }

    function renderProblems(result) {
      var list = byId("import-problems");
      clear(list);
      var count = byId("import-problem-count");
      if (!result.problem_count) {
        count.textContent = t("import_no_problems");
        count.className = "good";
      } else {
        count.textContent = t("import_problem_count", result.problem_count) +
          (result.problem_count > result.problems.length ? " " + t("import_problems_shown", result.problems.length) : "");
        count.className = "error";
      }
      result.problems.forEach(function (problem) {
        var item = el("li");
        item.dataset.line = problem.line;
        item.dataset.field = problem.field || "";
        item.appendChild(el("strong", t("import_line_n", problem.line)));
        item.appendChild(document.createTextNode(" · " + problemText(problem)));
        list.appendChild(item);
      });
      var warnings = byId("import-warnings");
      var items = warnings.querySelector("ul");
      clear(items);
      result.warnings.forEach(function (w) { items.appendChild(el("li", w)); });
      warnings.hidden = !result.warnings.length;
    }

    function updateStart() {
      var result = state.preview;
      var blocked = !result || (result.problem_count > 0 && !byId("import-skip").checked);
      byId("import-start").disabled = blocked;
      byId("import-blocked").hidden = !(result && result.problem_count > 0 && blocked);
    }

    function renderPreview(result) {
      var section = byId("import-result");
      section.hidden = false;
      byId("import-report").hidden = true;
      byId("import-run").hidden = true;
      byId("import-result-title").textContent = result.file + " · " + t("import_kind_" + result.kind);
      byId("import-summary").textContent = t("import_total_rows", result.total_rows) + " · " + result.encoding;
      renderColumns(result);
      renderRows(result);
      renderProblems(result);
      updateStart();
    }

    function start() {
      var form = formData();
      form.append("skip_invalid", byId("import-skip").checked ? "true" : "false");
      byId("import-start").disabled = true;
      post("/api/v1/imports", form)
        .then(function (job) {
          byId("import-result").hidden = true;
          byId("import-run").hidden = false;
          byId("import-run-title").focus();
          showProgress(job);
          poll(job.id);
        })
        .catch(function (e) {
          showError(e.message);
          updateStart();
        });
    }

    function showProgress(job) {
      var step = job.step;
      byId("import-progress").value = step.percent;
      var text = t("import_phase_" + step.phase) + " · " + step.percent + "%";
      if (step.file) text += " · " + step.file;
      byId("import-phase").textContent = text;
    }

    function poll(id) {
      fetch("/api/v1/imports/" + encodeURIComponent(id), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (job.step) showProgress(job);
          if (job.status === "running") {
            state.timer = setTimeout(function () { poll(id); }, POLL_MS);
          } else {
            renderReport(job);
          }
        })
        .catch(function (e) { showError(e.message); });
    }

    function numberCell(n) {
      return el("td", new Intl.NumberFormat(lang).format(n || 0), "num");
    }

    function renderReport(job) {
      byId("import-report").hidden = false;
      var done = job.status === "done";
      var outcome = byId("import-outcome");
      outcome.textContent = done ? t("import_done") : t("import_failed") + (job.error ? " " + job.error : "");
      outcome.className = done ? "good" : "error";
      var report = job.report || {};
      var written = byId("import-written-table").tBodies[0];
      clear(written);
      var any = false;
      Object.keys(report.written || {}).forEach(function (kind) {
        var r = report.written[kind];
        if (!r || typeof r !== "object" || !(r.created + r.updated + r.unchanged)) return;
        any = true;
        var tr = el("tr");
        tr.dataset.kind = kind;
        tr.appendChild(el("th", messages["import_kind_" + kind] ? t("import_kind_" + kind) + " (" + kind + ")" : kind));
        tr.appendChild(numberCell(r.created));
        tr.appendChild(numberCell(r.updated));
        tr.appendChild(numberCell(r.unchanged));
        written.appendChild(tr);
      });
      byId("import-written").hidden = !any;
      if (done && !any) outcome.textContent += " " + t("import_nothing_written");
      var files = byId("import-files-table").tBodies[0];
      clear(files);
      (report.files || []).forEach(function (f) {
        var tr = el("tr");
        tr.appendChild(el("th", f.file));
        tr.appendChild(numberCell(f.rows));
        tr.appendChild(numberCell(f.accepted));
        tr.appendChild(numberCell(f.rows - f.accepted));
        files.appendChild(tr);
      });
      byId("import-files").hidden = !(report.files && report.files.length);
      var rejected = byId("import-rejected");
      var reasons = rejected.querySelector("ol");
      clear(reasons);
      var problems = done ? report.problems || [] : job.problems || [];
      problems.slice(0, 200).forEach(function (p) {
        var item = el("li");
        item.appendChild(el("strong", p.file + " · " + t("import_line_n", p.line)));
        item.appendChild(document.createTextNode(" · " + (p.field ? p.field + ": " : "") + p.reason));
        reasons.appendChild(item);
      });
      var downloads = byId("import-downloads");
      clear(downloads);
      (job.rejected || []).forEach(function (file) {
        var link = el("a", t("import_download_rejected") + " · " + file.file + " (" + file.rows + ")", "download");
        link.href = file.url;
        link.setAttribute("download", file.file);
        downloads.appendChild(link);
      });
      if (job.rejected_note) downloads.appendChild(el("span", job.rejected_note));
      rejected.hidden = !problems.length && !(job.rejected || []).length;
      byId("import-report-title").focus();
    }

    function reset() {
      clearTimeout(state.timer);
      byId("import-form").reset();
      state = { file: null, kind: "", mapping: {}, defaults: null, preview: null, timer: null };
      ["import-result", "import-run", "import-report"].forEach(function (id) { byId(id).hidden = true; });
      byId("import-file").focus();
    }

    byId("import-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var input = byId("import-file");
      if (!input.files.length) {
        showError(t("import_choose_file"));
        return;
      }
      if (state.file !== input.files[0] || state.kind !== byId("import-kind").value) {
        state.mapping = {};
        state.defaults = null;
      }
      state.file = input.files[0];
      state.kind = byId("import-kind").value;
      preview();
    });
    byId("import-skip").addEventListener("change", updateStart);
    byId("import-start").addEventListener("click", start);
    byId("import-again").addEventListener("click", reset);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var app = document.getElementById("import-app");
    if (app) setup(app);
  });
})();
