// Draws the dashboard's charts from the JSON the page embeds; each chart's numbers are
// also in the table next to it.
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  var rtl = document.documentElement.dir === "rtl";
  var funnel = data("funnel-data");
  new Chart(document.getElementById("funnel-chart"), {
    type: "bar",
    data: { labels: funnel.map(function (s) { return s.label; }),
            datasets: [{ data: funnel.map(function (s) { return typeof s.value === "number" ? s.value : 0; }), backgroundColor: "#0d6efd" }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { y: { position: rtl ? "right" : "left" } } }
  });
  var money = data("money-data");
  var colours = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1"];
  new Chart(document.getElementById("money-chart"), {
    type: "bar",
    data: { labels: money.quarters,
            datasets: money.series.map(function (s, i) { return { label: s.donor, data: s.values, backgroundColor: colours[i % colours.length] }; }) },
    options: { scales: { x: { stacked: true, reverse: rtl }, y: { stacked: true } } }
  });
  var survival = data("survival-data");
  new Chart(document.getElementById("survival-chart"), {
    type: "line",
    data: { labels: survival.map(function (p) { return p.month; }),
            datasets: [{ data: survival.map(function (p) { return p.survival; }), stepped: true, borderColor: "#198754" }] },
    options: { plugins: { legend: { display: false } }, scales: { x: { reverse: rtl }, y: { min: 0, max: 100 } } }
  });
})();
