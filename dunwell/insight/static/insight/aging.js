// Stacked bar chart of the aging report: one bar per group, one stack per bucket.
(function () {
  const source = document.getElementById("aging-chart-data");
  const canvas = document.getElementById("aging-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  if (!data.groups.length) return;
  const colours = ["#43a047", "#c0ca33", "#fdd835", "#fb8c00", "#e53935", "#8e24aa", "#5d4037", "#37474f"];
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.groups,
      datasets: data.buckets.map((label, i) => ({
        label: label,
        data: data.series[i].map(Number),
        backgroundColor: colours[i % colours.length],
      })),
    },
    options: {
      // numbers on the axes and in the tooltips as the page's language writes them
      locale: document.documentElement.lang || undefined,
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: data.currency } } },
    },
  });
})();
