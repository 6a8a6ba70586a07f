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

  function picker(form) {
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        form.submit();
      });
    });
  }

  function formatter(spec, lang) {
    if (spec.money) {
      var money = new Intl.NumberFormat(lang, { style: "currency", currency: "CNY", maximumFractionDigits: 0 });
      return function (v) { return v == null ? "–" : money.format(v); };
    }
    if (spec.percent) {
      return function (v) { return v == null ? "–" : v.toFixed(1) + "%"; };
    }
    var plain = new Intl.NumberFormat(lang);
    return function (v) { return v == null ? "–" : plain.format(v); };
  }

  function option(spec, lang) {
    var fmt = formatter(spec, lang);
    var tooltip = { trigger: spec.kind === "funnel" ? "item" : "axis", valueFormatter: fmt };
    var title = { text: spec.title, left: 0, textStyle: { fontSize: 14, fontWeight: 600 } };
    if (spec.kind === "funnel") {
      return {
        title: title,
        tooltip: tooltip,
        series: [{
          type: "funnel",
          name: spec.series[0].name,
          top: 40, bottom: 10, left: "10%", width: "80%",
          sort: "none",
          label: { show: true, position: "inside" },
          data: spec.categories.map(function (name, i) {
            return { name: name, value: spec.series[0].data[i] };
          }),
        }],
      };
    }
    var horizontal = spec.kind === "hbar";
    var categoryAxis = { type: "category", data: spec.categories, axisLabel: { hideOverlap: true } };
    var valueAxis = { type: "value", axisLabel: { formatter: compact(lang, spec) } };
    if (horizontal) categoryAxis.inverse = true;
    return {
      title: title,
      tooltip: tooltip,
      legend: spec.series.length > 1 ? { top: 22, right: 0 } : undefined,
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 60 : 48, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: spec.series.map(function (s, i) {
        return {
          type: spec.kind === "line" ? "line" : "bar",
          name: s.name,
          data: s.data,
          symbolSize: 6,
          lineStyle: i > 0 ? { type: "dashed" } : undefined,
        };
      }),
    };
  }

  function compact(lang, spec) {
    var f = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
    return function (v) { return spec.percent ? v + "%" : f.format(v); };
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
        var link = spec.links && spec.links[params.dataIndex];
        if (link) window.location.assign(link);
      });
      instances.push(chart);
    });
    window.addEventListener("resize", function () {
      instances.forEach(function (c) { c.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
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
