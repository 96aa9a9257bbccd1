// The history view: views and visitors per hour or day over a chosen range,
// with the top pages, countries, sources and campaigns of that range, from onlookerd's
// GET api/history?from=&to=&host=&bucket=&page= (SQLite or PostgreSQL), and
// the journeys of that range (journey-lists.js). Dates are UTC days, as
// onlookerd's buckets are. The form checks what it can before asking; what
// onlookerd refuses (400) is shown as it said it.
import { $, el, svg, formatNumber, displayPath, plural } from "./dom.js";
import { renderJourneys } from "./journey-lists.js";
import { figureItems, previousViews, seconds } from "./history-compare.js";
import { HistoryFilter } from "./history-filter.js";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MAX_RANGE_DAYS = 366;
const MAX_HOURLY_DAYS = 31;

const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const parseDay = (text) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(text + "T00:00:00Z") : NaN);
const dayLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
const hourLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit",
                                                      minute: "2-digit", timeZone: "UTC" });

export class HistoryView {
  constructor() {
    this.host = "";
    this.page = "";  // the page whose journeys are shown alone ("": the top pages)
    this.filter = new HistoryFilter(() => this.load());
    this.loaded = false;
    this.request = 0;
    this.form = $("history-form");
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.load();
    });
    for (const button of this.form.querySelectorAll("[data-days]")) {
      button.addEventListener("click", () => {
        this.preset(Number(button.dataset.days));
        this.load();
      });
    }
    this.preset(7);
    this.lastChart = null;
    let drawnWidth = 0;
    new ResizeObserver(([entry]) => {
      const width = Math.round(entry.contentRect.width);
      if (this.lastChart && width && Math.abs(width - drawnWidth) > 8) this.drawChart(...this.lastChart);
      drawnWidth = width;
    }).observe($("history-chart"));
  }

  preset(days) {
    const today = Date.parse(utcDay(Date.now()) + "T00:00:00Z");
    $("history-from").value = utcDay(today - (days - 1) * DAY_MS);
    $("history-to").value = utcDay(today);
    $("history-bucket").value = days <= 2 ? "hour" : "day";
  }

  setHost(host) {
    this.host = host;
    if (this.loaded) this.load();
  }

  // Returns the query string, or throws an Error with what is wrong.
  query() {
    const from = parseDay($("history-from").value);
    const toDay = parseDay($("history-to").value);
    if (Number.isNaN(from)) throw new Error("Enter a start date.");
    if (Number.isNaN(toDay)) throw new Error("Enter an end date.");
    if (toDay < from) throw new Error("The end date is before the start date.");
    const to = toDay + DAY_MS;
    const days = (to - from) / DAY_MS;
    if (days > MAX_RANGE_DAYS) throw new Error(`The range is at most ${MAX_RANGE_DAYS} days.`);
    const bucket = $("history-bucket").value;
    if (bucket === "hour" && days > MAX_HOURLY_DAYS) {
      throw new Error(`Hourly buckets cover at most ${MAX_HOURLY_DAYS} days; choose daily.`);
    }
    const params = new URLSearchParams({ from: String(from), to: String(to), bucket });
    if (this.host) params.set("host", this.host);
    if (this.page) params.set("page", this.page);
    this.filter.addTo(params);
    return params.toString();
  }

  async load() {
    this.loaded = true;
    const error = $("history-error");
    let query;
    try {
      query = this.query();
    } catch (problem) {
      this.showError(problem.message);
      return;
    }
    const request = ++this.request;
    $("history").setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`api/history?${query}`, { credentials: "same-origin" });
      const body = await response.json().catch(() => ({}));
      if (request !== this.request) return;  // a newer request won
      if (!response.ok) throw new Error(body.error ? `onlookerd: ${body.error}` : `HTTP ${response.status}`);
      error.hidden = true;
      error.textContent = "";
      this.render(body);
      this.linkDownloads(query);
    } catch (problem) {
      if (request === this.request) this.showError(problem.message || "History is unavailable.");
    } finally {
      if (request === this.request) $("history").removeAttribute("aria-busy");
    }
  }

  // Each list's CSV download (GET api/history.csv?list=): the same range,
  // site and page as what is shown, every row of the list.
  linkDownloads(query) {
    for (const link of document.querySelectorAll("#history a.download[data-list]")) {
      link.href = `api/history.csv?list=${link.dataset.list}&${query}`;
    }
  }

  showError(message) {
    const error = $("history-error");
    error.textContent = message;
    error.hidden = false;
  }

  render(history) {
    const step = history.bucket === "hour" ? HOUR_MS : DAY_MS;
    const byTime = new Map(history.series.map((point) => [point.t, point]));
    const buckets = [];
    for (let t = Math.floor(history.from / step) * step; t < history.to; t += step) {
      const point = byTime.get(t);
      buckets.push({ t, views: point?.views ?? 0, visitors: point?.visitors ?? 0 });
    }
    const label = (t) => (history.bucket === "hour" ? hourLabel : dayLabel).format(t);
    const totalViews = buckets.reduce((sum, b) => sum + b.views, 0);
    const peak = buckets.reduce((best, b) => (b.views > best.views ? b : best), { views: 0, t: 0 });
    const range = `${dayLabel.format(history.from)} – ${dayLabel.format(history.to - 1)} (UTC)`;
    $("history-summary").textContent =
      `${plural(totalViews, "view", "views")}, ${range}` +
      (peak.views ? ` · busiest ${history.bucket}: ${label(peak.t)}, ${plural(peak.views, "view", "views")}` : "");

    const before = previousViews(history, step, buckets.length);
    this.drawChart(buckets, label, range, totalViews, history.bucket, before);
    $("history-series").replaceChildren(...buckets.filter((b) => b.views || b.visitors).map((b) =>
      el("tr", {}, el("th", { scope: "row" }, label(b.t)), el("td", { className: "n" }, formatNumber(b.views)),
         el("td", { className: "n" }, formatNumber(b.visitors)))));
    // Engaged: the average per view of the page (visits begun on the range's
    // days); "≈" when some of it is estimated from the time to the next view.
    fillTable($("history-pages"), history.pages,
              (p) => this.filter.button("path", p.path, displayPath(p.path)), "No page views in this range",
              (p) => el("td", { className: "n engaged",
                                title: p.engaged_estimated ? "Partly estimated: time to the next view (pages without beacon.js)" : undefined },
                        (p.engaged_estimated ? "≈ " : "") + seconds(p.engaged_seconds)));
    fillTable($("history-countries"), history.countries,
              (c) => this.filter.button("country", c.code, c.name || c.code), "No located views in this range");
    fillTable($("history-sources"), history.sources ?? [],
              (s) => this.filter.button("source", s.source, s.source[0].toUpperCase() + s.source.slice(1)),
              "No arrivals in this range");
    fillTable($("history-campaigns"), history.campaigns ?? [],
              (c) => this.filter.button("campaign", c.campaign, c.campaign), "No campaigns in this range");
    this.filter.render(history);
    // Visits begun on the range's UTC days (bounce: one page, under 10 s
    // engaged), the totals, and each one's change against the previous period.
    $("history-visits").replaceChildren(...figureItems(history));
    renderJourneys(history, this.page, (page) => {
      this.page = page;
      this.load();
    });
  }

  drawChart(buckets, label, range, totalViews, bucket, previous = []) {
    // Drawn at the size it is shown, so that its text keeps its size from
    // 360 px to a wide desktop; redrawn when that changes.
    const width = Math.max(280, Math.round($("history-chart").clientWidth || 640));
    const height = 200, left = 40, bottom = 22, top = 10;
    this.lastChart = [buckets, label, range, totalViews, bucket, previous];
    const max = Math.max(1, ...buckets.map((b) => b.views), ...previous);
    const slot = (width - left) / Math.max(1, buckets.length);
    const y = (v) => height - bottom - (v / max) * (height - bottom - top);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "history-chart", role: "img",
                               "aria-label": `Views (bars), visitors (line) and the previous period's views (dashed line) per ${bucket}, ${range}: ` +
                                 `${formatNumber(totalViews)} views in all; the table below has the numbers.` });
    chart.append(svg("line", { x1: left, x2: width, y1: height - bottom, y2: height - bottom, class: "axis" }));
    const maxLabel = svg("text", { x: left - 6, y: top + 8, class: "tick", "text-anchor": "end" });
    maxLabel.textContent = formatNumber(max);
    const zeroLabel = svg("text", { x: left - 6, y: height - bottom, class: "tick", "text-anchor": "end" });
    zeroLabel.textContent = "0";
    chart.append(maxLabel, zeroLabel);
    const line = [];
    buckets.forEach((b, i) => {
      const x = left + i * slot;
      if (b.views) {
        const bar = svg("rect", { x: (x + slot * 0.15).toFixed(1), y: y(b.views).toFixed(1),
                                  width: Math.max(1, slot * 0.7).toFixed(1),
                                  height: (height - bottom - y(b.views)).toFixed(1), class: "bar" });
        const title = svg("title");
        title.textContent = `${label(b.t)}: ${formatNumber(b.views)} views, ${formatNumber(b.visitors)} visitors`;
        bar.append(title);
        chart.append(bar);
      }
      line.push(`${(x + slot / 2).toFixed(1)},${y(b.visitors).toFixed(1)}`);
    });
    if (line.length > 1) chart.append(svg("polyline", { points: line.join(" "), class: "visitors-line" }));
    if (previous.length) {
      const points = previous.map((views, i) => `${(left + i * slot + slot / 2).toFixed(1)},${y(views).toFixed(1)}`);
      if (points.length === 1) points.push(points[0]);
      chart.append(svg("polyline", { points: points.join(" "), class: "previous-line" }));
    }
    const ticks = buckets.length > 1 ? [0, Math.floor((buckets.length - 1) / 2), buckets.length - 1] : [0];
    for (const i of new Set(ticks)) {
      if (!buckets[i]) continue;
      const tick = svg("text", { x: (left + i * slot + slot / 2).toFixed(1), y: height - 6, class: "tick",
                                 "text-anchor": i === 0 ? "start" : i === buckets.length - 1 ? "end" : "middle" });
      tick.textContent = label(buckets[i].t);
      chart.append(tick);
    }
    $("history-chart").replaceChildren(chart);
  }
}

// `extra`, if given, makes each row's fourth cell.
function fillTable(body, rows, nameOf, emptyText, extra) {
  if (!rows.length) {
    body.replaceChildren(el("tr", { className: "empty" }, el("td", { colspan: extra ? 4 : 3 }, emptyText)));
    return;
  }
  body.replaceChildren(...rows.map((row) =>
    el("tr", {}, el("td", {}, nameOf(row)), el("td", { className: "n" }, formatNumber(row.views)),
       el("td", { className: "n" }, formatNumber(row.visitors)), ...(extra ? [extra(row)] : []))));
}
