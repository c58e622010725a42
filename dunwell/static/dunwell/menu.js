// The header's drop-downs (menu.py's groups, <details class="menu-group"> in base.html): one
// open at a time; Escape closes it and gives the focus back to its title; a click or the focus
// going elsewhere closes it. Tab reaches a title and Enter or Space opens it by themselves.
(function () {
  "use strict";
  function groups() { return document.querySelectorAll("details.menu-group"); }
  function closeAllBut(keep) {
    groups().forEach(function (d) { if (d !== keep && !d.contains(keep)) { d.open = false; } });
  }
  document.addEventListener("toggle", function (event) {
    var d = event.target;
    if (d.classList && d.classList.contains("menu-group") && d.open) { closeAllBut(d); }
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    groups().forEach(function (d) {
      if (!d.open) { return; }
      d.open = false;
      d.querySelector("summary").focus();
      event.preventDefault();
    });
  });
  document.addEventListener("click", function (event) { closeAllBut(event.target); });
  document.addEventListener("focusin", function (event) { closeAllBut(event.target); });
})();
