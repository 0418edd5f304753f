// The dashboard's only script, served as a static file. Every page works without it; with it,
// runs update in place, a running job's log follows its tail over SSE, and the dispatch form
// checks its fields before sending. HTML it inserts was rendered (and escaped) by the server.
export const DASHBOARD_JS = `"use strict";
(function () {
  function parse(markup) {
    var t = document.createElement("template");
    t.innerHTML = markup;
    return t.content.firstElementChild;
  }
  function rowOf(markup) {
    var t = document.createElement("template");
    t.innerHTML = "<table><tbody>" + markup + "</tbody></table>";
    return t.content.querySelector("tr");
  }

  function liveRuns(table) {
    var base = table.getAttribute("data-live");
    if (!base) return;
    function tick() {
      var body = table.tBodies[0];
      var active = Array.prototype.filter.call(body.rows, function (r) {
        var s = r.getAttribute("data-state");
        return s === "queued" || s === "in_progress";
      }).map(function (r) { return r.getAttribute("data-id"); });
      var first = body.rows[0];
      var url = base + (base.indexOf("?") < 0 ? "?" : "&") + "ids=" + active.join(",") + "&since=" + (first ? first.getAttribute("data-id") : "0");
      fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (data) {
          if (!data) return;
          Object.keys(data.rows).forEach(function (id) {
            var old = body.querySelector('tr[data-id="' + id + '"]');
            if (old) old.replaceWith(rowOf(data.rows[id]));
          });
          data.fresh.slice().reverse().forEach(function (markup) {
            var row = rowOf(markup);
            if (!body.querySelector('tr[data-id="' + row.getAttribute("data-id") + '"]')) body.insertBefore(row, body.firstChild);
          });
          var empty = document.getElementById("no-runs");
          if (empty && body.rows.length) empty.remove();
        })
        .catch(function () {})
        .finally(function () { setTimeout(tick, 2000); });
    }
    setTimeout(tick, 2000);
  }

  function liveRun(region) {
    function tick() {
      fetch(location.pathname, { credentials: "same-origin", headers: { accept: "text/html" } })
        .then(function (res) { return res.ok ? res.text() : null; })
        .then(function (text) {
          if (text === null) return setTimeout(tick, 3000);
          var doc = new DOMParser().parseFromString(text, "text/html");
          var fresh = doc.getElementById("run-live");
          if (fresh) region.replaceWith(document.importNode(fresh, true));
          region = document.getElementById("run-live");
          if (fresh && fresh.getAttribute("data-active") === "true") setTimeout(tick, 2000);
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    setTimeout(tick, 2000);
  }

  function atBottom() {
    return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 60;
  }

  function followLog(log) {
    var url = log.getAttribute("data-follow");
    if (!url || !window.EventSource) return;
    var status = document.getElementById("follow-status");
    var src = new EventSource(url + "?after=" + log.getAttribute("data-last"));
    src.onmessage = function (e) {
      var line = JSON.parse(e.data);
      var follow = atBottom();
      var group = log.lastElementChild;
      if (!group || group.getAttribute("data-step") !== String(line.step)) {
        log.insertAdjacentElement("beforeend", parse(line.group));
        group = log.lastElementChild;
      }
      group.querySelector(".lines").insertAdjacentElement("beforeend", parse(line.html));
      log.setAttribute("data-last", String(line.n));
      if (follow) window.scrollTo(0, document.documentElement.scrollHeight);
    };
    // A dropped connection is opened again from the last line shown, so no line comes twice.
    src.onerror = function () {
      src.close();
      setTimeout(function () { followLog(log); }, 2000);
    };
    src.addEventListener("end", function () {
      src.close();
      if (status) status.textContent = "The job has ended; reload for its result.";
    });
    src.addEventListener("reload", function () {
      src.close();
      location.reload();
    });
  }

  function checkForm(form) {
    form.setAttribute("novalidate", "");
    form.addEventListener("submit", function (e) {
      var bad = false;
      Array.prototype.forEach.call(form.querySelectorAll("input, select"), function (field) {
        var out = document.getElementById("err-" + field.name);
        if (!out) return;
        var message = field.validity.valid ? "" : field.validity.valueMissing ? "This is required." : field.validity.badInput || field.validity.typeMismatch || field.validity.stepMismatch ? "Enter a number." : field.validationMessage;
        out.textContent = message;
        out.hidden = message === "";
        if (message) field.setAttribute("aria-invalid", "true"); else field.removeAttribute("aria-invalid");
        if (message && !bad) { bad = true; field.focus(); }
      });
      if (bad) e.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var runs = document.getElementById("runs");
    if (runs) liveRuns(runs);
    var run = document.getElementById("run-live");
    if (run && run.getAttribute("data-active") === "true") liveRun(run);
    var log = document.getElementById("log");
    if (log) followLog(log);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-check]"), checkForm);
  });
})();
`;
