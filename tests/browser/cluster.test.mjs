// Several nginx servers (issue 17): two real nginx + onlookerd stacks on one
// real redis-server. The dashboard of node A lists both nodes with their
// people, shows a stopped node down within seconds, and says when the
// cluster link is down. A node whose PostgreSQL history does not answer
// still serves its dashboard, with a banner saying so.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RedisServer } from "./redis.mjs";
import { Stack, freePort } from "./stack.mjs";
import { DEMO_PAGES, VISITORS, eventually, launch, openDashboard, screenshot, tableRows, visit } from "./helpers.mjs";

const node = (redis, name, more = {}) =>
  Stack.start({ pages: DEMO_PAGES, activeWindow: 30,
                onlookerdArgs: ["--cluster", redis.url, "--node", name], ...more });

describe("cluster", { timeout: 80000 }, () => {
  let redis, a, b, browser, page;

  before(async () => {
    redis = await RedisServer.start();
    [a, b] = [await node(redis, "web-a"), await node(redis, "web-b")];
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    for (const stack of [a, b]) await stack?.stop();
    await redis?.stop();
  });

  const nodesText = () => page.textContent("#nodes");

  it("lists every node with its people, and shows a stopped node down within seconds", async () => {
    ({ page } = await openDashboard(browser, a));
    await eventually("both nodes listed", async () =>
      (await page.isVisible("#nodes")) && /web-a \(this one\).*web-b/.test(await nodesText()));
    assert.equal(await page.isVisible("#cluster-link"), false, "the link is up: no banner");

    // A person on B is live on A's dashboard, counted under web-b.
    await visit(browser, b, VISITORS.london, "/about.html");
    await eventually("B's visitor on A", async () => (await page.textContent("#active")) === "1");
    await eventually("counted under web-b", async () => /web-b 1 person/.test(await nodesText()));
    assert.match(await nodesText(), /web-a \(this one\) 0 people/);
    // And one on A itself.
    await visit(browser, a, VISITORS.berlin, "/pricing.html");
    await eventually("two people", async () => (await page.textContent("#active")) === "2");
    await eventually("counted under web-a", async () => /web-a \(this one\) 1 person/.test(await nodesText()));
    assert.doesNotMatch(await nodesText(), /down/);
    await screenshot(page, "cluster-nodes");

    // B's onlookerd stops: not heard for 5 s, it is shown down.
    assert.equal(await b.stopOnlookerd(), 0);
    const stopped = Date.now();
    await eventually("web-b down", async () => /web-b [^·]*, down/.test(await nodesText()), { timeout: 10000 });
    const seconds = (Date.now() - stopped) / 1000;
    assert.ok(seconds < 8, `shown down after ${seconds} s`);
    assert.doesNotMatch(await nodesText(), /web-a[^·]*down/, "this node stays up");
    await screenshot(page, "cluster-node-down");
  });

  it("says the cluster link is down while Redis is gone, and not once it is back", async () => {
    await redis.kill();
    await eventually("the banner", async () =>
      (await page.isVisible("#cluster-link")) &&
      (await page.textContent("#cluster-link")).includes("Cluster link down"), { timeout: 8000 });
    assert.match(await page.textContent("#cluster-link"), /showing only this node \(web-a\)/);
    await screenshot(page, "cluster-link-down");
    await redis.restart();
    await eventually("rejoined", async () => !(await page.isVisible("#cluster-link")), { timeout: 15000 });
  });

  it("serves a node's dashboard while its PostgreSQL history does not answer, with a banner", async () => {
    // Nothing listens on this port: the history store stays unreachable.
    const c = await node(redis, "web-c", { db: `postgresql://onlooker@127.0.0.1:${await freePort()}/onlooker` });
    try {
      const { page: onC } = await openDashboard(browser, c);
      await eventually("the history banner", async () =>
        (await onC.isVisible("#history-down")) &&
        (await onC.textContent("#history-down")).includes("History store unreachable"));
      assert.match(await onC.textContent("#history-down"), /hits wait in the ring \(\d+ of 16,384 slots\)/);
      // Other nodes' people still reach its live view through Redis.
      await visit(browser, a, VISITORS.tokyo, "/index.html");
      await eventually("A's new visitor on C", async () =>
        (await tableRows(onC)).some((row) => row.Location === "Tokyo, Japan"));
      await screenshot(onC, "history-down");
      assert.equal(await page.isVisible("#history-down"), false, "A's history answers: no banner on A");
    } finally {
      await c.stop();
    }
  });
});
