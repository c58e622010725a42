// Policy editor: add, duplicate and reorder steps in the browser; the server form set saves
// them. Each step is an <li> of the formset (prefix steps-N); its `order` field follows the
// list's order after every move (10, 20, 30 …, leaving room to insert by hand). Without this script the page still works (one empty step).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("policy-form");
    var list = document.getElementById("steps");
    var template = document.getElementById("empty-step");
    if (!form || !list || !template) { return; }
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    var prefix = total.name.replace(/-TOTAL_FORMS$/, "");

    function field(step, name) {
      return step.querySelector("[name='" + step.dataset.prefix + "-" + name + "']");
    }

    function renumber() {
      Array.prototype.forEach.call(list.children, function (step, i) {
        var order = field(step, "order");
        var deleted = field(step, "DELETE");
        var id = field(step, "id");
        var name = field(step, "name");
        // an untouched blank step stays blank, so the form set ignores it
        var blank = !(id && id.value) && !(name && name.value) && !(order && order.value);
        if (order && !blank && !(deleted && deleted.checked)) { order.value = String((i + 1) * 10); }
      });
    }

    function newStep() {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("ol");
      holder.innerHTML = html.trim();
      var step = holder.firstElementChild;
      total.value = String(index + 1);
      return step;
    }

    function copyValues(from, to) {
      from.querySelectorAll("input, select, textarea").forEach(function (source) {
        var name = source.name.slice(from.dataset.prefix.length + 1);
        if (!source.name || name === "id" || name === "DELETE" || name === "policy") { return; }
        var target = field(to, name);
        if (!target) { return; }
        if (source.type === "checkbox") { target.checked = source.checked; } else { target.value = source.value; }
      });
    }

    function focusName(step) {
      var name = field(step, "name");
      if (name) { name.focus(); }
    }

    document.getElementById("add-step").addEventListener("click", function () {
      var step = newStep();
      list.appendChild(step);
      field(step, "order").value = String(list.children.length * 10);
      renumber();
      focusName(step);
    });

    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-step]");
      if (!button) { return; }
      var step = button.closest("li.step");
      var what = button.dataset.step;
      if (what === "up" && step.previousElementSibling) {
        list.insertBefore(step, step.previousElementSibling);
      } else if (what === "down" && step.nextElementSibling) {
        list.insertBefore(step.nextElementSibling, step);
      } else if (what === "duplicate") {
        var copy = newStep();
        copyValues(step, copy);
        field(copy, "order").value = "1";
        list.insertBefore(copy, step.nextElementSibling);
        renumber();
        focusName(copy);
        return;
      }
      renumber();
      button.focus();
    });

    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
