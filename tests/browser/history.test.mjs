// The history view over onlookerd's SQLite data (GET api/history): views and
// visitors per bucket, top pages and countries for the range, per site; the
// form's own checks and onlookerd's 400 answers, shown to the user.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Stack, request } from "./stack.mjs";
import { DEMO_PAGES, RawVisitor, eventually, launch, openDashboard, screenshot } from "./helpers.mjs";

describe("history view", { timeout: 60000 }, () => {
  let stack, browser, page, problems;

  before(async () => {
    stack = await Stack.start({ pages: DEMO_PAGES });
    // Page views, committed to SQLite: 3 from London, 2 from Tokyo, 1 on
    // another site; one London view from a campaign, one Tokyo view from search.
    const london = new RawVisitor(stack, { address: "81.2.69.10" });
    const tokyo = new RawVisitor(stack, { address: "203.0.113.7" });
    const shop = new RawVisitor(stack, { address: "198.51.100.20", host: "shop.example" });
    await london.view("/about.html");
    await london.view("/about.html");
    await london.view("/pricing.html?utm_source=news&utm_campaign=launch");  // source: campaign
    await tokyo.view("/about.html");
    await tokyo.view("/", "https://www.google.com/");  // source: search
    await shop.view("/pricing.html");
    await eventually("the views in SQLite", async () => {
      const answer = await request(stack.sitePort, "/onlooker/api/history");
      const body = JSON.parse(answer.body);
      return answer.status === 200 && body.series.reduce((sum, b) => sum + b.views, 0) === 6;
    });
    browser = await launch();
    ({ page, problems } = await openDashboard(browser, stack));
    await page.click("#tab-history");
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const tableText = (id) => page.$$eval(`#${id} tr`, (rows) => rows.map((row) =>
    [...row.cells].map((cell) => cell.textContent).join(" | ")));

  it("shows views and visitors per day, top pages and countries for the last 7 days", async () => {
    assert.equal(await page.isVisible("#history"), true);
    assert.equal(await page.isVisible("#live"), false);
    assert.equal(new URL(page.url()).hash, "#history");
    await eventually("the summary", async () => /^6 views,/.test(await page.textContent("#history-summary")));
    assert.equal(await page.$$eval("#history-chart rect.bar", (bars) => bars.length), 1, "one day with views");
    // Engaged: "–" while the visits are still open (known when they end).
    assert.deepEqual(await tableText("history-pages"),
      ["/about.html | 3 | 2 | –", "/pricing.html | 2 | 2 | –", "/ | 1 | 1 | –"]);
    assert.deepEqual(await tableText("history-countries"),
      ["United Kingdom | 3 | 1", "Japan | 2 | 1", "United States | 1 | 1"]);
    // Each list's CSV link: the same range and site, every row of the list.
    const csv = await page.$eval('#history a.download[data-list="pages"]', async (link) => {
      const answer = await fetch(link.href, { credentials: "same-origin" });
      return { type: answer.headers.get("content-type"), body: await answer.text() };
    });
    assert.equal(csv.type, "text/csv; charset=utf-8");
    assert.equal(csv.body, "path,views,visitors\r\n/about.html,3,2\r\n/pricing.html,2,2\r\n/,1,1\r\n");
    assert.equal(await page.$$eval("#history a.download[data-list]", (links) =>
      links.filter((link) => link.href.includes("api/history.csv?list=")).length), 5);
    await page.click("text=Show as a table");
    assert.match((await tableText("history-series")).join("\n"), /\| 6 \| 3$/);
    await screenshot(page, "history-desktop");
  });

  it("filters every list by a country picked in one", async () => {
    await page.click('#history-countries button[data-filter="country"][data-value="GB"]');
    await eventually("the UK's pages", async () =>
      (await tableText("history-pages")).join("\n") === "/about.html | 2 | 1 | –\n/pricing.html | 1 | 1 | –");
    assert.match(await page.textContent("#history-filter"), /country = GB/);
    assert.equal(await page.isVisible("#history-more"), true);
    assert.deepEqual(await tableText("history-countries"), ["United Kingdom | 3 | 1"]);
    assert.match((await tableText("history-more-lists [data-list=city] tbody")).join("\n"), /^London \| 3 \| 1$/);
    assert.equal(await page.getAttribute('#history-countries button[data-value="GB"]', "aria-pressed"), "true");
    // The filtered CSV: the same filter.
    const csv = await page.$eval('#history a.download[data-list="pages"]', async (link) =>
      (await fetch(link.href, { credentials: "same-origin" })).text());
    assert.equal(csv, "path,views,visitors\r\n/about.html,2,1\r\n/pricing.html,1,1\r\n");
    await screenshot(page, "history-filtered");
    await page.click('#history-filter button[data-clear="country"]');
    await eventually("every country again", async () => (await tableText("history-countries")).length === 3);
    assert.equal(await page.isVisible("#history-more"), false);
    assert.equal(await page.isVisible("#history-filter"), false);
  });

  it("filters every list by a campaign or source picked in one", async () => {
    await eventually("the campaign's row", async () => (await tableText("history-campaigns")).join() === "launch | 1 | 1");
    await page.click('#history-campaigns button[data-filter="campaign"][data-value="launch"]');
    await eventually("the campaign's pages", async () => (await tableText("history-pages")).join() === "/pricing.html | 1 | 1 | –");
    assert.match(await page.textContent("#history-filter"), /campaign = launch/);
    assert.deepEqual(await tableText("history-countries"), ["United Kingdom | 1 | 1"]);
    assert.deepEqual(await tableText("history-sources"), ["Campaign | 1 | 1"]);
    assert.equal(await page.getAttribute('#history-campaigns button[data-value="launch"]', "aria-pressed"), "true");
    await page.click('#history-filter button[data-clear="campaign"]');
    await eventually("every source again", async () => (await tableText("history-sources")).length === 3);
    // A source, then a country on top: both shown, each removable.
    await page.click('#history-sources button[data-filter="source"][data-value="search"]');
    await eventually("search's pages", async () => (await tableText("history-pages")).join() === "/ | 1 | 1 | –");
    assert.deepEqual(await tableText("history-countries"), ["Japan | 1 | 1"]);
    assert.match((await tableText("history-campaigns")).join(), /No campaigns/);
    await page.click('#history-countries button[data-filter="country"][data-value="JP"]');
    await eventually("both filters", async () => /source = search.*country = JP/.test(await page.textContent("#history-filter")));
    await page.click('#history-filter button[data-clear="source"]');
    await eventually("Tokyo's pages", async () => (await tableText("history-pages")).length === 2);
    assert.doesNotMatch(await page.textContent("#history-filter"), /source/);
    await page.click('#history-filter button[data-clear="country"]');
    await eventually("unfiltered", async () => (await tableText("history-countries")).length === 3);
    assert.equal(await page.isVisible("#history-filter"), false);
  });

  it("asks for hourly buckets and for one site", async () => {
    await page.click('.presets button[data-days="1"]');
    await eventually("hourly", async () => /busiest hour/.test(await page.textContent("#history-summary")));
    assert.equal(await page.inputValue("#history-bucket"), "hour");
    assert.equal(await page.isVisible("#site-picker"), true, "two sites: the selector shows");
    await page.selectOption("#site", "shop.example");
    await eventually("one site's history", async () => /^1 view,/.test(await page.textContent("#history-summary")));
    assert.deepEqual(await tableText("history-pages"), ["/pricing.html | 1 | 1 | –"]);
    assert.equal(new URL(page.url()).searchParams.get("host"), "shop.example");
    await page.selectOption("#site", "");
    await eventually("every site again", async () => /^6 views,/.test(await page.textContent("#history-summary")));
  });

  it("checks the range before asking, and shows what onlookerd refuses", async () => {
    const error = () => page.textContent("#history-error");
    await page.fill("#history-from", "2026-03-10");
    await page.fill("#history-to", "2026-03-01");
    await page.click("#history-form button[type=submit]");
    await eventually("order", async () => /end date is before the start date/.test(await error()));
    assert.equal(await page.isVisible("#history-error"), true);

    await page.fill("#history-from", "2024-01-01");
    await page.fill("#history-to", "2025-06-01");
    await page.click("#history-form button[type=submit]");
    await eventually("too long", async () => /at most 366 days/.test(await error()));

    await page.fill("#history-from", "2026-01-01");
    await page.fill("#history-to", "2026-03-01");
    await page.selectOption("#history-bucket", "hour");
    await page.click("#history-form button[type=submit]");
    await eventually("hourly too long", async () => /Hourly buckets cover at most 31 days/.test(await error()));

    // What onlookerd itself answers (through nginx), and how the page shows it.
    for (const [query, message] of [["from=yesterday", "from must be unix time in milliseconds"],
                                    ["from=2000&to=1000", "from must be before to"],
                                    ["from=0&to=40000000000", "the range is at most 366 days"],
                                    ["bucket=week", "bucket must be hour or day"],
                                    ["source=google", "source must be direct, campaign, search, social, email, paid or other site"],
                                    [`campaign=${"c".repeat(41)}`, "campaign is too long"]]) {
      const answer = await request(stack.sitePort, `/onlooker/api/history?${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(JSON.parse(answer.body).error, message);
    }
    await page.route("**/api/history?*", (route) =>
      route.fulfill({ status: 400, contentType: "application/json", body: '{"error":"bucket must be hour or day"}' }));
    await page.click('.presets button[data-days="7"]');
    await eventually("the refusal", async () => (await error()) === "onlookerd: bucket must be hour or day");
    await page.unroute("**/api/history?*");
    await page.click('.presets button[data-days="7"]');
    await eventually("cleared", async () => !(await page.isVisible("#history-error")));
    assert.deepEqual(problems.filter((p) => !p.includes("400")), []);
  });

  it("compares every figure with the previous period, and draws its line", async () => {
    const change = (name) => page.textContent(`#history-visits [data-change="${name}"]`);
    // The last 7 days hold every view; the 7 before, none.
    await page.click('.presets button[data-days="7"]');
    await eventually("new against an empty week", async () => (await change("Views")) === "new");
    assert.equal(await change("Visitors"), "new");
    assert.equal(await page.$$eval("#history-chart polyline.previous-line", (lines) => lines.length), 1);
    // Tomorrow alone: its previous period is today, with the 6 views.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.fill("#history-from", tomorrow);
    await page.fill("#history-to", tomorrow);
    await page.selectOption("#history-bucket", "hour");
    await page.click("#history-form button[type=submit]");
    await eventually("a fall of 100 %", async () => (await change("Views")) === "−100 %");
    assert.equal(await page.textContent('#history-visits [data-figure="Views"]'), "0");
    assert.equal(await page.getAttribute('#history-visits [data-change="Views"]', "title"), "previous period: 6");
    const from = Date.parse(tomorrow + "T00:00:00Z");
    const answer = JSON.parse((await request(stack.sitePort,
      `/onlooker/api/history?from=${from}&to=${from + 86_400_000}&bucket=hour`)).body);
    assert.equal(answer.previous.from, from - 86_400_000);
    assert.equal(answer.previous.totals.views, 6);
    assert.equal(answer.previous.series.reduce((sum, b) => sum + b.views, 0), 6);
    // The chart's dashed line reaches above its baseline where today had views.
    const heights = await page.$eval("#history-chart polyline.previous-line", (line) =>
      line.getAttribute("points").split(" ").map((point) => Number(point.split(",")[1])));
    assert.ok(Math.min(...heights) < Math.max(...heights), "the previous line is not flat");
    await screenshot(page, "history-previous-period");
  });
});
