// The "top N" lists (pages, countries, cities, devices, browsers, OS, sources,
// campaigns, referrers): each row a name, a count and a bar. Rows of the lists that
// filter (pages, countries, sources, campaigns) are buttons with aria-pressed, so they are
// reachable and usable by keyboard. Rows are keyed and updated in place, so a
// focused button keeps its focus while the numbers change under it.
import { el, formatNumber } from "./dom.js";

export class TopList {
  // onToggle(key) makes the list's rows filter buttons.
  constructor(list, { onToggle = null, emptyText = "No one right now", noun = "viewers" } = {}) {
    this.list = list;
    this.onToggle = onToggle;
    this.emptyText = emptyText;
    this.noun = noun;
    this.rows = new Map();  // key -> {li, name, detail, count}
    this.empty = el("li", { className: "empty" }, emptyText);
  }

  // items: [{key, label, detail?, count}] in display order; selected: a key or null.
  render(items, selected = null) {
    const focused = this.list.contains(document.activeElement) ? document.activeElement : null;
    const top = Math.max(1, ...items.map((item) => item.count));
    const keep = new Set();
    items.forEach((item, index) => {
      keep.add(item.key);
      const row = this.rows.get(item.key) ?? this.createRow(item.key);
      if (row.name.textContent !== item.label) row.name.textContent = item.label;
      const detail = item.detail ?? "";
      if (row.detail.textContent !== detail) row.detail.textContent = detail;
      row.detail.hidden = !detail;
      const count = formatNumber(item.count);
      if (row.count.textContent !== count) row.count.textContent = count;
      row.li.style.setProperty("--share", `${(100 * item.count) / top}%`);
      if (row.button) {
        const pressed = String(item.key === selected);
        if (row.button.getAttribute("aria-pressed") !== pressed) row.button.setAttribute("aria-pressed", pressed);
        row.button.setAttribute("aria-label", `${item.label}${detail ? ", " + detail : ""}: ${count} ${this.noun}`);
      }
      if (this.list.children[index] !== row.li) this.list.insertBefore(row.li, this.list.children[index] ?? null);
    });
    for (const [key, row] of this.rows) {
      if (!keep.has(key)) {
        row.li.remove();
        this.rows.delete(key);
      }
    }
    if (items.length === 0) this.list.replaceChildren(this.empty);
    else this.empty.remove();
    if (focused && focused.isConnected && document.activeElement !== focused) {
      focused.focus({ preventScroll: true });
    }
  }

  createRow(key) {
    const name = el("span", { className: "name" });
    const detail = el("span", { className: "detail" });
    const count = el("span", { className: "count" });
    const li = el("li", { className: "row" });
    const row = { li, name, detail, count, button: null };
    if (this.onToggle) {
      row.button = el("button", { type: "button", className: "row-button", "aria-pressed": "false",
                                  onclick: () => this.onToggle(key) },
                      name, detail, count);
      li.append(row.button);
    } else {
      li.append(name, detail, count);
    }
    this.rows.set(key, row);
    return row;
  }
}

// Counts of one dimension over a list of visitors, largest first, top n.
export function tally(visitors, keyOf, labelOf, detailOf = () => undefined, n = 10) {
  const counts = new Map();
  for (const visitor of visitors) {
    const key = keyOf(visitor);
    if (key === null || key === undefined || key === "") continue;
    const entry = counts.get(key) ?? { key, label: labelOf(visitor), detail: detailOf(visitor), count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count).slice(0, n);
}
