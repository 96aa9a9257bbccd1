// Small DOM and formatting helpers shared by the dashboard's modules.
// Everything that comes from visitors (paths, referrers, user agents, city
// names) goes into the page through textContent, never as HTML: el() has no
// way to set markup.

export const $ = (id) => document.getElementById(id);

// el("td", {className: "n", title: "…"}, "text or", childNode, …)
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "className" || key === "textContent" || key === "hidden" || key === "type") {
      node[key] = value;
    } else if (key.startsWith("on")) {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return node;
}

// Writes only when the text changes: live regions then announce changes,
// not every snapshot.
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

const SVG_NS = "http://www.w3.org/2000/svg";
export function svg(tag, attributes = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

const numberFormat = new Intl.NumberFormat();
export const formatNumber = (n) => numberFormat.format(n);

// Paths are recorded as the client sent them (percent-encoded); show them
// decoded so that "/caf%C3%A9" reads "/café". Still text, never markup.
export function displayPath(path) {
  if (path === null || path === undefined || path === "") return "—";
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

export function displayReferrer(referrer) {
  return referrer ? displayPath(referrer) : "direct";
}

// "42 s", "3 min", "1 h 05 min"
export function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, "0")} min`;
}

const DEVICE_NAMES = { desktop: "Desktop", mobile: "Mobile", tablet: "Tablet", other: "Other" };
export const deviceName = (name) => DEVICE_NAMES[name] ?? name ?? "Unknown";

export function plural(n, one, many) {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
