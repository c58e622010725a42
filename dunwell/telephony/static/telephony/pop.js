// Screen pop: listens to /telephony/pops/ (server-sent events) and shows a banner with a
// link to the caller's call card; never navigates by itself (an unsaved form stays intact).
// On the call card in live mode (#live-call), the same stream carries the call's panel
// whenever the call changes; only while the stream is down does the page ask for the panel
// itself, slowly.
(function () {
  "use strict";
  var root = document.getElementById("screen-pop");
  var panel = document.getElementById("live-call");
  var SLOW_POLL_MS = (panel && Number(panel.dataset.fallbackMs)) || 10000;
  var slowTimer = null;

  function refreshPanel() {
    if (!panel || !window.fetch) return;
    fetch(panel.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) panel.innerHTML = html; })
      .catch(function () {});
  }
  function startSlowPoll() {
    if (panel && slowTimer === null) slowTimer = window.setInterval(refreshPanel, SLOW_POLL_MS);
  }
  function stopSlowPoll() {
    if (slowTimer !== null) {
      window.clearInterval(slowTimer);
      slowTimer = null;
    }
  }

  if (!root) return;
  if (!window.EventSource) {
    startSlowPoll();
    return;
  }
  var url = root.dataset.stream;
  if (panel && panel.dataset.call) {
    url += (url.indexOf("?") < 0 ? "?" : "&") + "call=" + encodeURIComponent(panel.dataset.call);
  }
  var source = new EventSource(url);
  // The stream closes every few minutes and reconnects within a second: the slow poll only
  // ever runs while it stays down.
  source.addEventListener("open", stopSlowPoll);
  source.addEventListener("error", startSlowPoll);
  source.addEventListener("call", function (message) {
    var data = JSON.parse(message.data);
    if (panel && String(data.call) === panel.dataset.call) {
      panel.innerHTML = data.html;
      panel.dataset.updates = String(Number(panel.dataset.updates || "0") + 1);
    }
  });
  source.addEventListener("pop", function (message) {
    var pop = JSON.parse(message.data);
    var banner = document.createElement("div");
    banner.className = "screen-pop" + (pop.known ? " known" : " unknown");
    banner.setAttribute("role", "alert");
    var text = document.createElement("span");
    text.textContent = pop.text + " ";
    var link = document.createElement("a");
    link.href = pop.url;
    link.target = "_blank";
    link.setAttribute("role", "button");
    link.textContent = pop.button;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "outline secondary small";
    close.textContent = "×";
    close.setAttribute("aria-label", root.dataset.close);
    close.addEventListener("click", function () { banner.remove(); });
    banner.append(text, link, " ", close);
    root.prepend(banner);
  });
})();
