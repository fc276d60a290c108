// Draws each trend of the survey dashboard: the figure as a line, its 95 % interval as a band.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("trend-data");
    if (!source || typeof Chart === "undefined") { return; }
    var trends = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-trend]").forEach(function (canvas) {
      var data = trends[canvas.dataset.trend];
      if (!data || !data.labels.length) { return; }
      new Chart(canvas, {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            { label: "low", data: data.low, borderWidth: 0, pointRadius: 0, fill: false },
            { label: "high", data: data.high, borderWidth: 0, pointRadius: 0,
              backgroundColor: "rgba(31, 111, 235, 0.15)", fill: "-1" },
            { label: canvas.dataset.trend.toUpperCase(), data: data.values,
              borderColor: "#1f6feb", backgroundColor: "#1f6feb", tension: 0.2 }
          ]
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          spanGaps: true,
          plugins: {
            legend: { display: false },
            tooltip: { filter: function (item) { return item.datasetIndex === 2; },
                       callbacks: { afterLabel: function (item) {
                         return "n = " + data.n[item.dataIndex]; } } }
          }
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
