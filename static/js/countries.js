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
      clearAfterSelect: true,  // the next name is typed into an empty box
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
    // Tom Select points the field's <label> at its search box (aria-labelledby), which is
    // then the control people use; the plain select it keeps in step would be a second,
    // unnamed control to a screen reader (axe: select-name), so it leaves the tree.
    select.setAttribute("aria-hidden", "true");
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
