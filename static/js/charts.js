// Draws every chart of the page from the figure data the server put in a JSON script
// element (its id is in data-chart). The same numbers are always in a table as well.
"use strict";
document.querySelectorAll("[data-chart]").forEach(function (element) {
  const source = document.getElementById(element.dataset.chart);
  if (!source || typeof Plotly === "undefined") { return; }
  const figure = JSON.parse(source.textContent);
  // No mode bar: its buttons are unnamed links inside the chart (WCAG 4.1.2); the figures
  // are in the table next to the chart and in the PDF.
  Plotly.newPlot(element, figure.data, figure.layout, { displayModeBar: false, responsive: true });
  element.dataset.drawn = "true";
});
