// Turns every <select data-country-picker> into a searchable picker with removable tags
// (Tom Select, vendored). The plain select stays the form field: without JavaScript it is
// what the user sees, and with it Tom Select keeps it in step, so forms and autosave read it.
"use strict";
(function () {
  if (typeof window.TomSelect !== "function") { return; }
  document.querySelectorAll("select[data-country-picker]").forEach(function (select) {
    const removeLabel = select.dataset.removeLabel || "Remove";
    const noResults = select.dataset.noResults || "No match";
    const options = {
      maxOptions: null,
      hidePlaceholder: true,
      placeholder: select.dataset.placeholder || "",
      closeAfterSelect: !select.multiple,
      allowEmptyOption: !select.multiple,
      render: {
        no_results: function () {
          const div = document.createElement("div");
          div.className = "no-results";
          div.textContent = noResults;
          return div;
        },
      },
      plugins: {},
    };
    if (select.multiple) {
      options.plugins.remove_button = { title: removeLabel, label: "×" };
    }
    const picker = new window.TomSelect(select, options);
    // Screen readers name the search field after the field's label.
    const label = select.id && document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    if (label && picker.control_input) {
      picker.control_input.setAttribute("aria-label", label.textContent.trim());
    }
    // Each tag's remove button says which country it removes.
    function nameButtons() {
      picker.control.querySelectorAll(".item").forEach(function (item) {
        const button = item.querySelector(".remove");
        if (button) {
          const name = item.firstChild ? item.firstChild.textContent.trim() : "";
          button.setAttribute("aria-label", removeLabel + " " + name);
        }
      });
    }
    picker.on("item_add", nameButtons);
    nameButtons();
  });
}());
