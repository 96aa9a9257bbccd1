// The History tab's journeys: entry and exit pages of the range, and where
// people went from each top page ("from /pricing.html: 40 % /signup.html,
// 25 % left"), from GET api/history's entry_pages, exit_pages and
// transitions. A page's button asks for its transitions alone (?page=);
// onSelect(page or "") is how the view reloads with it.
import { el, formatNumber, displayPath, plural } from "./dom.js";

const percent = (part, whole) => (whole ? `${Math.round((100 * part) / whole)} %` : "–");

export function renderJourneys(history, selectedPage, onSelect) {
  fillPages(document.getElementById("history-entries"), history.entry_pages ?? [], "No visits began in this range");
  fillPages(document.getElementById("history-exits"), history.exit_pages ?? [], "No visits ended in this range");
  const list = document.getElementById("history-transitions");
  const transitions = history.transitions ?? [];
  const clear = document.getElementById("history-transitions-all");
  clear.hidden = !selectedPage;
  clear.onclick = () => onSelect("");
  if (!transitions.length) {
    list.replaceChildren(el("li", { className: "empty" },
      selectedPage ? `No views of ${displayPath(selectedPage)} in this range` : "No journeys in this range"));
    return;
  }
  list.replaceChildren(...transitions.map((page) => {
    const steps = page.next.map((next) => `${percent(next.views, page.views)} ${displayPath(next.path)}`);
    steps.push(`${percent(page.left, page.views)} left`);
    const from = el("button", { type: "button", className: "link", "data-page": page.from,
                                title: `Only the journeys from ${displayPath(page.from)}` },
                    displayPath(page.from));
    from.addEventListener("click", () => onSelect(page.from));
    return el("li", { "data-from": page.from },
      "from ", from, ": ", el("span", { className: "steps" }, steps.join(", ")),
      el("span", { className: "detail" }, ` (${plural(page.views, "view", "views")})`));
  }));
}

function fillPages(body, rows, emptyText) {
  if (!rows.length) {
    body.replaceChildren(el("tr", { className: "empty" }, el("td", { colspan: 2 }, emptyText)));
    return;
  }
  body.replaceChildren(...rows.map((row) =>
    el("tr", {}, el("td", {}, displayPath(row.path)), el("td", { className: "n" }, formatNumber(row.visits)))));
}
