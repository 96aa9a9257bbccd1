// Live journey engaged time in real Chromium (issue 18): a page visible ~3 s
// and then hidden shows ~3 s engaged in its person's live journey
// (/api/journey), the hidden time adds nothing, and the page they are still
// on shows none until its leave or hide reports it (live-journey.js). The
// tab's visibility is faked in the page (headless Chromium keeps every tab
// visible); beacon.js hears the same visibilitychange a real switch fires.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, launch, setVisibility, VISITORS } from "./helpers.mjs";
import { request, Stack } from "./stack.mjs";

const page = (title, link) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1>${link ? `<a href="${link}">next</a>` : ""}
<script src="/onlooker/beacon.js" defer></script></body></html>`;

let stack;
let browser;

before(async () => {
  stack = await Stack.start({ pages: { "a.html": page("A", "/b.html"), "b.html": page("B") } });
  // The person's real User-Agent as Chromium's own (HeadlessChrome reads as a bot).
  browser = await launch({ userAgent: VISITORS.london.userAgent });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function live() {
  return JSON.parse((await request(stack.apiPort, "/api/live")).body);
}

async function journey(person) {
  const answer = await request(stack.apiPort, `/api/journey?host=${encodeURIComponent(person.host)}&visitor=${person.id}`);
  assert.equal(answer.status, 200, answer.body);
  return JSON.parse(answer.body);
}

test("a page visible ~3 s then hidden has ~3 s engaged in the live journey; the open page none", async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(stack.siteUrl + "/a.html");
  let person;
  await eventually("the person on /a.html", async () => {
    person = (await live()).visitors.find((visitor) => visitor.path === "/a.html");
    return person !== undefined;
  });
  assert.equal(person.browser, "Chrome", "the launch flag's User-Agent, not HeadlessChrome");
  let steps = (await journey(person)).journey;
  assert.deepEqual(steps.map((step) => [step.path, step.engaged_ms]), [["/a.html", null]], "open: none yet");

  await tab.waitForTimeout(3000);
  await setVisibility(tab, "hidden");
  await eventually("the hide's engaged time", async () => (await journey(person)).journey[0].engaged_ms !== null);
  steps = (await journey(person)).journey;
  assert.ok(Math.abs(steps[0].engaged_ms - 3000) <= 1000, JSON.stringify(steps));
  const afterHide = steps[0].engaged_ms;

  // Hidden for 3 s, back, and on at once to /b.html: A's leave reports its
  // visible time, which the hidden seconds did not grow; B is open, so none.
  await tab.waitForTimeout(3000);
  await setVisibility(tab, "visible");
  await tab.click('a[href="/b.html"]');
  await tab.waitForURL(/b\.html$/);
  await eventually("both pages in the journey", async () => (await journey(person)).journey.length === 2);
  await tab.waitForTimeout(500);  // A's leave, if it is on its way
  const answer = await journey(person);
  assert.equal(answer.live, true);
  steps = answer.journey;
  assert.deepEqual(steps.map((step) => step.path), ["/a.html", "/b.html"]);
  assert.ok(steps[0].engaged_ms >= afterHide && steps[0].engaged_ms - 3000 <= 1000, JSON.stringify(steps));
  assert.equal(steps[1].engaged_ms, null, "the open page has no engaged time yet");
  await context.close();
});
