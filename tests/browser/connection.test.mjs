// The dashboard's site selector (nginx serving several hosts), its connection
// state, and its reconnecting with backoff after onlookerd restarts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Stack } from "./stack.mjs";
import { DEMO_PAGES, RawVisitor, VISITORS, eventually, launch, openDashboard, screenshot, tableRows, visit } from "./helpers.mjs";

describe("sites and connection", { timeout: 60000 }, () => {
  let stack, browser, page, shop;

  before(async () => {
    // A ring of 64 records, to fill while onlookerd is away.
    stack = await Stack.start({ pages: DEMO_PAGES, activeWindow: 30, ringSize: "64k" });
    browser = await launch();
  });

  after(async () => {
    shop?.stopBeating();
    await browser?.close();
    await stack?.stop();
  });

  it("offers a site selector once two hosts have visitors, and shows one site", async () => {
    ({ page } = await openDashboard(browser, stack));
    assert.equal(await page.isVisible("#site-picker"), false, "one site or none: no selector");
    await visit(browser, stack, VISITORS.london, "/about.html");
    shop = new RawVisitor(stack, { address: "203.0.113.7", host: "shop.example" });
    await shop.view("/pricing.html");
    shop.keepBeating("/pricing.html");

    await eventually("both", async () => (await page.textContent("#active")) === "2");
    await eventually("the selector", () => page.isVisible("#site-picker"));
    assert.deepEqual(await page.$$eval("#site option", (os) => os.map((o) => o.textContent)),
      ["All sites", "127.0.0.1", "shop.example"]);
    const hosts = (await tableRows(page)).map((row) => row.Page).sort();
    assert.deepEqual(hosts, ["/about.html127.0.0.1", "/pricing.htmlshop.example"], "the host under each page");

    await page.selectOption("#site", "shop.example");
    await eventually("one site", async () => (await page.textContent("#active")) === "1");
    assert.deepEqual((await tableRows(page)).map((row) => row.Location), ["Tokyo, Japan"]);
    assert.equal(new URL(page.url()).searchParams.get("host"), "shop.example");
    assert.match(await page.title(), /^\(1\) Onlooker/);

    // The choice survives a reload (it is in the URL).
    await page.reload();
    await page.waitForSelector('#connection[data-phase="live"]');
    await eventually("still one site", async () => (await page.textContent("#active")) === "1");
    assert.equal(await page.inputValue("#site"), "shop.example");
    await page.selectOption("#site", "");
    await eventually("all sites", async () => (await page.textContent("#active")) === "2");
  });

  it("says when onlookerd is gone, retries with growing delays, is live again after it restarts, and shows drops", async () => {
    const attempts = [];
    page.on("websocket", (ws) => attempts.push(Date.now()));
    assert.equal(await page.textContent("#connection-text"), "Live");
    assert.equal(await stack.stopOnlookerd(), 0);

    await eventually("says so", async () => (await page.textContent("#connection-text")).includes("reconnecting"),
                     { timeout: 5000 });
    assert.equal(await page.getAttribute("#connection", "data-phase"), "waiting");
    assert.match(await page.textContent("#connection-retry"), /^in \d+ s \(attempt \d+\)$/);
    await eventually("a few attempts", async () => attempts.length >= 3, { timeout: 10000 });
    await screenshot(page, "dashboard-reconnecting");
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    assert.ok(gaps[gaps.length - 1] > gaps[0], `the delays grow: ${gaps.join(", ")} ms`);

    // Meanwhile the ring fills up and nginx drops (and counts) what does not fit.
    assert.equal(await page.isVisible("#drops"), false);
    const crowd = new RawVisitor(stack, { address: "192.0.2.50" });
    for (let i = 0; i < 100; i++) await crowd.view("/pricing.html");

    await stack.startOnlookerd();
    await eventually("live again", async () => (await page.textContent("#connection-text")) === "Live",
                     { timeout: 20000 });
    // The new onlookerd knows people again from their heartbeats.
    await eventually("counting again", async () => Number(await page.textContent("#active")) >= 1, { timeout: 5000 });
    await eventually("the drops", () => page.isVisible("#drops"));
    assert.match(await page.textContent("#drops"), /^\d+ records were dropped because the ring was full/);
    assert.match(await page.textContent("#ring"), /· [1-9]\d* dropped ·/);
    await screenshot(page, "dashboard-ring-drops");
  });
});

describe("behind --token", { timeout: 30000 }, () => {
  let stack, browser;

  before(async () => {
    stack = await Stack.start({ pages: DEMO_PAGES, onlookerdArgs: ["--token", "browser-test-token-0123"] });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("signs in through the form, then loads every module, the map and the WebSocket", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const refused = [];
    page.on("response", (r) => { if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`); });
    await page.goto(stack.dashboardUrl);
    assert.match(page.url(), /\/onlooker\/login$/);
    await page.fill("#token", "browser-test-token-0123");
    await Promise.all([page.waitForURL(stack.dashboardUrl), page.click("button[type=submit]")]);
    await page.waitForSelector('#connection[data-phase="live"]', { timeout: 10000 });
    assert.ok(await page.$$eval("#map path", (paths) => paths.length) > 150, "world-map.js loaded");
    await page.click("#tab-history");
    await eventually("history through the cookie", async () => /views?,/.test(await page.textContent("#history-summary")));
    assert.deepEqual(refused, []);
  });
});
