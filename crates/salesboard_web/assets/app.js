// Salesboard's browser code: the login form, log-out, the period picker and
// the dashboard's charts (Apache ECharts). Plain script, no framework; the
// page is rendered on the server and this only adds behaviour.
"use strict";

(function () {
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  // Shared with the page scripts (import.js), which run after this file.
  window.Salesboard = { csrf: csrf };

  // Posts a form's fields as JSON; on success goes to `next`, else shows the
  // server's message (or `failed`, for a 401) in the error element.
  function postForm(form, url, fields, next, errorId, failed) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var error = document.getElementById(errorId);
      error.hidden = true;
      var body = {};
      fields.forEach(function (name) {
        body[name] = form.elements[name].value;
      });
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify(body),
      })
        .then(function (response) {
          if (response.ok) {
            window.location.assign(next);
            return;
          }
          return response.json().then(function (problem) {
            error.textContent =
              response.status === 401 && failed ? failed : problem.message || response.statusText;
            error.hidden = false;
          });
        })
        .catch(function (e) {
          error.textContent = String(e);
          error.hidden = false;
        });
    });
  }

  function login(form) {
    postForm(form, "/api/v1/login", ["email", "password"], "/", "login-error", form.dataset.failed);
  }

  function setup(form) {
    postForm(form, "/api/v1/setup", ["name", "email", "password"], "/login", "setup-error", null);
  }

  // Signed in, the language switch also keeps the choice as the user's own,
  // so it follows them to every browser; then it opens the page as linked.
  function languageSwitch(link) {
    link.addEventListener("click", function (event) {
      var token = csrf();
      var language = new URL(link.href, window.location.href).searchParams.get("lang");
      if (!token || !language) return;
      event.preventDefault();
      fetch("/api/v1/me", {
        method: "PATCH",
        headers: { "content-type": "application/json", "x-csrf-token": token },
        credentials: "same-origin",
        body: JSON.stringify({ language: language }),
      }).finally(function () {
        window.location.assign(link.href);
      });
    });
  }

  function logout(button) {
    button.addEventListener("click", function () {
      fetch("/api/v1/logout", {
        method: "POST",
        headers: { "x-csrf-token": csrf() },
        credentials: "same-origin",
      }).finally(function () {
        window.location.assign("/login");
      });
    });
  }

  // Every select box submits the form when changed, except the choice of a
  // custom range, which shows its two dates (submitted with the button).
  function picker(form) {
    var range = document.getElementById("period-range");
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.id === "period-part") {
          var custom = select.value === "custom";
          range.hidden = !custom;
          if (custom) {
            document.getElementById("period-start").focus();
            return;
          }
        }
        form.submit();
      });
    });
  }

  // A value for people: money in yuan, percentages, counts, days.
  function formatter(unit, lang) {
    var money = new Intl.NumberFormat(lang, { style: "currency", currency: "CNY", maximumFractionDigits: 2 });
    var plain = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    return function (v) {
      if (v == null || v === "-") return "–";
      if (unit === "money") return money.format(v);
      if (unit === "percent") return plain.format(v) + "%";
      return plain.format(v);
    };
  }

  // Axis labels: short numbers (1.2万, 12K), percentages with a sign.
  function compact(unit, lang) {
    var f = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
    return function (v) { return unit === "percent" ? v + "%" : (unit === "money" ? "¥" : "") + f.format(v); };
  }

  function itemChart(spec, lang, base) {
    var s = spec.series[0];
    var fmt = formatter(s.unit, lang);
    var pie = spec.kind === "pie";
    base.tooltip = { trigger: "item", valueFormatter: fmt, renderMode: "richText" };
    base.legend = pie ? { bottom: 0, type: "scroll" } : undefined;
    base.series = [{
      type: spec.kind,
      name: s.name,
      top: 48, bottom: pie ? 28 : 8, left: pie ? 0 : "12%", width: pie ? undefined : "76%",
      radius: pie ? ["38%", "66%"] : undefined,
      sort: "none",
      label: pie
        ? { formatter: "{d}%" }
        : { show: true, position: "inside", formatter: function (p) { return p.name + " " + fmt(p.value); } },
      data: spec.categories.map(function (name, i) { return { name: name, value: s.data[i] }; }),
    }];
    return base;
  }

  function option(spec, lang) {
    var base = {
      title: { text: spec.title, left: 0, textStyle: { fontSize: 14, fontWeight: 600, color: "#1d2433" } },
      toolbox: { right: 0, top: 0, itemSize: 13, feature: { saveAsImage: { pixelRatio: 2 } } },
      color: ["#2f6bff", "#9aa6bf", "#12a150", "#f0a020", "#8e5cf7", "#e0533d", "#17a2b8"],
      textStyle: { fontFamily: "inherit" },
      aria: { enabled: true },
    };
    if (spec.kind === "funnel" || spec.kind === "pie") return itemChart(spec, lang, base);
    var horizontal = spec.kind === "hbar";
    var axes = [];
    spec.series.forEach(function (s) {
      if (!axes[s.axis]) {
        axes[s.axis] = {
          type: "value", name: undefined, nameTextStyle: { align: s.axis ? "right" : "left" },
          axisLabel: { formatter: compact(s.unit, lang) }, splitLine: { show: s.axis === 0 },
        };
      }
    });
    // Two value axes: each names its series.
    if (axes.length > 1) axes.forEach(function (axis, i) { axis.name = spec.series.filter(function (s) { return s.axis === i; })[0].name; });
    var categoryAxis = { type: "category", data: spec.categories, axisLabel: { hideOverlap: true }, inverse: horizontal };
    var many = spec.series.length > 1;
    // Tooltips drawn on the canvas: HTML ones carry inline styles, which the CSP forbids.
    base.tooltip = { trigger: "axis", renderMode: "richText", axisPointer: { type: spec.kind === "line" ? "line" : "shadow" } };
    base.legend = many ? { top: 30, left: 0 } : undefined;
    base.grid = { left: 8, right: 16, top: many ? (axes.length > 1 ? 92 : 70) : 48, bottom: spec.zoom ? 44 : 8, containLabel: true };
    base.xAxis = horizontal ? axes : categoryAxis;
    base.yAxis = horizontal ? categoryAxis : axes;
    if (spec.zoom) {
      base.dataZoom = [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }];
    }
    base.series = spec.series.map(function (s, i) {
      var line = spec.kind === "line";
      return {
        type: line ? "line" : "bar",
        name: s.name,
        data: s.data,
        yAxisIndex: horizontal ? undefined : s.axis,
        smooth: line ? 0.2 : false,
        symbolSize: 6,
        connectNulls: false,
        barMaxWidth: 28,
        lineStyle: line && i > 0 ? { type: "dashed" } : undefined,
        areaStyle: line && i === 0 ? { opacity: 0.08 } : undefined,
        tooltip: { valueFormatter: formatter(s.unit, lang) },
      };
    });
    return base;
  }

  // The chart's numbers as a table under it, each a link to the same
  // explanation a click on the point opens: reachable with the keyboard and
  // by screen readers. Built with text nodes only.
  function dataTable(spec, data) {
    var details = document.createElement("details");
    details.className = "chart-data";
    var summary = document.createElement("summary");
    summary.textContent = data.table + " · " + spec.title;
    details.appendChild(summary);
    var table = document.createElement("table");
    var head = table.createTHead().insertRow();
    head.appendChild(document.createElement("th"));
    spec.series.forEach(function (s) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = s.name;
      head.appendChild(th);
    });
    var body = table.createTBody();
    spec.categories.forEach(function (category, i) {
      var row = body.insertRow();
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = category;
      row.appendChild(th);
      spec.series.forEach(function (s) {
        var cell = row.insertCell();
        var text = formatter(s.unit, data.lang)(s.data[i]);
        if (s.links[i]) {
          var link = document.createElement("a");
          link.href = s.links[i];
          link.textContent = text;
          cell.appendChild(link);
        } else {
          cell.textContent = text;
        }
      });
    });
    details.appendChild(table);
    return details;
  }

  function charts(holder) {
    if (typeof echarts === "undefined") return;
    var data = JSON.parse(holder.dataset.charts);
    var instances = [];
    data.charts.forEach(function (spec) {
      var el = document.getElementById("chart-" + spec.id);
      if (!el) return;
      var chart = echarts.init(el, null, { locale: data.locale, renderer: "canvas" });
      chart.setOption(option(spec, data.lang));
      chart.on("click", function (params) {
        var series = spec.series[params.seriesIndex] || spec.series[0];
        var link = series && series.links[params.dataIndex];
        if (link) window.location.assign(link);
      });
      instances.push(chart);
      el.insertAdjacentElement("afterend", dataTable(spec, data));
    });
    window.addEventListener("resize", function () {
      instances.forEach(function (c) { c.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var switcher = document.getElementById("lang-switch");
    if (switcher) languageSwitch(switcher);
    var form = document.getElementById("login-form");
    if (form) login(form);
    var setupForm = document.getElementById("setup-form");
    if (setupForm) setup(setupForm);
    var out = document.getElementById("logout");
    if (out) logout(out);
    var period = document.getElementById("period-form");
    if (period) picker(period);
    var holder = document.getElementById("charts");
    if (holder) charts(holder);
  });
})();
