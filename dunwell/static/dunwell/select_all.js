// Bulk selection: a header checkbox selects or clears every row checkbox of its form on this
// page (issue 16, item 3); it shows "mixed" when only some are selected.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-select-all]").forEach((all) => {
    const form = all.form || all.closest("form");
    if (!form) return;
    const boxes = () => Array.from(form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`));
    all.addEventListener("change", () => boxes().forEach((box) => { box.checked = all.checked; }));
    form.addEventListener("change", (event) => {
      if (event.target === all) return;
      const picked = boxes().filter((box) => box.checked).length;
      all.checked = picked > 0 && picked === boxes().length;
      all.indeterminate = picked > 0 && picked < boxes().length;
    });
  });
});
