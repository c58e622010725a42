// The credit check's customer picker (progressive enhancement): typing two characters or more
// asks /credit/customers/ for the visible customers whose name, external id or tax id holds
// them, and offers them in the field's <datalist>; picking one puts its external id in the
// field, its name under the field and, when the form's currency box is empty, the currency an order of that customer is
// most likely in (its latest document's). Without JavaScript the field still takes an external
// id or tax id as typed.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.pickerUrl;
    if (!list || !url) return;
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (text.length < 2 || text === asked) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        asked = text;
        fetch(url + "?q=" + encodeURIComponent(text), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.results.forEach(function (c) {
              var option = document.createElement("option");
              option.value = c.external_id;
              option.label = c.name + (c.tax_id ? " · " + c.tax_id : "");
              option.dataset.currency = c.currency || "";
              option.textContent = option.label;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
    // Under the box, the name of the customer picked: the box itself shows only its id.
    var picked = document.createElement("output");
    picked.className = "picked-customer";
    picked.setAttribute("for", input.id);
    input.insertAdjacentElement("afterend", picked);
    input.addEventListener("change", function () {
      var value = input.value.trim();
      var option = Array.prototype.find.call(list.options, function (o) {
        return o.value === value;
      });
      picked.textContent = option ? option.label : "";
      var currency = input.form && input.form.elements.namedItem("currency");
      if (option && option.dataset.currency && currency && !currency.value.trim()) {
        currency.value = option.dataset.currency;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-picker-url]").forEach(attach);
  });
})();
