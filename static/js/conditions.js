// Shows and hides the conditional questions of a step as the user answers, with the rules
// of diagnostic/conditions.py (the server applies them again on every save; without
// JavaScript a save shows the questions that the answers opened).
"use strict";
(function () {
  const form = document.getElementById("step-form");
  if (!form) { return; }
  const boxes = Array.from(form.querySelectorAll("[data-question]"));
  // Tells the server that the questions opened by the answers were already on screen, so
  // a save moves on instead of showing the step again.
  const live = document.createElement("input");
  live.type = "hidden";
  live.name = "_shown_live";
  live.value = "1";
  form.appendChild(live);

  function boxFor(key) {
    return form.querySelector('[data-question="' + CSS.escape(key) + '"]');
  }

  function chosen(box) {
    const values = [];
    box.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { values.push(el.value); }
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.from(el.selectedOptions).forEach(function (o) { values.push(o.value); });
      } else if (el.type !== "hidden" && el.value.trim() !== "") {
        values.push(el.value);
      }
    });
    return values;
  }

  function holds(clause, shown) {
    const source = boxFor(clause.question);
    if (!source || !shown.has(clause.question)) { return false; }
    const values = chosen(source);
    if (clause.answered) { return values.length > 0; }
    return values.some(function (v) { return (clause.any_of || []).indexOf(v) !== -1; });
  }

  function update() {
    // Questions come in questionnaire order, so a condition only looks back.
    const shown = new Set();
    boxes.forEach(function (box) {
      const key = box.dataset.question;
      if (!box.dataset.showIf) {
        if (!box.hidden) { shown.add(key); }
        return;
      }
      const clauses = JSON.parse(box.dataset.showIf);
      // A condition on a question of another step keeps what the server decided.
      const local = clauses.some(function (c) { return boxFor(c.question); });
      const visible = local ? clauses.some(function (c) { return holds(c, shown); }) : !box.hidden;
      box.hidden = !visible;
      if (visible) { shown.add(key); }
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}());
