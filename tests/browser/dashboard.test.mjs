// The live dashboard through real nginx and onlookerd, in Debian's chromium:
// visitors from five browser contexts (own addresses and User-Agents) show up
// in the count, the map, the lists and the table within seconds; filters;
// markup from visitors stays text; leaving and going quiet remove people.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Stack } from "./stack.mjs";
import {
  DEMO_PAGES, RawVisitor, VISITORS, XSS, eventually, launch, leave, listRows, openDashboard, screenshot,
  tableRows, visit,
} from "./helpers.mjs";

const ACTIVE_WINDOW_S = 10;

describe("live dashboard", { timeout: 60000 }, () => {
  let stack, browser, dashboard, page;
  const people = {};

  before(async () => {
    stack = await Stack.start({ pages: DEMO_PAGES, activeWindow: ACTIVE_WINDOW_S });
    browser = await launch();
    dashboard = await openDashboard(browser, stack);
    page = dashboard.page;
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const count = () => page.textContent("#active");
  const activeCountries = () => page.$$eval("#map path[role=button]", (paths) => paths.map((p) => p.dataset.code).sort());
  const names = async (id) => (await listRows(page, id)).map((row) => `${row.name}=${row.count}`).sort();

  it("shows arriving visitors in the count, map, lists and table within seconds", async () => {
    assert.equal(await count(), "0");
    people.london = await visit(browser, stack, VISITORS.london, "/about.html",
                                { referer: "https://www.google.com/search?q=onlooker" });
    await eventually("the first visitor counted", async () => (await count()) === "1", { timeout: 5000 });
    people.berlin = await visit(browser, stack, VISITORS.berlin, "/pricing.html",
                                { referer: "https://news.ycombinator.com/item?id=1" });
    people.tokyo = await visit(browser, stack, VISITORS.tokyo, "/");
    people.newYork = await visit(browser, stack, VISITORS.newYork, "/about.html");
    people.saoPaulo = await visit(browser, stack, VISITORS.saoPaulo, `/${XSS}.html`);

    await eventually("count 5", async () => (await count()) === "5", { timeout: 5000 });
    await eventually("five countries on the map", async () => (await activeCountries()).join() === "BR,DE,GB,JP,US",
                     { timeout: 3000 });
    assert.match(await page.getAttribute('#map path[data-code="GB"]', "aria-label"), /United Kingdom: 1 viewer/);

    assert.deepEqual(await names("countries"),
      ["Brazil=1", "Germany=1", "Japan=1", "United Kingdom=1", "United States=1"]);
    assert.deepEqual(await names("cities"), ["Berlin=1", "London=1", "New York=1", "São Paulo=1", "Tokyo=1"]);
    assert.deepEqual(await names("pages"), ["/<img src=x onerror=alert(1)>.html=1", "/=1", "/about.html=2", "/pricing.html=1"]);
    assert.deepEqual(await names("devices"), ["Desktop=2", "Mobile=2", "Tablet=1"]);
    assert.deepEqual(await names("browsers"), ["Chrome Mobile=1", "Chrome=1", "Firefox=1", "Mobile Safari=2"]);
    assert.deepEqual(await names("os"), ["Android=1", "Linux=1", "Windows=1", "iOS=2"]);
    assert.deepEqual(await names("referrers"), ["news.ycombinator.com/item=1", "www.google.com/search=1"]);

    const rows = await tableRows(page);
    assert.equal(rows.length, 5);
    const london = rows.find((row) => row.Location === "London, United Kingdom");
    assert.ok(london, JSON.stringify(rows));
    assert.equal(london.Page, "/about.html");
    assert.equal(london.Device, "Desktop · Chrome · Windows");
    assert.equal(london.Referrer, "www.google.com/search");
    // The time on site, then the state: just viewed a page, so reading.
    assert.match(london["On site"], /^\d+ sreading$/);
    assert.ok(rows.find((row) => row.Location === "São Paulo, Brazil" && row.Device === "Mobile · Chrome Mobile · Android"));
    assert.ok(rows.find((row) => row.Location === "Tokyo, Japan" && row.Device.startsWith("Tablet")));

    await page.waitForTimeout(1800);  // the arrival highlight fades
    await screenshot(page, "dashboard-desktop-light");
    await page.emulateMedia({ colorScheme: "dark" });
    await screenshot(page, "dashboard-desktop-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("renders paths, referrers and user agents from visitors as text, never as HTML", async () => {
    // Raw markup where a browser would have percent-encoded it.
    people.raw = new RawVisitor(stack, { address: "81.2.69.77",
      userAgent: 'Mozilla/5.0 <b id="ua-bold" onmouseover="alert(3)">bold</b>' });
    await people.raw.view("/about.html", "https://evil.example/<script>alert(2)</script>");
    await people.raw.beat(`/${XSS}`);
    people.raw.keepBeating(`/${XSS}`);

    const raw = await eventually("the raw visitor on the raw path", async () =>
      (await tableRows(page)).find((row) => row.Page === `/${XSS}`));
    assert.equal(await count(), "6");
    const rows = await tableRows(page);
    assert.equal(raw.Referrer, "evil.example/<script>alert(2)</script>");
    assert.ok(rows.find((row) => row.Page === `/${XSS}.html`), "the percent-encoded path, decoded as text");
    assert.ok((await names("pages")).includes(`/${XSS}=1`));

    const injected = await page.evaluate(() => ({
      images: document.querySelectorAll("img").length,
      scripts: document.querySelectorAll("script").length,
      bold: document.querySelectorAll("b").length,
      handlers: document.querySelectorAll("[onerror], [onmouseover]").length,
    }));
    assert.deepEqual(injected, { images: 0, scripts: 1, bold: 0, handlers: 0 });
    assert.deepEqual(dashboard.problems, [], "no dialogs, page errors or console errors");
  });

  it("filters the lists and the table by a country or a page, with the mouse and the keyboard", async () => {
    await page.click('#map path[data-code="GB"]');
    await eventually("filtered to the United Kingdom", async () => (await count()) === "2");
    assert.deepEqual(await names("cities"), ["London=2"]);
    assert.equal((await tableRows(page)).every((row) => row.Location === "London, United Kingdom"), true);
    assert.match(await page.textContent("#filter-chips"), /Country: United Kingdom/);
    assert.equal(await page.getAttribute('#countries button[aria-label^="United Kingdom"]', "aria-pressed"), "true");
    await screenshot(page, "dashboard-filtered");
    await page.click("#filter-chips button");
    await eventually("filter removed", async () => (await count()) === "6");

    // Keyboard: a country in the list, then a page.
    await page.focus('#countries button[aria-label^="Japan"]');
    await page.keyboard.press("Enter");
    await eventually("filtered to Japan", async () => (await count()) === "1");
    assert.deepEqual((await tableRows(page)).map((row) => row.Location), ["Tokyo, Japan"]);
    await page.keyboard.press("Enter");  // focus stayed on the button: toggles off
    await eventually("Japan filter removed", async () => (await count()) === "6");

    await page.focus('#pages button[aria-label^="/about.html"]');
    await page.keyboard.press(" ");
    await eventually("filtered to /about.html", async () => (await count()) === "2");
    assert.deepEqual((await tableRows(page)).map((row) => row.Location).sort(),
      ["London, United Kingdom", "New York, United States"]);
    assert.deepEqual(await names("devices"), ["Desktop=2"]);
    await page.keyboard.press(" ");
    await eventually("page filter removed", async () => (await count()) === "6");
  });

  it("removes people who leave, at once", async () => {
    const started = Date.now();
    await leave(people.london);
    await leave(people.berlin);
    await people.raw.leave(`/${XSS}`);
    await eventually("three left", async () => (await count()) === "3", { timeout: 4000 });
    assert.ok(Date.now() - started < ACTIVE_WINDOW_S * 1000, "removed by the leave, not by expiry");
    assert.deepEqual(await activeCountries(), ["BR", "JP", "US"]);
    const locations = (await tableRows(page)).map((row) => row.Location).sort();
    assert.deepEqual(locations, ["New York, United States", "São Paulo, Brazil", "Tokyo, Japan"]);
  });

  it("removes people who go quiet once the active window has passed", async () => {
    await people.tokyo.page.evaluate(() => window.stopBeats());
    const quietSince = Date.now();
    await page.waitForTimeout(3000);
    assert.equal(await count(), "3", "still there well within the active window");
    await eventually("Tokyo expired", async () => (await count()) === "2",
                     { timeout: ACTIVE_WINDOW_S * 1000 + 3000 });
    assert.ok(Date.now() - quietSince >= ACTIVE_WINDOW_S * 1000 - 1500, "not before the window");
    assert.deepEqual(await activeCountries(), ["BR", "US"]);

    await leave(people.newYork);
    await leave(people.saoPaulo);
    await leave(people.tokyo);
    await eventually("nobody left", async () => (await count()) === "0", { timeout: 4000 });
    assert.deepEqual(await activeCountries(), []);
    assert.match(await page.textContent("#visitors"), /No one is on the site right now/);
    assert.deepEqual(dashboard.problems, []);
  });
});
