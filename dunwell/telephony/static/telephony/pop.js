// Screen pop: listens to /telephony/pops/ (server-sent events) and shows a banner with a
// link to the caller's call card; never navigates by itself (an unsaved form stays intact).
(function () {
  "use strict";
  var root = document.getElementById("screen-pop");
  if (!root || !window.EventSource) return;
  var source = new EventSource(root.dataset.stream);
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
