// Onlooker heartbeat: keeps a visitor who leaves a tab open in the live set,
// and tells Onlooker at once when the page is closed.
//   <script src="/onlooker/beacon.js" defer></script>
//   <script src="/onlooker/beacon.js" data-endpoint="/stats/beat" defer></script>
//   <script src="/onlooker/beacon.js" data-keepalive="120" defer></script>
// Each tab names itself with a random id (t=, kept in sessionStorage for the
// tab's life), so that closing one of two tabs does not end the person.
// A visible tab beats every 30 s; a hidden (background) tab sends a slow
// keep-alive (h=1) every data-keepalive seconds, default 180. Keep it below
// onlookerd's --active-window less a minute (Chrome may delay timers of
// hidden tabs by up to a minute), or background tabs drop out between beats.
// Going to the background and back is told at once (e=hide, e=show: the
// live view shows who is reading), and a hide and the leave carry how long
// the page has been visible so far (v=, milliseconds: its engaged time).
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = (script && script.getAttribute("data-endpoint")) || "/onlooker/beat";
  var visibleEveryMs = 30000;
  var hiddenEveryMs = 1000 * (Number(script && script.getAttribute("data-keepalive")) || 180);
  var tab = tabId();
  var timer = 0;
  var visibleMs = 0;  // visible time on this page before visibleSince
  var visibleSince = document.visibilityState === "visible" ? performance.now() : -1;
  var left = false;  // pagehide came: the leave told all (a closing tab turns hidden after it)

  // 16 hex digits, once per tab (a reload or a navigation keeps it).
  function tabId() {
    var id = "";
    try { id = sessionStorage.getItem("onlooker-tab") || ""; } catch (e) { /* storage off */ }
    if (!/^[0-9a-f]{16}$/.test(id)) {
      var words = new Uint32Array(2);
      crypto.getRandomValues(words);
      id = ("0000000" + words[0].toString(16)).slice(-8) + ("0000000" + words[1].toString(16)).slice(-8);
      try { sessionStorage.setItem("onlooker-tab", id); } catch (e) { /* one id per page then */ }
    }
    return id;
  }

  // Whole milliseconds the page has been visible, up to now.
  function visibleSoFar() {
    var now = visibleSince < 0 ? 0 : performance.now() - visibleSince;
    return Math.round(visibleMs + now);
  }

  function url(event) {
    var u = endpoint + (endpoint.indexOf("?") < 0 ? "?" : "&") +
      "p=" + encodeURIComponent(location.pathname) + "&t=" + tab;
    if (event === "leave" || event === "hide") return u + "&e=" + event + "&v=" + visibleSoFar();
    if (event) return u + "&e=" + event;
    return document.visibilityState === "visible" ? u : u + "&h=1";
  }

  function send(event) {
    if (window.fetch) {
      fetch(url(event), { method: "POST", keepalive: true, credentials: "same-origin" })
        .catch(function () {});
    } else {
      navigator.sendBeacon(url(event));
    }
  }

  // Sends `event` (a beat when none) now, then beats again after the
  // interval the tab's visibility asks for.
  function beat(event) {
    clearTimeout(timer);
    send(event);
    timer = setTimeout(beat, document.visibilityState === "visible" ? visibleEveryMs : hiddenEveryMs);
  }

  beat();  // at once: the tab is known before any leave of it
  document.addEventListener("visibilitychange", function () {
    // No hide after the leave, nor the keep-alive it would schedule: either
    // could be logged after the leave and keep a gone person on the site.
    if (left) return;
    if (document.visibilityState === "visible") {
      if (visibleSince < 0) visibleSince = performance.now();
      beat("show");
    } else {
      if (visibleSince >= 0) visibleMs += performance.now() - visibleSince;
      visibleSince = -1;
      beat("hide");
    }
  });
  window.addEventListener("pagehide", function () {
    clearTimeout(timer);
    left = true;
    if (navigator.sendBeacon) navigator.sendBeacon(url("leave"));
  });
  // Back from the back-forward cache: the tab is here again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    left = false;
    beat(document.visibilityState === "visible" ? "show" : "");
  });
})();
