// The History tab's cross-list filter: a page, country, source or campaign
// picked in one list filters every list (GET api/history?path=&country=&city=
// &device=&browser=&os=&referrer=&source=&campaign=, answered from the hits),
// like the live view's click-to-filter. When filtered, the cities, devices, browsers, OS and referrers of
// the matching views are shown too; visits and journeys are not filtered,
// so onlookerd sends none and the page says so.
import { $, el, formatNumber, displayPath } from "./dom.js";

const NAMES = { path: "page", referrer: "referrer", country: "country", city: "city",
                device: "device", browser: "browser", os: "OS", source: "source", campaign: "campaign" };

export class HistoryFilter {
  constructor(onChange) {
    this.filters = new Map();  // column -> value
    this.onChange = onChange;
  }

  has(column, value) {
    return this.filters.get(column) === value;
  }

  toggle(column, value) {
    if (this.has(column, value)) this.filters.delete(column);
    else this.filters.set(column, value);
    this.onChange();
  }

  addTo(params) {
    for (const [column, value] of this.filters) params.set(column, value);
  }

  // A button that filters by (column, value), pressed while it does.
  button(column, value, label) {
    const button = el("button", { type: "button", className: "link", "data-filter": column,
                                  "data-value": value, "aria-pressed": String(this.has(column, value)),
                                  title: `Only the views with this ${NAMES[column]}` }, label);
    button.addEventListener("click", () => this.toggle(column, value));
    return button;
  }

  render(history) {
    const bar = $("history-filter");
    bar.hidden = this.filters.size === 0;
    bar.replaceChildren(...(this.filters.size ? ["Only views with "] : []),
      ...[...this.filters].flatMap(([column, value], i) => {
        const remove = el("button", { type: "button", className: "link", "data-clear": column,
                                      "aria-label": `Remove the ${NAMES[column]} filter` }, "×");
        remove.addEventListener("click", () => this.toggle(column, value));
        return [i ? ", " : "", el("strong", {}, `${NAMES[column]} = ${column === "path" ? displayPath(value) : value}`), " ", remove];
      }),
      ...(this.filters.size ? [" (visits and journeys cannot be filtered, so they are not shown)"] : []));
    const more = $("history-more");
    more.hidden = !history.filter;
    if (!history.filter) return;
    const lists = [["Cities", history.cities, "city", (e) => e.name], ["Devices", history.devices, "device", (e) => e.name],
                   ["Browsers", history.browsers, "browser", (e) => e.name], ["OS", history.os, "os", (e) => e.name],
                   ["Referrers", history.referrers, "referrer", (e) => e.referrer]];
    $("history-more-lists").replaceChildren(...lists.map(([title, rows, column, nameOf]) =>
      el("div", { className: "table-wrap", "data-list": column },
        el("table", {}, el("caption", {}, title),
          el("thead", {}, el("tr", {}, el("th", { scope: "col" }, NAMES[column]),
            el("th", { scope: "col", className: "n" }, "Views"), el("th", { scope: "col", className: "n" }, "Visitors"))),
          el("tbody", {}, ...(rows ?? []).map((row) => el("tr", {},
            el("td", {}, this.button(column, nameOf(row), nameOf(row))),
            el("td", { className: "n" }, formatNumber(row.views)),
            el("td", { className: "n" }, formatNumber(row.visitors)))))))));
  }
}
