// Worklist keyboard navigation: j/k or arrow keys move, Enter opens the task.
document.addEventListener("DOMContentLoaded", () => {
  const table = document.querySelector("table.worklist");
  if (!table) return;
  const rows = Array.from(table.querySelectorAll("tbody tr[data-href]"));
  if (!rows.length) return;
  let index = 0;
  const select = (i, scroll = true) => {
    rows[index].classList.remove("selected");
    index = Math.max(0, Math.min(rows.length - 1, i));
    rows[index].classList.add("selected");
    if (scroll) rows[index].scrollIntoView({ block: "nearest" });
  };
  // The first row is selected for the keys, but the page opens at its top: on a phone the
  // row reaches below the screen and scrolling to it cut off the menu and the filters.
  select(0, false);
  document.addEventListener("keydown", (event) => {
    const tag = (event.target.tagName || "").toLowerCase();
    if (["input", "textarea", "select", "button"].includes(tag) || event.ctrlKey || event.metaKey) return;
    if (event.key === "j" || event.key === "ArrowDown") { select(index + 1); event.preventDefault(); }
    else if (event.key === "k" || event.key === "ArrowUp") { select(index - 1); event.preventDefault(); }
    else if (event.key === "Enter") { window.location.href = rows[index].dataset.href; event.preventDefault(); }
  });
  rows.forEach((row, i) => row.addEventListener("click", (event) => {
    if (event.target.closest("a, button, form")) return;
    select(i);
  }));
});

// Promise form: choosing another currency pre-fills what the debtor owes in it.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("promised-currency");
  const form = select && select.form;
  if (!form) return;
  select.addEventListener("change", () => {
    const option = select.options[select.selectedIndex];
    if (option && option.dataset.amount) form.elements.promised_amount.value = option.dataset.amount;
  });
});

