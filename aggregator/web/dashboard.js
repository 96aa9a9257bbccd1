// The live dashboard: receives snapshots from onlookerd's /ws and draws the
// count, sparkline, map, top lists and visitor table; filters by country,
// page, source and campaign; picks the site; switches to the history view.
//
// Filters work in the page, over the snapshot's `visitors` (the 100 most
// recently seen people): with more people on the site than that, filtered
// numbers count those 100 only, and the dashboard says so.
// Sites for the selector are the hosts seen in snapshots since the page
// loaded (one api/live of every site at start, then every snapshot).
import "./access-banner.js";
import { renderAlerts } from "./alerts-view.js";
import { renderCluster } from "./cluster-view.js";
import { renderHistoryState } from "./history-state.js";  // says on the page when no token protects it
import { $, el, setText, formatNumber, displayPath, displayReferrer, deviceName, plural } from "./dom.js";
import { LiveConnection } from "./connection.js";
import { Sparkline } from "./sparkline.js";
import { TopList, tally } from "./top-lists.js";
import { WorldView } from "./world-view.js";
import { VisitorTable } from "./visitor-table.js";
import { HistoryView } from "./history-view.js";
import { LiveJourney } from "./live-journey.js";

const state = {
  snapshot: null,
  receivedAt: 0,      // performance.now() when it arrived
  filters: { country: null, page: null, source: null, campaign: null },
  host: new URLSearchParams(location.search).get("host") ?? "",
  hosts: new Set(),
  connection: { phase: "connecting", attempt: 0 },
};

const toggle = (kind) => (key) => {
  state.filters[kind] = state.filters[kind] === key ? null : key;
  render();
};
const lists = {
  pages: new TopList($("pages"), { onToggle: toggle("page") }),
  countries: new TopList($("countries"), { onToggle: toggle("country") }),
  cities: new TopList($("cities")),
  referrers: new TopList($("referrers"), { emptyText: "No referrers right now" }),
  devices: new TopList($("devices")),
  browsers: new TopList($("browsers")),
  os: new TopList($("os")),
  sources: new TopList($("sources"), { onToggle: toggle("source") }),
  campaigns: new TopList($("campaigns"), { onToggle: toggle("campaign"), emptyText: "No campaigns right now" }),
};
// Each filter: the visitor field it matches, the list it is picked in, its chip's name.
const FILTERS = {
  country: { field: "country", list: "countries", name: "Country" },
  page: { field: "path", list: "pages", name: "Page" },
  source: { field: "source", list: "sources", name: "Source" },
  campaign: { field: "campaign", list: "campaigns", name: "Campaign" },
};
const filterOfList = Object.fromEntries(Object.entries(FILTERS).map(([kind, f]) => [f.list, kind]));
const world = new WorldView($("map"), { onToggle: toggle("country") });
const journey = new LiveJourney({ onClose: () => table.select(null) });
const table = new VisitorTable($("visitors"), "No one is on the site right now.",
                               { onSelect: (visitor) => journey.select(visitor) });
const sparkline = new Sparkline($("sparkline"), $("sparkline-caption"));
const historyView = new HistoryView();
const connection = new LiveConnection({
  onSnapshot(snapshot) {
    state.snapshot = snapshot;
    state.receivedAt = performance.now();
    if (!state.host) for (const visitor of snapshot.visitors) state.hosts.add(visitor.host);
    sparkline.update(snapshot.series, snapshot.active, snapshot.ts);
    render();
    journey.update();
  },
  onState(connectionState) {
    state.connection = connectionState;
    showConnection();
  },
});

const serverNow = () => (state.snapshot ? state.snapshot.ts + (performance.now() - state.receivedAt) : Date.now());
const countryNames = new Map();

// Referrers from the site itself (a visitor whose first view came from
// another of its pages) are left out of the referrers list.
function external(referrer) {
  const host = String(referrer ?? "").split("/")[0].replace(/:\d+$/, "").toLowerCase();
  return Boolean(host) && !state.hosts.has(host) && host !== location.hostname;
}

function matching(visitors, filters) {
  const wanted = Object.entries(filters).filter(([, key]) => key);
  return visitors.filter((v) => wanted.every(([kind, key]) => v[FILTERS[kind].field] === key));
}
const anyFilter = (filters) => Object.values(filters).some(Boolean);
const withoutFilter = (kind) => ({ ...state.filters, [kind]: null });
// "other site" -> "Other site"
const sourceName = (group) => (group ? group[0].toUpperCase() + group.slice(1) : "Unknown");

// Server lists become {key, label, detail, count}.
const fromServer = {
  pages: (s) => s.pages.map((p) => ({ key: p.path, label: displayPath(p.path), count: p.viewers })),
  countries: (s) => s.countries.map((c) => ({ key: c.code, label: c.name ?? c.code, count: c.viewers })),
  cities: (s) => s.cities.map((c) => ({ key: `${c.country}|${c.name}`, label: c.name,
                                        detail: countryNames.get(c.country) ?? c.country, count: c.viewers })),
  referrers: (s) => s.referrers.filter((r) => external(r.referrer))
    .map((r) => ({ key: r.referrer, label: displayReferrer(r.referrer), count: r.viewers })),
  devices: (s) => s.devices.map((d) => ({ key: d.name, label: deviceName(d.name), count: d.viewers })),
  browsers: (s) => s.browsers.map((b) => ({ key: b.name, label: b.name, count: b.viewers })),
  os: (s) => s.os.map((o) => ({ key: o.name, label: o.name, count: o.viewers })),
  sources: (s) => (s.sources ?? []).map((o) => ({ key: o.source, label: sourceName(o.source), count: o.viewers })),
  campaigns: (s) => (s.campaigns ?? []).map((c) => ({ key: c.campaign, label: c.campaign, count: c.viewers })),
};
// The same lists computed in the page from visitors.
const fromVisitors = {
  pages: (vs) => tally(vs, (v) => v.path, (v) => displayPath(v.path)),
  countries: (vs, n = 10) => tally(vs, (v) => v.country, (v) => v.country_name ?? v.country, undefined, n),
  cities: (vs) => tally(vs, (v) => (v.city ? `${v.country}|${v.city}` : null), (v) => v.city,
                        (v) => v.country_name ?? v.country ?? undefined),
  referrers: (vs) => tally(vs, (v) => (external(v.referrer) ? v.referrer : null), (v) => displayReferrer(v.referrer)),
  devices: (vs) => tally(vs, (v) => v.device, (v) => deviceName(v.device)),
  browsers: (vs) => tally(vs, (v) => v.browser, (v) => v.browser),
  os: (vs) => tally(vs, (v) => v.os, (v) => v.os),
  sources: (vs) => tally(vs, (v) => v.source, (v) => sourceName(v.source)),
  campaigns: (vs) => tally(vs, (v) => v.campaign, (v) => v.campaign),
};

function render() {
  const snap = state.snapshot;
  if (!snap) return;
  for (const c of snap.countries) if (c.name) countryNames.set(c.code, c.name);
  for (const v of snap.visitors) if (v.country && v.country_name) countryNames.set(v.country, v.country_name);
  const { country } = state.filters;
  const filtered = anyFilter(state.filters);
  const visitors = filtered ? matching(snap.visitors, state.filters) : snap.visitors;

  // Each facet that filters leaves out its own filter, so that another
  // country, page, source or campaign can be picked while one is selected.
  const items = {};
  for (const name of Object.keys(lists)) {
    const kind = filterOfList[name];
    const others = kind ? withoutFilter(kind) : state.filters;
    items[name] = anyFilter(others) ? fromVisitors[name](matching(snap.visitors, others)) : fromServer[name](snap);
  }
  for (const name of Object.keys(lists)) {
    const kind = filterOfList[name];
    lists[name].render(items[name], kind ? state.filters[kind] : null);
  }

  // The map shows every country among the 100 recent visitors, not only the top 10.
  const mapCounts = new Map(items.countries.map((c) => [c.key, c.count]));
  const mapVisitors = matching(snap.visitors, withoutFilter("country"));
  for (const c of fromVisitors.countries(mapVisitors, Infinity)) {
    if (!mapCounts.has(c.key)) mapCounts.set(c.key, c.count);
  }
  world.update(mapCounts, country);

  const count = filtered ? visitors.length : snap.active;
  setText($("active"), formatNumber(count));
  document.title = `(${formatNumber(snap.active)}) Onlooker — live`;
  setText($("active-detail"), filtered
    ? `of ${plural(snap.active, "person", "people")} on the site`
    : `${count === 1 ? "person" : "people"}${snap.bots ? ` · ${plural(snap.bots, "bot", "bots")} not counted` : ""}`);
  renderFilters(snap);

  const showHost = !state.host && state.hosts.size > 1;
  table.render(visitors, { showHost });
  table.tick(serverNow());
  setText($("visitors-note"), snap.active > snap.visitors.length
    ? `The ${formatNumber(snap.visitors.length)} most recently seen of ${formatNumber(snap.active)}.` : "");
  renderRing(snap.ring);
  renderCluster(snap);
  renderHistoryState(snap);
  renderAlerts(snap);
  renderSites();
}

let shownFilters = "";
function renderFilters(snap) {
  setText($("filters-note"), snap.active > snap.visitors.length
    ? `Filters count the ${formatNumber(snap.visitors.length)} most recently seen people.` : "");
  // Rebuilt only when the filters change, so that a focused chip keeps focus.
  const key = JSON.stringify(state.filters);
  if (key === shownFilters) return;
  shownFilters = key;
  const chip = (kind, label) => el("li", {}, el("button", {
    type: "button", className: "chip", "aria-label": `Remove filter: ${kind} ${label}`,
    onclick: () => { state.filters[kind] = null; render(); $("now-title").focus(); },
  }, `${FILTERS[kind].name}: ${label} `, el("span", { "aria-hidden": "true" }, "×")));
  const { country, page, source, campaign } = state.filters;
  const chips = [];
  if (country) chips.push(chip("country", countryNames.get(country) ?? country));
  if (page) chips.push(chip("page", displayPath(page)));
  if (source) chips.push(chip("source", sourceName(source)));
  if (campaign) chips.push(chip("campaign", campaign));
  $("filters").hidden = chips.length === 0;
  $("filter-chips").replaceChildren(...chips);
}

function renderRing(ring) {
  // A site key's snapshot has no ring: its counters are every site's traffic.
  $("ring").hidden = !ring;
  if (!ring) {
    $("drops").hidden = true;
    return;
  }
  const percent = ring.capacity ? (100 * ring.fill) / ring.capacity : 0;
  setText($("ring"), `Ring: ${formatNumber(ring.written)} written · ${formatNumber(ring.dropped)} dropped · ` +
    `${formatNumber(ring.torn)} torn · ${percent.toFixed(percent < 10 ? 1 : 0)}% full`);
  const problem = ring.dropped > 0 || ring.torn > 0;
  setText($("drops"), problem
    ? `${plural(ring.dropped, "record was", "records were")} dropped because the ring was full` +
      (ring.torn ? `, ${plural(ring.torn, "record was", "records were")} torn` : "") +
      ". The numbers here may be low; a larger onlooker_zone size helps."
    : "");
  $("drops").hidden = !problem;
}

function renderSites() {
  const hosts = [...state.hosts].sort();
  if (state.host && !state.hosts.has(state.host)) hosts.unshift(state.host);
  $("site-picker").hidden = hosts.length < 2 && !state.host;
  const select = $("site");
  const wanted = ["", ...hosts];
  const current = [...select.options].map((o) => o.value);
  if (wanted.join("\n") !== current.join("\n")) {
    select.replaceChildren(...wanted.map((host) => el("option", { value: host }, host || "All sites")));
  }
  select.value = state.host;
}

function chooseSite(host) {
  state.host = host;
  const url = new URL(location.href);
  if (host) url.searchParams.set("host", host);
  else url.searchParams.delete("host");
  window.history.replaceState(null, "", url);
  state.snapshot = null;
  sparkline.samples.clear();
  connection.start(host);
  historyView.setHost(host);
}

function showConnection() {
  const { phase, attempt } = state.connection;
  $("connection").dataset.phase = phase;
  document.body.dataset.connection = phase;
  const text = phase === "live" ? "Live"
    : phase === "waiting" ? "Disconnected from onlookerd — reconnecting"
    : attempt > 0 ? "Reconnecting…" : "Connecting…";
  setText($("connection-text"), text);
  showRetry();
}

function showRetry() {
  const { phase, retryAt, attempt } = state.connection;
  const seconds = phase === "waiting" ? Math.max(0, Math.ceil((retryAt - Date.now()) / 1000)) : 0;
  setText($("connection-retry"), phase === "waiting" ? `in ${seconds} s (attempt ${attempt})` : "");
}

function showView() {
  if (location.hash === "#main") return;  // the skip link
  const showHistory = location.hash === "#history";
  $("live").hidden = showHistory;
  $("history").hidden = !showHistory;
  $("tab-live").toggleAttribute("aria-current", !showHistory);
  $("tab-history").toggleAttribute("aria-current", showHistory);
  $(showHistory ? "tab-history" : "tab-live").setAttribute("aria-current", "page");
  if (showHistory && !historyView.loaded) historyView.load();
}

// Every site onlookerd knows of right now, for the selector.
async function discoverSites() {
  try {
    const response = await fetch("api/live", { credentials: "same-origin" });
    if (!response.ok) return;
    const all = await response.json();
    for (const visitor of all.visitors ?? []) state.hosts.add(visitor.host);
    renderSites();
  } catch {
    // the WebSocket's state line says what is wrong
  }
}

$("site").addEventListener("change", (event) => chooseSite(event.target.value));
window.addEventListener("hashchange", showView);
setInterval(() => {
  const now = serverNow();
  table.tick(now);
  sparkline.tick(now);
  showRetry();
}, 1000);

historyView.host = state.host;
showView();
renderSites();
connection.start(state.host);
discoverSites();
