// Firing --alert rules on the dashboard, in Debian's chromium through real
// nginx and onlookerd: the banner appears when a rule fires and goes when it
// clears, and an opted-in page constructs a Notification for the newly
// firing rule (window.Notification wrapped by an init script to record it).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request, Stack } from "./stack.mjs";
import { DEMO_PAGES, VISITORS, eventually, launch, screenshot, visit } from "./helpers.mjs";

describe("alerts on the dashboard", { timeout: 80000 }, () => {
  let stack, browser, context, page;
  const problems = [];

  before(async () => {
    // A 1 s window: the visitor is gone a second after the view, and the
    // rule clears 10 s (the clear hold) later.
    stack = await Stack.start({ pages: DEMO_PAGES, activeWindow: 1,
                                onlookerdArgs: ["--alert", "busy: live > 0"] });
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(["notifications"], { origin: stack.siteUrl });
    await context.addInitScript(() => {
      const Real = window.Notification;
      window.recordedNotifications = [];
      window.Notification = class extends Real {
        constructor(title, options) {
          window.recordedNotifications.push({ title, body: options?.body });
          super(title, options);
        }
      };
    });
    page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    await page.goto(stack.dashboardUrl);
    await page.waitForSelector('#connection[data-phase="live"]', { timeout: 10000 });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const recorded = () => page.evaluate(() => window.recordedNotifications);

  it("shows a banner while a rule fires and notifies an opted-in page", async () => {
    assert.equal(await page.isHidden("#alerts"), true);
    const button = page.locator("#alert-notify");
    assert.equal(await button.getAttribute("aria-pressed"), "false");
    await button.click();
    await eventually("opted in", async () => (await button.getAttribute("aria-pressed")) === "true",
                     { timeout: 3000 });
    assert.equal(await button.textContent(), "Alert notifications on");

    const visitor = await visit(browser, stack, VISITORS.london, "/about.html");
    await eventually("the banner shown", async () => !(await page.isHidden("#alerts")), { timeout: 5000 });
    assert.match(await page.textContent("#alerts"), /^Alert firing: busy: live > 0 \(now 1\)$/);
    await eventually("a notification", async () => (await recorded()).length === 1, { timeout: 3000 });
    assert.deepEqual(await recorded(), [{ title: "Onlooker alert: busy", body: "busy: live > 0 (now 1)" }]);
    await screenshot(page, "alerts-banner");

    // The snapshot carries it for any client.
    const live = JSON.parse((await request(stack.sitePort, "/onlooker/api/live")).body);
    assert.equal(live.alerts.length, 1);
    assert.equal(live.alerts[0].name, "busy");
    assert.equal(live.alerts[0].condition, "live > 0");
    assert.equal(live.alerts[0].value, 1);
    assert.ok(Math.abs(live.alerts[0].since_ms - Date.now()) < 10000, JSON.stringify(live.alerts));
    await visitor.context.close();
  });

  it("clears the banner when the rule clears, without another notification", async () => {
    await eventually("the banner gone", async () => page.isHidden("#alerts"), { timeout: 20000 });
    const live = JSON.parse((await request(stack.sitePort, "/onlooker/api/live")).body);
    assert.deepEqual(live.alerts, []);
    assert.equal((await recorded()).length, 1);
    assert.deepEqual(problems, []);
  });
});
