// Campaigns and sources in real Chromium (issue 18): a landing on
// ?utm_source=news&utm_campaign=launch shows in the live campaigns and
// sources, on the dashboard (whose rows filter the view), and in history;
// the query itself is stored nowhere: the path has none, and "launch" and
// "news" are only in the columns made for them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { DEMO_PAGES, VISITORS, eventually, launch, listRows, openDashboard, tableRows, visit } from "./helpers.mjs";
import { request, Stack } from "./stack.mjs";

let stack;
let browser;

before(async () => {
  stack = await Stack.start({ pages: DEMO_PAGES });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

const sql = (query) => execFileSync("sqlite3", ["-readonly", join(stack.dir, "onlooker.db"), query],
                                    { encoding: "utf8" }).trim();

test("a ?utm_source=news&utm_campaign=launch landing shows in campaigns live and in history, its query stored nowhere else",
     { timeout: 60000 }, async () => {
  const dashboard = await openDashboard(browser, stack);
  const page = dashboard.page;
  await visit(browser, stack, VISITORS.london, "/about.html?utm_source=news&utm_campaign=launch&secret=s3cr3t");
  await visit(browser, stack, VISITORS.berlin, "/pricing.html", { referer: "https://www.google.com/search?q=x" });

  const live = await eventually("both live, with their sources", async () => {
    const snap = await stack.live();
    return snap.active === 2 && snap.campaigns.length === 1 && snap.sources.length === 2 ? snap : null;
  });
  assert.deepEqual(live.campaigns, [{ campaign: "launch", viewers: 1 }]);
  assert.deepEqual(live.sources, [{ source: "campaign", viewers: 1 }, { source: "search", viewers: 1 }]);
  const landed = live.visitors.find((v) => v.path === "/about.html");
  assert.equal(landed.source, "campaign");
  assert.equal(landed.campaign, "launch");
  assert.equal((await stack.live("shop.example")).campaigns.length, 0, "?host= keeps to its site");

  const names = async (id) => (await listRows(page, id)).map((row) => `${row.name}=${row.count}`).sort();
  await eventually("the dashboard's lists", async () =>
    (await names("campaigns")).join() === "launch=1" && (await names("sources")).join() === "Campaign=1,Search=1");

  // Click-to-filter: the campaign's row filters the table and the other lists.
  await page.click("#campaigns li.row button");
  await eventually("filtered to the campaign", async () => (await tableRows(page)).length === 1);
  assert.match(await page.textContent("#filter-chips"), /Campaign: launch/);
  assert.deepEqual(await names("sources"), ["Campaign=1"]);
  assert.deepEqual(await names("pages"), ["/about.html=1"]);
  await page.click("#campaigns li.row button");
  await eventually("the filter off again", async () => (await tableRows(page)).length === 2);
  await page.click("#sources li.row button >> text=Search");
  await eventually("filtered to search", async () => (await names("campaigns")).length === 0);
  assert.deepEqual(await names("pages"), ["/pricing.html=1"]);
  assert.deepEqual(dashboard.problems, []);
  await dashboard.context.close();

  // History: the API and the History tab.
  const history = await eventually("the campaign in history", async () => {
    const answer = JSON.parse((await request(stack.sitePort, "/onlooker/api/history")).body);
    return answer.campaigns?.length === 1 ? answer : null;
  });
  assert.deepEqual(history.campaigns, [{ campaign: "launch", views: 1, visitors: 1 }]);
  assert.deepEqual(history.sources, [{ source: "campaign", views: 1, visitors: 1 },
                                     { source: "search", views: 1, visitors: 1 }]);
  const tab = await openDashboard(browser, stack);
  await tab.page.click("#tab-history");
  const rowsOf = (id) => tab.page.$$eval(`#${id} tr`, (rows) => rows.map((row) =>
    [...row.cells].map((cell) => cell.textContent.trim()).join(" | ")));
  await eventually("the History tab's lists", async () => (await rowsOf("history-campaigns")).join() === "launch | 1 | 1");
  assert.deepEqual(await rowsOf("history-sources"), ["Campaign | 1 | 1", "Search | 1 | 1"]);
  assert.deepEqual(tab.problems, []);
  await tab.context.close();

  // Stored (onlookerd writes the visits still open as it stops): the path
  // has no query; the values only in their own columns.
  assert.equal(await stack.stopOnlookerd(), 0);
  await eventually("both views stored", async () => sql("SELECT count(*) FROM hits WHERE kind = 'view'") === "2");
  assert.equal(sql("SELECT count(*) FROM hits WHERE instr(path, '?') > 0"), "0");
  assert.equal(sql("SELECT utm_source || ' ' || utm_campaign || ' ' || source FROM hits WHERE path = '/about.html'"),
               "news launch campaign");
  assert.equal(sql("SELECT source || ' ' || source_name || ' ' || referrer_host FROM hits WHERE path = '/pricing.html'"),
               "search Google www.google.com");
  // Views in SQL, and the values in their own columns only (rollups.value is
  // the campaign's own row, so it may hold it too).
  assert.equal(sql("SELECT campaign || ' ' || views || ' ' || visitors FROM daily_campaigns"), "launch 1 1");
  assert.equal(sql("SELECT utm_source || ' ' || utm_campaign || ' ' || source FROM visits WHERE entry_page = '/about.html'"),
               "news launch campaign");
  assert.equal(sql("SELECT source || ' ' || referrer_host FROM visits WHERE entry_page = '/pricing.html'"),
               "search www.google.com");
  const allowed = { launch: ["utm_campaign", "value"], news: ["utm_source", "source_name"] };
  for (const table of sql("SELECT name FROM sqlite_master WHERE type = 'table'").split("\n")) {
    for (const column of sql(`SELECT name FROM pragma_table_info('${table}')`).split("\n")) {
      for (const word of ["launch", "news", "utm_", "secret", "s3cr3t"]) {
        const rows = sql(`SELECT count(*) FROM "${table}" WHERE instr(CAST("${column}" AS TEXT), '${word}') > 0`);
        if ((allowed[word] ?? []).includes(column)) continue;
        assert.equal(rows, "0", `${table}.${column} holds "${word}"`);
      }
    }
  }
});
