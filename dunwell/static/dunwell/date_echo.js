// Every date field says which day it holds, in the page's language and with its weekday
// ("пятница, 20 марта 2026 г."): Chromium shows <input type="date"> in the browser's locale,
// not the user's, so under a Russian page an English browser shows "12/06/2026" and a promise
// "on 06/12" can be taken for 12 June; and a debtor's "Saturday", or a deadline on a Sunday,
// shows at once. One listener on the document, so fields that htmx adds later echo too.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  // Our English writes the day before the month (dunwell/formats/en), as British English does.
  if (lang === "en") { lang = "en-GB"; }
  var format = new Intl.DateTimeFormat(lang, {
    weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC"
  });

  function spelled(value) {
    var parts = /^(\d{4,})-(\d\d)-(\d\d)$/.exec(value);
    if (!parts) { return ""; }
    var day = new Date(0);
    day.setUTCFullYear(+parts[1], +parts[2] - 1, +parts[3]);  // years below 100 stay as typed
    return format.format(day);
  }

  function echo(input) {
    if (input.dateEcho && input.dateEcho.isConnected) { return input.dateEcho; }
    var output = document.createElement("output");
    output.className = "date-echo";
    output.setAttribute("aria-live", "polite");
    // Below the field and its error (Pico styles an `input + small`), outside a button group.
    var after = input.parentElement.matches("[role=group]") ? input.parentElement : input;
    while (after.nextElementSibling && after.nextElementSibling.tagName === "SMALL") {
      after = after.nextElementSibling;
    }
    after.insertAdjacentElement("afterend", output);
    input.dateEcho = output;
    return output;
  }

  function update(input) {
    var text = spelled(input.value);
    if (text || input.dateEcho) { echo(input).textContent = text; }
  }

  function updateAll() {
    document.querySelectorAll("input[type=date]").forEach(update);
  }

  function changed(event) {
    if (event.target.matches && event.target.matches("input[type=date]")) { update(event.target); }
  }

  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  document.addEventListener("DOMContentLoaded", updateAll);
  document.addEventListener("htmx:afterSettle", updateAll);
  window.addEventListener("pageshow", updateAll);  // a page from the back button keeps its values
  document.addEventListener("reset", function () { setTimeout(updateAll); });
})();
