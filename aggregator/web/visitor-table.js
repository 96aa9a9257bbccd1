// The live visitor table: one row per person on the site (the 100 most
// recently seen), keyed by visitor id. A row appears when someone arrives,
// changes in place when they move to another page, and goes when they leave
// or expire. "On site" counts up every second between snapshots; under it,
// whether the person is reading (their tab in front) or idle. A person's
// page is a button: onSelect(visitor) opens their journey (live-journey.js).
import { el, setText, displayPath, displayReferrer, duration, deviceName } from "./dom.js";

export class VisitorTable {
  constructor(body, emptyText, { onSelect } = {}) {
    this.body = body;
    this.onSelect = onSelect;
    this.selectedId = null;
    this.rows = new Map();  // id -> {tr, cells, firstSeen}
    this.empty = el("tr", { className: "empty" }, el("td", { colspan: 5 }, emptyText));
    this.body.replaceChildren(this.empty);
  }

  render(visitors, { showHost }) {
    const keep = new Set();
    visitors.forEach((visitor, index) => {
      keep.add(visitor.id);
      let row = this.rows.get(visitor.id);
      if (!row) row = this.createRow(visitor.id);
      row.firstSeen = visitor.first_seen;
      row.visitor = visitor;
      row.tr.classList.toggle("selected", visitor.id === this.selectedId);
      const location = [visitor.city, visitor.country_name ?? visitor.country].filter(Boolean).join(", ");
      const device = [deviceName(visitor.device), visitor.browser, visitor.os].filter(Boolean).join(" · ");
      setText(row.path, displayPath(visitor.path));
      setText(row.host, showHost ? visitor.host ?? "" : "");
      row.host.hidden = !showHost;
      setText(row.location, location || "Unknown");
      setText(row.device, device);
      setText(row.referrer, displayReferrer(visitor.referrer));
      const state = visitor.state === "reading" ? "reading" : "idle";
      if (row.tr.dataset.state !== state) row.tr.dataset.state = state;
      setText(row.state, state);
      if (this.body.children[index] !== row.tr) this.body.insertBefore(row.tr, this.body.children[index] ?? null);
    });
    for (const [id, row] of this.rows) {
      if (!keep.has(id)) {
        row.tr.remove();
        this.rows.delete(id);
      }
    }
    if (visitors.length === 0) this.body.replaceChildren(this.empty);
    else this.empty.remove();
  }

  select(id) {
    this.selectedId = id;
    for (const [rowId, row] of this.rows) row.tr.classList.toggle("selected", rowId === id);
  }

  // serverNowMs: onlookerd's clock, estimated from the last snapshot.
  tick(serverNowMs) {
    for (const row of this.rows.values()) setText(row.onSite, duration(serverNowMs - row.firstSeen));
  }

  createRow(id) {
    const cell = (label, ...content) => el("td", { "data-label": label }, ...content);
    const path = el("span", { className: "path" });
    const host = el("span", { className: "detail host" });
    const row = {
      path, host,
      location: el("span"), device: el("span"), referrer: el("span"), onSite: el("span"),
      state: el("span", { className: "state" }),
      firstSeen: 0,
    };
    const open = el("button", { type: "button", className: "link journey-open",
                                title: "Show this person's journey" }, path);
    open.addEventListener("click", () => {
      this.select(id);
      this.onSelect?.(row.visitor);
    });
    row.tr = el("tr", { className: "arrived", "data-id": id },
      cell("Page", open, host),
      cell("Location", row.location),
      cell("Device", row.device),
      cell("Referrer", row.referrer),
      el("td", { "data-label": "On site", className: "n" }, row.onSite, row.state));
    row.tr.addEventListener("animationend", () => row.tr.classList.remove("arrived"), { once: true });
    this.rows.set(id, row);
    return row;
  }
}
