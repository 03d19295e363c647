// The PDF status page: asks the server every few seconds whether the PDF is ready, then
// shows the download button. Without JavaScript the page still works: reload it.
"use strict";
(function () {
  const box = document.querySelector("[data-pdf-status-url]");
  if (!box || !["queued", "running"].includes(box.dataset.status)) { return; }
  let delay = 1000;
  function poll() {
    fetch(box.dataset.pdfStatusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && state.ready) {
          box.dataset.status = state.status;
          box.querySelector(".pdf-pending").hidden = true;
          box.querySelector(".pdf-download-link").href = state.download_url;
          box.querySelector(".pdf-ready").hidden = false;
          return;
        }
        // Failed, or the plan changed meanwhile: the page itself says what to do next.
        if (state && (state.status === "failed" || state.status === "none")) {
          window.location.reload();
          return;
        }
        delay = Math.min(delay * 1.5, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, delay);
}());
