// The cash forecast chart: 13 weeks of receipts, then 13 weeks of forecast (parts stacked),
// the low–high band and, for a past as-of day, what was actually received.
(function () {
  const source = document.getElementById("forecast-chart-data");
  const canvas = document.getElementById("forecast-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const colours = ["#1e88e5", "#43a047", "#fb8c00", "#8e24aa"];
  const datasets = data.parts.map((part, i) => ({
    type: "bar",
    label: part.label,
    data: part.data,
    backgroundColor: colours[i % colours.length],
    stack: "forecast",
    order: 2,
  }));
  datasets.push({
    type: "line",
    label: data.texts.low,
    stack: "low",
    data: data.low,
    borderColor: "#9e9e9e",
    borderDash: [4, 4],
    pointRadius: 0,
    fill: false,
    order: 1,
  });
  datasets.push({
    type: "line",
    label: data.texts.high,
    stack: "high",
    data: data.high,
    borderColor: "#9e9e9e",
    borderDash: [4, 4],
    backgroundColor: "rgba(158, 158, 158, 0.15)",
    pointRadius: 0,
    fill: "-1",
    order: 1,
  });
  datasets.push({
    type: "line",
    label: data.texts.actual,
    stack: "actual",
    data: data.actual,
    borderColor: "#e53935",
    backgroundColor: "#e53935",
    spanGaps: false,
    order: 0,
  });
  new Chart(canvas, {
    data: { labels: data.labels, datasets: datasets },
    options: {
      // numbers on the axes and in the tooltips as the page's language writes them
      locale: document.documentElement.lang || undefined,
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
      // A forecast week's bar opens the week (its row in the table below is the same link).
      onClick: function (event, elements) {
        const link = elements.length ? data.links[elements[0].index] : null;
        if (link) window.location.assign(link);
      },
      onHover: function (event, elements) {
        const link = elements.length ? data.links[elements[0].index] : null;
        canvas.style.cursor = link ? "pointer" : "";
      },
    },
  });
  canvas.dataset.drawn = "1";
})();
