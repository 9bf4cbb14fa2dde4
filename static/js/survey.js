// Survey answering page: move focus to the error summary and its links, block double submits.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (target) {
        event.preventDefault();
        target.focus();
        target.scrollIntoView({ block: "center" });
      }
    });
  }
  document.querySelectorAll("form.survey-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("button[type='submit']");
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "1";
      // Disable after the event so the browser still sends the form once.
      window.setTimeout(function () { if (button) { button.disabled = true; } }, 0);
    });
  });
})();
