// Signing in with the link `onlookerd --login-url` prints: the browser lands
// on the live dashboard with a cookie, the token gone from the address bar;
// and the banner that says when the dashboard is open.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { Stack } from "./stack.mjs";
import { DEMO_PAGES, RawVisitor, eventually, launch, openDashboard } from "./helpers.mjs";

const TOKEN = "browser-test-token-0123456789";
const SITE_TOKEN = "browser-site-token-0123456789";  // opens 127.0.0.1, the stack's site

describe("sign-in link", { timeout: 60000 }, () => {
  let stack, open, browser, shop;

  before(async () => {
    stack = await Stack.start({ pages: DEMO_PAGES, onlookerdArgs: ["--token", TOKEN, "--site-token", `127.0.0.1=${SITE_TOKEN}`] });
    open = await Stack.start({ pages: DEMO_PAGES });
    browser = await launch();
  });

  after(async () => {
    shop?.stopBeating();
    await browser?.close();
    await stack?.stop();
    await open?.stop();
  });

  it("signs in from the printed link and leaves no token in the address bar", async () => {
    // This stack has a site key too: the admin's link comes first, labelled.
    const lines = execFileSync(stack.onlookerdArgv[0],
      [...stack.onlookerdArgv.slice(1), "--public-url", stack.dashboardUrl, "--login-url"],
      { encoding: "utf8" }).trim().split("\n");
    assert.equal(lines[0], `every site: ${stack.dashboardUrl}login#token=${TOKEN}`);
    const link = lines[0].slice("every site: ".length);

    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = [];
    page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
    await page.goto(link);
    await page.waitForSelector('#connection[data-phase="live"]', { timeout: 10000 });
    assert.equal(new URL(page.url()).pathname, "/onlooker/");
    assert.ok(!page.url().includes(TOKEN), `the token stayed in the address: ${page.url()}`);
    const cookies = await context.cookies();
    assert.ok(cookies.some((c) => c.name === "onlooker_token" && c.httpOnly), "the session cookie");
    assert.equal(await page.isHidden("#access-warning"), true, "no banner with a token");
    assert.deepEqual(problems, [], "no CSP violations or script errors");
    await context.close();
  });

  it("a site key signs in, and the pages say which site it opens", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = [];
    page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
    page.on("response", (response) => { if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`); });
    await page.goto(`${stack.dashboardUrl}login`);
    assert.equal(await page.isHidden("#signed-in"), true, "a stranger is told nothing");
    await page.fill("#token", SITE_TOKEN);
    await page.click("button[type=submit]");
    await page.waitForSelector('#connection[data-phase="live"]', { timeout: 10000 });
    await eventually("the site banner", async () => !(await page.isHidden("#access-sites")));
    assert.match(await page.textContent("#access-sites"), /shows 127\.0\.0\.1 only/);
    assert.equal(await page.isHidden("#ring"), true, "no ring counters for a site key");
    await page.goto(`${stack.dashboardUrl}login`);
    await eventually("the signed-in line", async () => !(await page.isHidden("#signed-in")));
    assert.match(await page.textContent("#signed-in"), /This key opens 127\.0\.0\.1 only/);
    assert.deepEqual(problems, [], "no CSP violations or script errors");
    await context.close();
  });

  // The selector and every list of a site key's dashboard come from frames
  // onlookerd built for that key: another site, even one that gets its first
  // visitor while the dashboard is open, never shows in it; the admin's does.
  it("a site key's dashboard never shows another site, not even one that appears while it is open", async () => {
    const signIn = async (token) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${stack.dashboardUrl}login`);
      await page.fill("#token", token);
      await page.click("button[type=submit]");
      await page.waitForSelector('#connection[data-phase="live"]', { timeout: 10000 });
      return { context, page };
    };
    const own = new RawVisitor(stack, { address: "203.0.113.9" });  // Host 127.0.0.1
    await own.view("/about.html");
    const owner = await signIn(SITE_TOKEN);
    const admin = await signIn(TOKEN);
    await eventually("the owner's visitor", async () => (await owner.page.textContent("#active")) === "1");

    shop = new RawVisitor(stack, { address: "203.0.113.7", host: "shop.example" });
    await shop.view("/pricing.html");
    shop.keepBeating("/pricing.html");
    await eventually("the admin's selector", () => admin.page.isVisible("#site-picker"));
    assert.deepEqual(await admin.page.$$eval("#site option", (os) => os.map((o) => o.textContent)),
      ["All sites", "127.0.0.1", "shop.example"]);
    await eventually("both for the admin", async () => (await admin.page.textContent("#active")) === "2");
    // The owner's page has had the frames since (push interval 200 ms).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await owner.page.isVisible("#site-picker"), false, "one site: no selector");
    assert.deepEqual(await owner.page.$$eval("#site option", (os) => os.map((o) => o.value)), ["", "127.0.0.1"]);
    assert.equal(await owner.page.textContent("#active"), "1");
    const text = await owner.page.textContent("body");
    assert.ok(!text.includes("shop.example"), "another site's name in the owner's page");
    assert.ok(!text.includes("pricing"), "another site's page in the owner's page");
    shop.stopBeating();
    await owner.context.close();
    await admin.context.close();
  });

  it("without a token and with --open, the dashboard says it is open", async () => {
    const { context, page, problems } = await openDashboard(browser, open);
    await eventually("the banner", async () => !(await page.isHidden("#access-warning")));
    assert.match(await page.textContent("#access-warning"), /Open dashboard: no access token is set; anyone/);
    assert.match(await page.textContent("#access-warning"), /sudo dpkg-reconfigure onlooker/);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
