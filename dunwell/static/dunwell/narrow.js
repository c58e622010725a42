// Narrow screens: every cell of a data table carries its column's header as `data-label`, so
// that app.css can show each row as a card ("Due: 12.03.2026") below 640 px instead of a table
// that scrolls sideways. Above that width a table wider than the page (many columns, long
// headings in Russian or Romanian) scrolls in its own box instead of widening the whole page.
// Runs on load and after every htmx swap.
(function () {
  "use strict";
  function contain(table) {
    if (table.closest(".table-scroll")) { return; }
    var box = document.createElement("div");
    box.className = "table-scroll";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  }
  function label(root) {
    var which = "table.data, table.striped";
    var tables = root.matches && root.matches(which) ? [root] : root.querySelectorAll(which);
    Array.prototype.forEach.call(tables, function (table) {
      contain(table);
      var heads = table.querySelectorAll("thead tr:last-child th, thead tr:last-child td");
      if (!heads.length) { return; }
      var names = [];
      heads.forEach(function (th) {
        var span = parseInt(th.getAttribute("colspan") || "1", 10);
        for (var i = 0; i < span; i++) { names.push(th.textContent.trim()); }
      });
      table.classList.add("labelled");
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          var span = parseInt(cell.getAttribute("colspan") || "1", 10);
          // A cell across the whole row is a message ("Nothing left for today"), not the first
          // column's value: no "Priority:" before it.
          if (!cell.hasAttribute("data-label") && names[col] && span < names.length) {
            cell.setAttribute("data-label", names[col]);
          }
          col += span;
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSwap", function (event) { label(event.target); });
})();
