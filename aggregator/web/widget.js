// Onlooker counter widget: "N viewing now" on the site's own pages.
//   <script src="/onlooker/widget.js" data-onlooker></script>
// Options (attributes on the script tag):
//   data-host="example.com"   count one site only (default: every site onlookerd sees)
//   data-target="#count"      render into that element instead of after the script
//   data-label="reading now"  the words after the number (default "viewing now")
//   data-show="reading"       count only those reading now (tab in front, heard
//                             from lately) instead of everyone on the site
// Markup, to style with CSS:
//   <span class="onlooker-widget" data-state="live|polling">
//     <span class="onlooker-widget__count">3</span> <span class="onlooker-widget__label">viewing now</span>
//   </span>
// The URLs follow the script's own src, so it works wherever onlookerd is
// mounted. Live updates come from the public WebSocket ws?count; when that is
// refused or drops, it polls api/count every 15 s and tries the socket again
// with backoff.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var host = script.getAttribute("data-host") || "";
  var query = host ? "host=" + encodeURIComponent(host) : "";
  var countUrl = new URL("api/count" + (query ? "?" + query : ""), script.src);
  var socketUrl = new URL("ws?count" + (query ? "&" + query : ""), script.src);
  socketUrl.protocol = socketUrl.protocol === "https:" ? "wss:" : "ws:";
  var POLL_MS = 15000;
  var field = script.getAttribute("data-show") === "reading" ? "reading" : "active";

  var root = document.createElement("span");
  root.className = "onlooker-widget";
  root.setAttribute("role", "status");
  root.hidden = true;  // until the first number
  var count = document.createElement("span");
  count.className = "onlooker-widget__count";
  var label = document.createElement("span");
  label.className = "onlooker-widget__label";
  label.textContent = script.getAttribute("data-label") || "viewing now";
  root.appendChild(count);
  root.appendChild(document.createTextNode(" "));
  root.appendChild(label);

  function mount() {
    var selector = script.getAttribute("data-target");
    var target = selector ? document.querySelector(selector) : null;
    if (target) target.appendChild(root);
    else script.parentNode.insertBefore(root, script.nextSibling);
  }

  function show(active, how) {
    if (typeof active !== "number" || !isFinite(active)) return;
    var text = String(active);
    if (count.textContent !== text) count.textContent = text;
    root.setAttribute("data-state", how);
    root.hidden = false;
  }

  var live = false;  // the socket is open and carries the count
  var pollTimer = 0;
  function poll() {
    clearTimeout(pollTimer);
    fetch(countUrl.href, { credentials: "omit", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body && !live) show(body[field], "polling"); })
      .catch(function () {})
      .then(function () { if (!live) pollTimer = setTimeout(poll, POLL_MS); });
  }

  var retryMs = 1000;
  function connect() {
    if (!window.WebSocket) return;
    var opened = false;
    var socket = new WebSocket(socketUrl.href);
    socket.onopen = function () {
      opened = live = true;
      retryMs = 1000;
      clearTimeout(pollTimer);
    };
    socket.onmessage = function (event) {
      try {
        var message = JSON.parse(event.data);
        if (message.type === "count") show(message[field], "live");
      } catch (e) { /* not ours */ }
    };
    socket.onclose = function () {
      // Keep the number fresh by polling while the socket is away.
      live = false;
      poll();
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * (opened ? 2 : 4), 300000);
    };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
  poll();
  connect();
})();
