// The snapshot's firing --alert rules: a banner while any fires, and an
// opt-in browser notification (Notifications API) for each rule that starts
// firing while the page is open. Opting in is a click (browsers ask for
// permission only after one) and is remembered in localStorage.
import { setText, formatNumber } from "./dom.js";

const $ = (id) => document.getElementById(id);
const OPT_IN_KEY = "onlooker.alertNotifications";
const supported = "Notification" in window;
let known = null;  // names firing at the last snapshot; null before the first

const optedIn = () => supported && Notification.permission === "granted" &&
                      localStorage.getItem(OPT_IN_KEY) === "on";

function showButton() {
  const button = $("alert-notify");
  button.hidden = !supported;
  if (!supported) return;
  const on = optedIn();
  button.setAttribute("aria-pressed", String(on));
  setText(button, on ? "Alert notifications on" : "Notify me of alerts");
}

if (supported) {
  $("alert-notify").addEventListener("click", async () => {
    if (optedIn()) {
      localStorage.removeItem(OPT_IN_KEY);
    } else if ((await Notification.requestPermission()) === "granted") {
      localStorage.setItem(OPT_IN_KEY, "on");
    }
    showButton();
  });
}
showButton();

const describe = (alert) => `${alert.name}: ${alert.condition} (now ${formatNumber(alert.value)})`;

export function renderAlerts(snap) {
  const alerts = snap.alerts ?? [];
  const banner = $("alerts");
  setText(banner, alerts.length ? `Alert${alerts.length > 1 ? "s" : ""} firing: ` +
                                  alerts.map(describe).join(" · ") : "");
  banner.hidden = alerts.length === 0;
  const names = new Set(alerts.map((alert) => alert.name));
  // Rules already firing when the page opened were news to nobody here.
  if (known !== null && optedIn()) {
    for (const alert of alerts) {
      if (!known.has(alert.name)) {
        new Notification(`Onlooker alert: ${alert.name}`, { body: describe(alert), tag: `onlooker-${alert.name}` });
      }
    }
  }
  known = names;
}
