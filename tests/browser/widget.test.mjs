// The counter widget on the site's own pages:
//   <script src="/onlooker/widget.js" data-onlooker></script>
// renders "N viewing now" from the public count, live over ws?count, falls
// back to polling api/count, and takes the site's CSS.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Stack } from "./stack.mjs";
import { DEMO_PAGES, VISITORS, demoPage, eventually, launch, leave, screenshot, visit } from "./helpers.mjs";

const WIDGET_PAGE = demoPage("Widget", { widget: `
<style>
  .onlooker-widget { display: inline-block; padding: .2rem .6rem; border-radius: 1rem; background: rgb(255, 240, 200); }
  .onlooker-widget__count { color: rgb(200, 30, 30); font-weight: 700; }
</style>
<p id="widget-line">Right now: <script src="/onlooker/widget.js" data-onlooker></script></p>
<p id="target-line"></p>
<script src="/onlooker/widget.js" data-target="#target-line" data-label="reading along"></script>` });

describe("counter widget", { timeout: 60000 }, () => {
  let stack, browser;

  before(async () => {
    stack = await Stack.start({ pages: { ...DEMO_PAGES, "widget.html": WIDGET_PAGE }, activeWindow: 30 });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("shows N viewing now, updated live over the WebSocket", async () => {
    const reader = await visit(browser, stack, VISITORS.london, "/widget.html");
    const requests = [];
    reader.page.on("request", (r) => requests.push(new URL(r.url()).pathname));
    const widget = reader.page.locator("#widget-line .onlooker-widget");
    await eventually("1 viewing now", async () => (await widget.textContent()) === "1 viewing now");
    await eventually("live", async () => (await widget.getAttribute("data-state")) === "live");
    assert.equal(await widget.getAttribute("role"), "status");
    assert.equal(await reader.page.textContent("#target-line .onlooker-widget"), "1 reading along");

    const other = await visit(browser, stack, VISITORS.tokyo, "/about.html");
    await eventually("2 viewing now without a reload", async () => (await widget.textContent()) === "2 viewing now",
                     { timeout: 5000 });
    await leave(other);
    await eventually("1 again", async () => (await widget.textContent()) === "1 viewing now", { timeout: 5000 });

    const style = await reader.page.$eval("#widget-line .onlooker-widget__count",
      (node) => [getComputedStyle(node).color, getComputedStyle(node).fontWeight]);
    assert.deepEqual(style, ["rgb(200, 30, 30)", "700"], "the site's CSS styles it");
    await screenshot(reader.page, "widget");
    assert.ok(!requests.some((path) => path === "/api/count" || path === "/ws"),
              `URLs follow the script's src (/onlooker/…): ${requests.join(" ")}`);
    await leave(reader);
  });

  it("falls back to polling api/count when the WebSocket is refused", async () => {
    const context = await browser.newContext({ userAgent: VISITORS.berlin.userAgent,
                                               extraHTTPHeaders: { "X-Forwarded-For": VISITORS.berlin.address } });
    const counts = [];
    await context.routeWebSocket(/\/ws\?count/, (ws) => ws.close());
    const page = await context.newPage();
    page.on("request", (r) => { if (r.url().includes("/api/count")) counts.push(new URL(r.url()).pathname); });
    await page.goto(`${stack.siteUrl}/widget.html`);
    const widget = page.locator("#widget-line .onlooker-widget");
    // The first poll can race the page view's own drain (it may say 0); each
    // refused reconnect (after 1 s, then 4 s) polls again.
    await eventually("1 viewing now, by polling", async () => (await widget.textContent()) === "1 viewing now");
    assert.equal(await widget.getAttribute("data-state"), "polling");
    assert.ok(counts.length >= 1 && counts.every((path) => path === "/onlooker/api/count"), counts.join(" "));
    await context.close();
  });

  it("serves widget.js publicly with caching headers, and the count with CORS", async () => {
    const script = await fetch(`${stack.siteUrl}/onlooker/widget.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get("content-type"), /^text\/javascript/);
    assert.match(script.headers.get("cache-control"), /max-age=\d+/);
    const count = await fetch(`${stack.siteUrl}/onlooker/api/count`);
    assert.equal(count.headers.get("access-control-allow-origin"), "*");
    assert.equal(typeof (await count.json()).active, "number");
  });
});
