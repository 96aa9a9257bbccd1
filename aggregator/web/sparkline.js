// The sparkline of active people over the last 30 minutes, from the
// snapshot's series (one sample a second, oldest first). onlookerd pushes
// only when something changes, so between snapshots the page carries the
// last value forward itself, once a second.
import { svg, formatNumber } from "./dom.js";

const WINDOW_S = 30 * 60;
const MIN_WINDOW_S = 5 * 60;
const WIDTH = 300;
const HEIGHT = 48;
const COLUMNS = 150;  // 12 s a column over 30 minutes: the peak of each is drawn

export class Sparkline {
  constructor(container, caption) {
    this.container = container;
    this.caption = caption;
    this.samples = new Map();  // unix second -> active
    this.latest = 0;
    this.lastSecond = 0;
  }

  update(series, active, nowMs) {
    if (series && Array.isArray(series.active)) {
      series.active.forEach((value, i) => this.samples.set(series.start + i * (series.step || 1), value));
    }
    this.latest = active;
    this.lastSecond = Math.floor(nowMs / 1000);
    this.samples.set(this.lastSecond, active);
    this.draw(this.lastSecond);
  }

  // Once a second: the current value holds until the next snapshot.
  tick(nowMs) {
    const now = Math.floor(nowMs / 1000);
    if (!this.lastSecond || now <= this.lastSecond) return;
    for (let s = this.lastSecond + 1; s <= now; s++) this.samples.set(s, this.latest);
    this.lastSecond = now;
    this.draw(now);
  }

  draw(now) {
    for (const second of this.samples.keys()) if (second <= now - WINDOW_S) this.samples.delete(second);
    // Right after onlookerd starts there is little history: the window then
    // spans what is known (5 minutes at least) instead of a sliver of 30.
    const known = now - Math.min(now, ...this.samples.keys()) + 1;
    const span = Math.min(WINDOW_S, Math.max(MIN_WINDOW_S, Math.ceil(known / 60) * 60));
    const start = now - span + 1;
    const perColumn = span / COLUMNS;
    const columns = [];
    let peak = 0;
    for (let c = 0; c < COLUMNS; c++) {
      let value = null;
      for (let s = 0; s < perColumn; s++) {
        const sample = this.samples.get(start + Math.floor(c * perColumn) + s);
        if (sample !== undefined) value = Math.max(value ?? 0, sample);
      }
      columns.push(value);
      if (value !== null) peak = Math.max(peak, value);
    }
    const top = Math.max(peak, 1);
    const x = (c) => ((c + 0.5) * WIDTH) / COLUMNS;
    const y = (v) => HEIGHT - 2 - (v / top) * (HEIGHT - 6);
    const points = [];
    columns.forEach((v, c) => { if (v !== null) points.push(`${x(c).toFixed(1)},${y(v).toFixed(1)}`); });

    const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: "none",
                               class: "sparkline", "aria-hidden": "true", focusable: "false" });
    chart.append(svg("line", { class: "spark-base", x1: 0, x2: WIDTH, y1: HEIGHT - 1, y2: HEIGHT - 1 }));
    // A lone sample (onlookerd just started) becomes a short dash.
    if (points.length === 1) {
      const [px, py] = points[0].split(",");
      points.unshift(`${(Number(px) - 2).toFixed(1)},${py}`);
    }
    if (points.length > 1) {
      const first = points[0].split(",")[0];
      const last = points[points.length - 1].split(",")[0];
      chart.append(svg("polygon", { class: "spark-area", points: `${first},${HEIGHT} ${points.join(" ")} ${last},${HEIGHT}` }));
      chart.append(svg("polyline", { class: "spark-line", points: points.join(" ") }));
    }
    this.container.replaceChildren(chart);
    this.caption.textContent = `Last ${span / 60} minutes · peak ${formatNumber(peak)}`;
  }
}
