// Site-wide behaviour that needs no data from the page. Loaded on every page.
"use strict";

// Forms that remove something ask first (data-confirm holds the question, translated).
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  });
});

// The error summary takes the focus when the page opens, so that a screen reader reads it
// first and a keyboard user starts from it (the GOV.UK pattern).
const errorSummary = document.querySelector("[data-error-summary]");
if (errorSummary) { errorSummary.focus(); }
