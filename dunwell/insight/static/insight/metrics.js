// The period form: "As of" is not used for a From – to range; hidden while that is chosen (without
// JavaScript it stays, saying so under it).
(function () {
  const form = document.getElementById("kpi-filters");
  const asOf = document.getElementById("kpi-as-of");
  const period = form && form.elements.namedItem("period");
  if (!asOf || !period) return;
  function toggle() {
    asOf.hidden = period.value === "custom";
  }
  period.addEventListener("change", toggle);
  toggle();
})();

// The KPI dashboard's trend charts: DSO and CEI over 12 months, one line per group.
(function () {
  const source = document.getElementById("metrics-chart-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const colours = ["#1e88e5", "#e53935", "#43a047", "#fb8c00", "#8e24aa", "#00897b", "#5d4037", "#37474f"];
  function draw(id, series) {
    const canvas = document.getElementById(id);
    if (!canvas || !series.length) return;
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.months,
        datasets: series.map((s, i) => ({
          label: s.label,
          data: s.data,
          borderColor: colours[i % colours.length],
          backgroundColor: colours[i % colours.length],
          spanGaps: false,
        })),
      },
      options: {
        // numbers on the axes and in the tooltips as the page's language writes them
        locale: document.documentElement.lang || undefined,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
      },
    });
  }
  draw("dso-chart", data.dso);
  draw("cei-chart", data.cei);
})();
