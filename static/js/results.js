// Bar charts of the results page. Data comes from the json_script element "chart-data";
// no inline script, so a Content-Security-Policy without 'unsafe-inline' holds.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);
  charts.forEach(function (chart) {
    var canvas = document.getElementById("chart-" + chart.id);
    if (!canvas) {
      return;
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: [{ label: chart.text, data: chart.counts, backgroundColor: "#0d6efd" }],
      },
      options: {
        responsive: true,
        aspectRatio: 3,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  });
})();
