// Onlooker heartbeat: keeps a visitor who leaves a tab open in the live set,
// and tells Onlooker at once when the page is closed.
//   <script src="/onlooker/beacon.js" defer></script>
//   <script src="/onlooker/beacon.js" data-endpoint="/stats/beat" defer></script>
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = (script && script.getAttribute("data-endpoint")) || "/onlooker/beat";
  var everyMs = 30000;

  function url(event) {
    var u = endpoint + (endpoint.indexOf("?") < 0 ? "?" : "&") +
      "p=" + encodeURIComponent(location.pathname);
    return event ? u + "&e=" + event : u;
  }

  function beat() {
    if (document.visibilityState !== "visible") return;
    if (window.fetch) {
      fetch(url(), { method: "POST", keepalive: true, credentials: "same-origin" })
        .catch(function () {});
    } else {
      navigator.sendBeacon(url());
    }
  }

  setInterval(beat, everyMs);
  document.addEventListener("visibilitychange", beat);
  window.addEventListener("pagehide", function () {
    if (navigator.sendBeacon) navigator.sendBeacon(url("leave"));
  });
})();
