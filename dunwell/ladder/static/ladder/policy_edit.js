// Policy editor: add, duplicate and reorder steps in the browser; the server form set saves
// them. Each step is an <li> of the formset (prefix steps-N); its `order` field follows the
// list's order after every move (10, 20, 30 …, leaving room to insert by hand). Without this script the page still works (one empty step).
// A step's folded line ("30. Call · 3 days after the due date · Call", editor.step_summary)
// follows its fields as they are edited, worded from the page: the translated texts come from
// the #step-texts JSON (editor.step_texts), the choices from the selects' own options.
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

    var texts = JSON.parse(document.getElementById("step-texts").textContent);
    var language = texts.language || document.documentElement.lang || "en";
    var plural = new Intl.PluralRules(language);

    // The form of a counted text for n: the sample count with n's plural category.
    function counted(samples, n) {
      var category = plural.select(n);
      var chosen = samples[samples.length - 1][1];
      for (var i = 0; i < samples.length; i++) {
        if (plural.select(samples[i][0]) === category) { chosen = samples[i][1]; break; }
      }
      return chosen.replace(/%\(n\)[sd]/g, String(n));
    }

    function chosenText(select) {
      return select && select.value ? select.options[select.selectedIndex].text : "";
    }

    function value(step, name) {
      var input = field(step, name);
      return input ? input.value : "";
    }

    function localizedName(step) {  // as dunwell.names.localized
      var codes = [language.toLowerCase(), language.toLowerCase().split("-")[0]];
      for (var i = 0; i < codes.length; i++) {
        var text = value(step, "name_" + codes[i]);
        if (text.trim()) { return text; }
      }
      return value(step, "name");
    }

    function when(step) {  // as editor.when_text
      var days = Number(value(step, "days") || 0);
      var n = Number.isInteger(days) ? days : 0;
      var trigger = value(step, "trigger");
      if (trigger === "event") {
        return texts.on_event.replace("%(event)s", chosenText(field(step, "event")) || "?");
      }
      if (trigger === "after_previous") { return counted(texts.after_previous, n); }
      if (n === 0) { return texts.on_due; }
      if (n < 0) { return counted(texts.before_due, -n); }
      return counted(texts.after_due, n);
    }

    function summarise(step) {  // as editor.step_summary
      var line = step.querySelector("summary.step-line");
      if (!line || !field(step, "order")) { return; }
      var deleted = field(step, "DELETE");
      // marked for removal: the step looks removed before saving (app.css li.step.removed)
      step.classList.toggle("removed", Boolean(deleted && deleted.checked));
      daysHelp(step);
      var name = localizedName(step);
      var action = chosenText(field(step, "action"));
      if (!name && !action) { line.textContent = texts.new_step; return; }
      var parts = [(value(step, "order").trim() || "?") + ". " + (name || "—"), when(step), action];
      if (deleted && deleted.checked) { parts.push(texts.removed); }
      line.textContent = parts.filter(Boolean).join(" · ");
    }

    // Under Days, what the days count for the chosen trigger (editor.days_help).
    function daysHelp(step) {
      var days = field(step, "days");
      var help = days && days.closest(".field").querySelector("small.help");
      if (!help || !texts.days_help) { return; }
      var text = texts.days_help[value(step, "trigger")];
      if (text !== undefined) { help.textContent = text; }
    }

    function summariseAll() {
      Array.prototype.forEach.call(list.children, summarise);
    }

    function changed() {
      summariseAll();
      form.dispatchEvent(new CustomEvent("steps-changed", { bubbles: true }));
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
      changed();
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

    ["input", "change"].forEach(function (type) {
      list.addEventListener(type, function (event) {
        var step = event.target.closest && event.target.closest("li.step");
        if (step) { summarise(step); }
      });
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
