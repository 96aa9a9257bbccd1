// The History tab's comparison with the previous period of the same length
// (GET api/history's "previous": its totals, visits and series): each
// figure's change in %, and the previous period's views laid over the
// chart bucket by bucket (its first bucket under the range's first).
import { el, formatNumber } from "./dom.js";

// "+12 %", "−40 %", "±0 %"; "new" when the previous period had none; "–"
// when either side has no figure (no visits to average over).
export function change(current, previous) {
  if (current == null || previous == null) return { text: "–", direction: "none" };
  if (previous === 0) return current === 0 ? { text: "±0 %", direction: "same" } : { text: "new", direction: "up" };
  const percent = Math.round(((current - previous) / Math.abs(previous)) * 100);
  if (percent === 0) return { text: "±0 %", direction: "same" };
  return percent > 0 ? { text: `+${percent} %`, direction: "up" } : { text: `−${-percent} %`, direction: "down" };
}

// Seconds as the History tab shows them ("–": none known).
export const seconds = (value) => (value == null ? "–" : value < 60 ? `${value.toFixed(1)} s`
                                                                   : `${Math.floor(value / 60)} min ${Math.round(value % 60)} s`);

// The figures shown above the chart, each as [name, current, previous, format].
export function figures(history) {
  const now = history.visits ?? {}, before = history.previous?.visits ?? {};
  const totals = history.totals ?? {}, previousTotals = history.previous?.totals ?? {};
  const count = (value) => formatNumber(value ?? 0);
  return [
    ["Views", totals.views, previousTotals.views, count],
    ["Visitors", totals.visitors, previousTotals.visitors, count],
    ["Visits", now.visits, before.visits, count],
    ["Average visit", now.avg_duration_seconds, before.avg_duration_seconds, seconds],
    ["Pages per visit", now.avg_pages, before.avg_pages, (v) => (v == null ? "–" : v.toFixed(1))],
    ["Bounce rate", now.bounce_rate, before.bounce_rate, (v) => (v == null ? "–" : `${Math.round(v * 100)} %`)],
    ["Engaged time per page", now.engaged_seconds_per_page, before.engaged_seconds_per_page, seconds],
  ];
}

// <dl> items: the figure, then its change against the previous period.
export function figureItems(history) {
  return figures(history).map(([name, current, previous, format]) => {
    const delta = change(current, previous);
    return el("div", {}, el("dt", {}, name),
      el("dd", { "data-figure": name }, format(current)),
      el("dd", { className: `change ${delta.direction}`, "data-change": name,
                 title: `previous period: ${format(previous)}` }, delta.text));
  });
}

// The previous period's views per bucket, as many as the range has buckets.
export function previousViews(history, step, count) {
  const previous = history.previous;
  if (!previous) return [];
  const byTime = new Map((previous.series ?? []).map((point) => [point.t, point.views]));
  const start = Math.floor(previous.from / step) * step;
  return Array.from({ length: count }, (_, i) => byTime.get(start + i * step) ?? 0);
}
