// The Import page without a script lists every kind with its sample; with it, the kind chosen
// is marked in the list and the sample link beside the chooser follows the choice.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("id_kind");
  const link = document.getElementById("sample-link");
  if (!select || !link) return;
  const show = () => {
    let entry = null;
    document.querySelectorAll(".import-guide-kinds li[data-kind]").forEach((li) => {
      const chosen = li.dataset.kind === select.value;
      li.classList.toggle("chosen", chosen);
      if (chosen) entry = li;
    });
    const sample = entry && entry.querySelector("a[download]");
    link.hidden = !sample;
    if (sample) link.href = sample.href;
  };
  select.addEventListener("change", show);
  show();
});
