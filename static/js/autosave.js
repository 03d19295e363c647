// Saves the answers of a questionnaire step in the background while the user types.
// Only the questions the user touched are sent, so two colleagues working on the same step
// do not overwrite each other's other answers. Without JavaScript the step's buttons save.
"use strict";
(function () {
  const form = document.getElementById("step-form");
  if (!form || !form.dataset.autosaveUrl) { return; }
  const status = form.querySelector(".autosave-status");
  const changed = new Set();
  let timer = null;

  function show(message, isError) {
    if (!status) { return; }
    status.textContent = message;
    status.classList.toggle("text-danger", Boolean(isError));
  }

  function boxFor(key) {
    return form.querySelector('[data-question="' + CSS.escape(key) + '"]');
  }

  function collect(keys) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    keys.forEach(function (key) {
      data.append("_questions", key);
      boxFor(key).querySelectorAll("input, select, textarea").forEach(function (el) {
        if (!el.name || el.disabled) { return; }
        if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
        if (el.tagName === "SELECT" && el.multiple) {
          Array.from(el.selectedOptions).forEach(function (o) { data.append(el.name, o.value); });
          return;
        }
        data.append(el.name, el.value);
      });
    });
    return data;
  }

  function showErrors(keys, errors) {
    keys.forEach(function (key) {
      boxFor(key).querySelectorAll(".autosave-error").forEach(function (el) { el.remove(); });
    });
    Object.keys(errors).forEach(function (name) {
      const key = name.replace(/^q_/, "");
      const box = boxFor(key);
      if (!box) { return; }
      const div = document.createElement("div");
      div.className = "invalid-feedback d-block autosave-error";
      div.setAttribute("role", "alert");
      div.textContent = errors[name].join(" ");
      box.appendChild(div);
    });
  }

  // The section counter, the overall count and the section list follow what is saved.
  function showProgress(progress) {
    if (!progress) { return; }
    const sectionLabel = document.getElementById("section-progress-label");
    if (sectionLabel) { sectionLabel.textContent = progress.section_label; }
    const bar = document.querySelector("progress.section-progress");
    if (bar) { bar.value = progress.section_percent; bar.textContent = progress.section_percent + " %"; }
    const overall = document.getElementById("overall-progress-label");
    if (overall) { overall.textContent = progress.overall_label; }
    const complete = new Set(progress.complete || []);
    document.querySelectorAll("[data-segment]").forEach(function (el) {
      const done = complete.has(el.dataset.segment);
      el.classList.toggle("bg-success", done);
      el.classList.toggle("bg-body-secondary", !done);
    });
    document.querySelectorAll("[data-complete-badge]").forEach(function (el) {
      el.hidden = !complete.has(el.dataset.completeBadge);
    });
  }

  async function save() {
    timer = null;
    if (!changed.size) { return; }
    const keys = Array.from(changed);
    changed.clear();
    show(status.dataset.msgSaving, false);
    try {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST", body: collect(keys), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (!response.ok) { throw new Error(String(response.status)); }
      const result = await response.json();
      showErrors(keys, result.errors || {});
      showProgress(result.progress);
      if (Object.keys(result.errors || {}).length) {
        show(status.dataset.msgError, true);
      } else {
        show(status.dataset.msgSaved + " " + result.saved_at, false);
      }
    } catch (error) {
      keys.forEach(function (key) { changed.add(key); });
      show(status.dataset.msgOffline, true);
    }
  }

  function touched(event, delay) {
    const box = event.target.closest("[data-question]");
    if (!box) { return; }
    changed.add(box.dataset.question);
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  form.addEventListener("input", function (event) { touched(event, 1000); });
  form.addEventListener("change", function (event) { touched(event, 300); });
  // A button press posts the whole step: nothing is left for the background save.
  form.addEventListener("submit", function () { window.clearTimeout(timer); changed.clear(); });
  window.addEventListener("pagehide", function () {
    if (changed.size && navigator.sendBeacon) {
      navigator.sendBeacon(form.dataset.autosaveUrl, collect(Array.from(changed)));
      changed.clear();
    }
  });
}());
