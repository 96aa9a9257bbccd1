// One live person's journey in their current stay: the page views in time
// order, from GET api/journey?host=&visitor=, fetched again with every
// snapshot while it is open (so it follows them live), and marked when they
// have left. Opened from the visitor table (visitor-table.js's onSelect).
// Engaged time shows once the page's leave or hide reports it (engaged_ms).
import { $, el, setText, displayPath, duration, plural } from "./dom.js";

const timeLabel = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export class LiveJourney {
  constructor({ onClose } = {}) {
    this.selected = null;  // {id, host}
    this.inFlight = false;
    this.again = false;
    this.onClose = onClose;
    $("journey-close").addEventListener("click", () => this.close());
  }

  select(visitor) {
    this.selected = { id: visitor.id, host: visitor.host };
    $("journey").hidden = false;
    $("journey").dataset.visitor = visitor.id;
    $("journey").dataset.host = visitor.host;
    delete $("journey").dataset.state;
    setText($("journey-note"), "Loading…");
    $("journey-steps").replaceChildren();
    this.fetch();
    $("journey-title").focus?.();
  }

  close() {
    this.selected = null;
    $("journey").hidden = true;
    delete $("journey").dataset.visitor;
    delete $("journey").dataset.host;
    this.onClose?.();
  }

  // With every snapshot: fetch again until they have left (the snapshot
  // lists only the 100 most recently seen, so only onlookerd can say).
  update() {
    if (this.selected && $("journey").dataset.state !== "left") this.fetch();
  }

  async fetch() {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    const asked = this.selected;
    this.inFlight = true;
    try {
      const query = new URLSearchParams({ host: asked.host, visitor: asked.id });
      const response = await fetch(`api/journey?${query}`, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const journey = await response.json();
      if (asked !== this.selected) return;
      if (!journey.live) {
        $("journey").dataset.state = "left";
        setText($("journey-note"), "Left the site: their journey as it ended.");
        return;
      }
      this.render(journey);
    } catch (problem) {
      if (asked === this.selected) setText($("journey-note"), `The journey is unavailable (${problem.message}).`);
    } finally {
      this.inFlight = false;
      if (this.again && this.selected) {
        this.again = false;
        this.fetch();
      }
    }
  }

  render(journey) {
    $("journey").dataset.state = "live";
    const steps = journey.journey;
    const earlier = journey.views - steps.length;
    setText($("journey-note"),
      `${plural(journey.views, "page view", "page views")} in this visit` +
      (earlier > 0 ? `; the last ${steps.length} shown` : "") + `, on ${journey.host}.`);
    $("journey-steps").replaceChildren(...steps.map((step, index) => {
      const next = steps[index + 1];
      const stay = next ? ` · ${duration(next.t - step.t)} until the next page` : "";
      const engaged = step.engaged_ms == null ? "" : ` · engaged ${duration(step.engaged_ms)}`;
      return el("li", { "data-path": step.path },
        el("span", { className: "path" }, displayPath(step.path)),
        el("span", { className: "detail" }, ` ${timeLabel.format(step.t)}${stay}${engaged}`));
    }));
  }
}
