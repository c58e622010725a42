// Keyboard flow (issue 16, item 5). One key per action, declared in the templates:
//   <a data-key="c" ...>  a link, button or <summary> with data-key is activated by that key;
//   n / p                 the next / previous task of the worklist the user last opened
//                         (the worklist stores its order in sessionStorage);
//   ?                     shows the keys of the page (#keys-help, filled from the data-key
//                         elements and the page's <dl class="page-keys">).
// Keys are ignored while typing in a field or with Ctrl/Alt/Meta held.
(function () {
  "use strict";
  var STORE = "dunwell.worklist";

  function typing(target) {
    var tag = (target.tagName || "").toLowerCase();
    return target.isContentEditable || tag === "input" || tag === "textarea" || tag === "select";
  }

  function taskOf(url) {
    var match = /[?&]task=(\d+)/.exec(url || "");
    return match ? match[1] : null;
  }

  function sequence() {
    try { return JSON.parse(sessionStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }

  function step(delta) {
    var urls = sequence();
    if (!urls.length) { return false; }
    var here = taskOf(window.location.search);
    var at = -1;
    urls.forEach(function (url, i) { if (here && taskOf(url) === here) { at = i; } });
    var next = at === -1 ? (delta > 0 ? 0 : urls.length - 1) : at + delta;
    if (next < 0 || next >= urls.length) { return false; }
    window.location.href = urls[next];
    return true;
  }

  function activate(el) {
    if (el.tagName.toLowerCase() === "summary") {
      var details = el.parentElement;
      details.open = true;
      var field = details.querySelector("input:not([type=hidden]), select, textarea");
      (field || el).focus();
    } else if (/^(input|select|textarea)$/i.test(el.tagName)) {
      el.focus();
    } else {
      el.click();
    }
  }

  function label(el) {
    return (el.getAttribute("data-key-label") || el.getAttribute("aria-label") ||
            el.textContent || "").replace(/\s+/g, " ").trim();
  }

  function addRow(list, key, text) {
    var dt = document.createElement("dt");
    var kbd = document.createElement("kbd");
    kbd.textContent = key;
    dt.appendChild(kbd);
    var dd = document.createElement("dd");
    dd.textContent = text;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function fillHelp(dialog) {
    var list = dialog.querySelector("dl.keys-list");
    list.querySelectorAll(".added").forEach(function (n) { n.remove(); });
    var before = list.children.length;
    document.querySelectorAll("dl.page-keys dt").forEach(function (dt) {
      addRow(list, dt.textContent.trim(), dt.nextElementSibling ? dt.nextElementSibling.textContent.trim() : "");
    });
    document.querySelectorAll("[data-key]").forEach(function (el) {
      if (el.closest("dialog")) { return; }
      addRow(list, el.getAttribute("data-key"), label(el));
    });
    if (sequence().length && !document.querySelector("table.worklist")) {
      addRow(list, "n", dialog.getAttribute("data-next"));
      addRow(list, "p", dialog.getAttribute("data-previous"));
    }
    Array.prototype.slice.call(list.children, before).forEach(function (n) { n.classList.add("added"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var rows = document.querySelectorAll("table.worklist tbody tr[data-href]");
    if (rows.length) {
      sessionStorage.setItem(STORE, JSON.stringify(Array.prototype.map.call(rows, function (r) {
        return r.getAttribute("data-href");
      })));
    }
    var dialog = document.getElementById("keys-help");
    if (dialog) {
      dialog.querySelectorAll("[data-close]").forEach(function (b) {
        b.addEventListener("click", function () { dialog.close(); });
      });
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var dialog = document.getElementById("keys-help");
    if (event.key === "?") {
      if (!dialog) { return; }
      if (dialog.open) { dialog.close(); } else { fillHelp(dialog); dialog.showModal(); }
      event.preventDefault();
      return;
    }
    if (dialog && dialog.open) { return; }
    var target = null;
    document.querySelectorAll("[data-key]").forEach(function (el) {
      if (!target && el.getAttribute("data-key") === event.key && !el.disabled) { target = el; }
    });
    if (target) {
      event.preventDefault();
      activate(target);
      return;
    }
    if ((event.key === "n" || event.key === "p") && !document.querySelector("table.worklist")) {
      if (step(event.key === "n" ? 1 : -1)) { event.preventDefault(); }
    }
  });
})();
