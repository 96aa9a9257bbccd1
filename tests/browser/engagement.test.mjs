// Engagement in real Chromium (issue 18): a person whose tab goes to the
// background turns from reading to idle at once, and back when it returns,
// while they stay on the site; a page's engaged time is its visible time. The tab's visibility is faked in the page
// (headless Chromium keeps every tab visible) and beacon.js hears the same
// visibilitychange event a real switch of tabs fires.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, launch, setVisibility, VISITORS } from "./helpers.mjs";
import { request, Stack } from "./stack.mjs";

const page = (title) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1><script src="/onlooker/beacon.js" defer></script></body></html>`;

let stack;
let browser;

before(async () => {
  stack = await Stack.start({ pages: { "a.html": page("A") } });
  // A real User-Agent (HeadlessChrome reads as a bot), for beacons too.
  browser = await launch({ userAgent: VISITORS.london.userAgent });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function count() {
  return JSON.parse((await request(stack.apiPort, "/api/count")).body);
}

// First in this file: the visit it makes is then the only one in history.
test("engaged time of a page viewed ~5 s visible then 5 s hidden is 5 s +- 1 s", async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(stack.siteUrl + "/a.html");
  await eventually("one person reading", async () => (await count()).reading === 1);
  await tab.waitForTimeout(5000);
  await setVisibility(tab, "hidden");
  await tab.waitForTimeout(5000);
  await tab.close({ runBeforeUnload: true });  // the leave tells the visible time
  let visits, pages;
  await eventually("the visit in history", async () => {
    ({ visits, pages } = JSON.parse((await request(stack.apiPort, "/api/history")).body));
    return visits.visits === 1;
  }, { timeout: 10000, interval: 200 });
  // The page's own engaged time (per page, from the leave), measured, not estimated.
  const a = pages.find((p) => p.path === "/a.html");
  assert.ok(a && Math.abs(a.engaged_seconds - 5) <= 1, JSON.stringify(pages));
  assert.equal(a.engaged_estimated, false);
  assert.ok(Math.abs(visits.engaged_seconds_per_page - 5) <= 1, JSON.stringify(visits));
  assert.ok(visits.avg_duration_seconds >= 9, JSON.stringify(visits));  // hidden time is no engagement
  assert.equal(visits.avg_pages, 1);
  assert.equal(visits.bounce_rate, 1, "one page, under 10 s engaged");
  await context.close();
});

test("a hidden tab turns its person from reading to idle within 2 s, and back", async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(stack.siteUrl + "/a.html");
  await eventually("one person reading", async () => {
    const now = await count();
    return now.active === 1 && now.reading === 1;
  });

  await setVisibility(tab, "hidden");
  await eventually("idle, still on the site", async () => {
    const now = await count();
    return now.active === 1 && now.reading === 0;
  }, { timeout: 2000, interval: 50 });

  await setVisibility(tab, "visible");
  await eventually("reading again", async () => (await count()).reading === 1,
                   { timeout: 2000, interval: 50 });
  assert.equal((await count()).active, 1);
  await context.close();
});
