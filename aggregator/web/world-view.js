// The world map: every country a path (projected at build time, see
// build-world-map.mjs), shaded by its live visitors, with a bubble sized by
// their number. Countries with visitors are buttons (Tab, Enter or Space)
// that filter the dashboard, like the rows of the countries list.
import { svg, formatNumber } from "./dom.js";
import { viewBox, countries } from "./world-map.js";

const LEVELS = 5;

export class WorldView {
  constructor(container, { onToggle }) {
    this.onToggle = onToggle;
    this.shapes = new Map();  // code -> {path, bubble, title, name}
    const map = svg("svg", { viewBox, class: "world", role: "group",
                             "aria-label": "World map of live visitors by country" });
    const land = svg("g", { class: "land" });
    const bubbles = svg("g", { class: "bubbles", "aria-hidden": "true" });
    for (const [code, name, d, cx, cy] of countries) {
      const path = svg("path", { d, class: "country", "data-code": code, "aria-hidden": "true" });
      land.append(path);
      if (!code) continue;
      const bubble = svg("circle", { cx, cy, r: 0, class: "bubble" });
      bubbles.append(bubble);
      const shape = { path, bubble, title: null, name, active: false };
      this.shapes.set(code, shape);
      path.addEventListener("click", () => { if (shape.active) this.onToggle(code); });
      path.addEventListener("keydown", (event) => {
        if (shape.active && (event.key === "Enter" || event.key === " ")) {
          event.preventDefault();
          this.onToggle(code);
        }
      });
    }
    map.append(land, bubbles);
    container.replaceChildren(map);
    this.svg = map;
  }

  // counts: Map code -> viewers; selected: a code or null.
  update(counts, selected) {
    this.svg.classList.toggle("has-selection", Boolean(selected));
    const top = Math.max(1, ...counts.values());
    for (const [code, shape] of this.shapes) {
      const viewers = counts.get(code) ?? 0;
      const active = viewers > 0;
      const { path, bubble } = shape;
      const level = active ? Math.min(LEVELS, 1 + Math.floor(((LEVELS - 1) * viewers) / top)) : 0;
      path.setAttribute("class", `country level-${level}${code === selected ? " selected" : ""}`);
      bubble.setAttribute("r", active ? (2.5 + 6.5 * Math.sqrt(viewers / top)).toFixed(1) : "0");
      const label = `${shape.name}: ${formatNumber(viewers)} ${viewers === 1 ? "viewer" : "viewers"}`;
      if (active) {
        if (!shape.active) {
          path.removeAttribute("aria-hidden");
          path.setAttribute("tabindex", "0");
          path.setAttribute("role", "button");
          shape.title = svg("title");
          path.append(shape.title);
        }
        if (shape.title.textContent !== label) shape.title.textContent = label;
        path.setAttribute("aria-label", label);
        path.setAttribute("aria-pressed", String(code === selected));
      } else if (shape.active) {
        if (document.activeElement === path) this.svg.focus?.();
        path.setAttribute("aria-hidden", "true");
        for (const attribute of ["tabindex", "role", "aria-label", "aria-pressed"]) path.removeAttribute(attribute);
        shape.title.remove();
        shape.title = null;
      }
      shape.active = active;
    }
  }
}
