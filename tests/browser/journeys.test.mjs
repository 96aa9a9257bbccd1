// Journeys: a person's three-page walk, in a real Chromium through nginx and
// onlookerd, shows as their journey in the dashboard while they walk (the
// panel opened from the visitor table follows them), and once they have
// left, as entry, exit and page-to-page transitions on the History tab.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Stack, request } from "./stack.mjs";
import { DEMO_PAGES, VISITORS, eventually, launch, leave, openDashboard, screenshot, visit } from "./helpers.mjs";

describe("journeys", { timeout: 80000 }, () => {
  let stack, browser, dashboard, problems, walker;

  before(async () => {
    stack = await Stack.start({ pages: DEMO_PAGES });
    browser = await launch();
    ({ page: dashboard, problems } = await openDashboard(browser, stack));
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const journeyPaths = () => dashboard.$$eval("#journey-steps li", (items) => items.map((item) => item.dataset.path));

  it("a three-page walk shows as that journey live and as transitions in history", async () => {
    walker = await visit(browser, stack, VISITORS.london, "/");
    await walker.page.click('a[href="/pricing.html"]');
    await walker.page.waitForURL(/pricing\.html$/);
    await eventually("the walker in the visitor table", async () =>
      /\/pricing\.html/.test(await dashboard.textContent("#visitors")));
    await dashboard.click("#visitors tr[data-id] button.journey-open");
    await eventually("their journey so far", async () =>
      JSON.stringify(await journeyPaths()) === JSON.stringify(["/", "/pricing.html"]));
    assert.equal(await dashboard.isVisible("#journey"), true);
    assert.match(await dashboard.textContent("#journey-note"), /2 page views in this visit/);

    // The third page shows up in the open panel by itself.
    await walker.page.click('a[href="/about.html"]');
    await walker.page.waitForURL(/about\.html$/);
    await eventually("the third page, live", async () =>
      JSON.stringify(await journeyPaths()) === JSON.stringify(["/", "/pricing.html", "/about.html"]));
    assert.match(await dashboard.textContent("#journey-note"), /3 page views in this visit/);
    assert.match(await dashboard.textContent("#journey-steps li:first-child"), /until the next page/);
    await screenshot(dashboard, "journey-live");

    // The same journey through the API, as a site key would see it.
    const id = await dashboard.getAttribute("#journey", "data-visitor");
    const host = await dashboard.getAttribute("#journey", "data-host");
    const api = await request(stack.sitePort, `/onlooker/api/journey?host=${host}&visitor=${id}`);
    assert.equal(api.status, 200, api.body);
    const answer = JSON.parse(api.body);
    assert.equal(answer.live, true);
    assert.deepEqual(answer.journey.map((step) => step.path), ["/", "/pricing.html", "/about.html"]);
    assert.ok(answer.journey.every((step, i) => i === 0 || step.t >= answer.journey[i - 1].t));
    assert.ok(answer.journey.every((step) => step.engaged_ms === null), "no engaged time reported yet");

    // They leave: the visit ends and is stored with its journey.
    await leave(walker);
    await eventually("the panel says they left", async () =>
      (await dashboard.getAttribute("#journey", "data-state")) === "left");
    assert.deepEqual(await journeyPaths(), ["/", "/pricing.html", "/about.html"], "the journey as it ended");
    await eventually("the visit in history", async () => {
      const history = JSON.parse((await request(stack.sitePort, "/onlooker/api/history")).body);
      return history.entry_pages?.length === 1;
    });

    await dashboard.click("#tab-history");
    await eventually("entry and exit pages", async () =>
      (await dashboard.textContent("#history-entries")).includes("/") &&
      (await dashboard.textContent("#history-exits")).includes("/about.html"));
    const rows = (id) => dashboard.$$eval(`#${id} tr`, (trs) => trs.map((tr) =>
      [...tr.cells].map((cell) => cell.textContent).join(" | ")));
    assert.deepEqual(await rows("history-entries"), ["/ | 1"]);
    assert.deepEqual(await rows("history-exits"), ["/about.html | 1"]);
    const transitions = () => dashboard.$$eval("#history-transitions li", (items) =>
      Object.fromEntries(items.map((item) => [item.dataset.from, item.querySelector(".steps").textContent])));
    assert.deepEqual(await transitions(), {
      "/": "100 % /pricing.html, 0 % left",
      "/pricing.html": "100 % /about.html, 0 % left",
      "/about.html": "100 % left",
    });
    // One page's journeys alone.
    await dashboard.click('#history-transitions button[data-page="/pricing.html"]');
    await eventually("only /pricing.html", async () =>
      JSON.stringify(Object.keys(await transitions())) === JSON.stringify(["/pricing.html"]));
    assert.equal(await dashboard.isVisible("#history-transitions-all"), true);
    await screenshot(dashboard, "journey-history");
    await dashboard.click("#history-transitions-all");
    await eventually("the top pages again", async () => Object.keys(await transitions()).length === 3);
    assert.deepEqual(problems, []);
  });
});
