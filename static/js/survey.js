// Survey answering page, progressively enhanced (the form works without it):
// - show or hide questions whose condition depends on a question of the same page
//   (the rules mirror surveys/logic.py; the server decides again on every post);
// - send a page with fetch and swap in the next one, without a full reload, moving focus to
//   the new heading (or the error summary) and announcing the page change;
// - focus the error summary and its links; block double submits.
(function () {
  "use strict";

  var root = function () { return document.getElementById("survey-root"); };
  var busy = false;

  function answerOf(form, name) {
    var item = form.querySelector("[data-question='" + name + "']");
    if (item && item.hidden) { return null; } // a skipped question counts as unanswered
    var values = [];
    var multiple = false;
    form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if (input.type === "checkbox") { multiple = true; }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { values.push(input.value); }
      } else if (input.value.trim() !== "") {
        values.push(input.value);
      }
    });
    if (!values.length) { return null; }
    return multiple ? values : values[0];
  }

  function conditionMet(operator, expected, value) {
    if (value === null) { return false; }
    if (operator === "answered") { return true; }
    if (Array.isArray(value)) {
      if (operator === "eq") { return value.indexOf(expected) !== -1; }
      if (operator === "ne") { return value.indexOf(expected) === -1; }
      return false;
    }
    var isInt = /^-?\d+$/;
    if (isInt.test(value) && isInt.test(expected)) {
      var a = parseInt(value, 10);
      var b = parseInt(expected, 10);
      switch (operator) {
        case "lt": return a < b;
        case "lte": return a <= b;
        case "eq": return a === b;
        case "ne": return a !== b;
        case "gte": return a >= b;
        case "gt": return a > b;
      }
      return false;
    }
    if (operator === "eq") { return value === expected; }
    if (operator === "ne") { return value !== expected; }
    return false;
  }

  function applyConditions(form) {
    // Document order is survey order, so a chain of conditions settles in one pass.
    form.querySelectorAll("[data-show-if]").forEach(function (item) {
      var value = answerOf(form, item.getAttribute("data-show-if"));
      item.hidden = !conditionMet(
        item.getAttribute("data-operator"), item.getAttribute("data-value") || "", value
      );
    });
  }

  function initErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (!summary) { return null; }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (target) {
        event.preventDefault();
        target.focus();
        target.scrollIntoView({ block: "center" });
      }
    });
    return summary;
  }

  function announce(text) {
    var announcer = document.getElementById("survey-announcer");
    if (!announcer) { return; }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function swap(html, url, push) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("survey-root");
    var current = root();
    if (!fresh || !current) { return false; }
    current.replaceWith(document.importNode(fresh, true));
    document.title = doc.title;
    if (push && url && url !== window.location.href) {
      window.history.pushState({ survey: true }, "", url);
    }
    init(true);
    return true;
  }

  function nativeSubmit(form, submitter) {
    if (submitter && submitter.name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = submitter.name;
      input.value = submitter.value;
      form.appendChild(input);
    }
    form.dataset.native = "1";
    form.submit();
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.survey-form") || form.dataset.native) { return; }
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    var submitter = event.submitter;
    var buttons = form.querySelectorAll("button[type='submit']");
    buttons.forEach(function (button) { button.disabled = true; });
    form.setAttribute("aria-busy", "true");
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    window.fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.text().then(function (html) {
        busy = false;
        if (!swap(html, response.url, response.redirected)) {
          window.location.assign(response.url);
        }
      });
    }).catch(function () {
      busy = false;
      nativeSubmit(form, submitter);
    });
  }

  function load(url) {
    window.fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.text(); })
      .then(function (html) { if (!swap(html, url, false)) { window.location.reload(); } })
      .catch(function () { window.location.reload(); });
  }

  function pinPage() {
    // Give the history entry its page number, so Back returns to this page and not to
    // wherever the respondent would resume; a one-click score is not re-applied either.
    var current = root();
    var page = current && current.getAttribute("data-page");
    if (!page || !window.URL) { return; }
    var url = new URL(window.location.href);
    if (url.searchParams.get("page") === page && !url.searchParams.has("score")) { return; }
    url.searchParams.set("page", page);
    url.searchParams.delete("score");
    window.history.replaceState(window.history.state, "", url.toString());
  }

  function init(swapped) {
    var summary = initErrorSummary();
    document.querySelectorAll("form.survey-form").forEach(function (form) {
      applyConditions(form);
      form.addEventListener("change", function () { applyConditions(form); });
      form.addEventListener("input", function () { applyConditions(form); });
    });
    if (summary) {
      summary.focus();
    } else if (swapped) {
      window.scrollTo(0, 0);
      var heading = document.getElementById("survey-heading");
      if (heading) { heading.focus(); }
      var progress = document.getElementById("survey-progress-label");
      announce(progress ? progress.textContent : (heading ? heading.textContent : ""));
    }
  }

  var enhance = window.fetch && window.FormData && window.DOMParser && window.history.pushState;
  if (enhance && !document.querySelector("form.survey-form[action='']")) {
    pinPage();
    document.addEventListener("submit", onSubmit);
    window.addEventListener("popstate", function () { load(window.location.href); });
  } else {
    // Staff preview and old browsers: plain posts, blocked from being sent twice.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.dataset.submitted) { event.preventDefault(); return; }
      form.dataset.submitted = "1";
    });
  }
  init(false);
})();
