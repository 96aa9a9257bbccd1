// scripts/simulate.mjs (run.sh --simulate N): simulated visitors through
// nginx fill the dashboard at once, come and go, and stop on SIGTERM.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Stack, env } from "./stack.mjs";
import { DEMO_PAGES, eventually, launch, openDashboard, screenshot } from "./helpers.mjs";

const ACTIVE_WINDOW_S = 8;
const script = () => join(env("ONLOOKER_SOURCE_DIR"), "scripts", "simulate.mjs");

describe("simulated visitors", { timeout: 60000 }, () => {
  let stack, browser, simulator;

  before(async () => {
    stack = await Stack.start({ pages: DEMO_PAGES, activeWindow: ACTIVE_WINDOW_S });
    browser = await launch();
  });

  after(async () => {
    simulator?.kill("SIGKILL");
    await browser?.close();
    await stack?.stop();
  });

  it("plays N visitors from several countries and devices, who come and go", async () => {
    simulator = spawn(process.execPath, [script(), "--url", stack.siteUrl, "--visitors", "8", "--ranges", "test",
                                         "--pages", "/,/about.html,/pricing.html", "--pace", "0.1"],
                      { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    simulator.stderr.on("data", (chunk) => { stderr += chunk; });
    simulator.exited = new Promise((resolve) => simulator.once("exit", (code, signal) => resolve(code ?? signal)));

    const { page, problems } = await openDashboard(browser, stack);
    const seen = new Set();
    const live = await eventually("a living dashboard", async () => {
      const snapshot = await stack.live();
      for (const visitor of snapshot.visitors) seen.add(visitor.id);
      return snapshot.active >= 6 && snapshot.countries.length >= 3 && snapshot.devices.length >= 2 &&
        snapshot.pages.length >= 2 && snapshot;
    }, { timeout: 15000 });
    assert.ok(live.visitors.every((v) => v.country && v.city && v.browser && v.os), "located, real-world UAs");
    assert.equal(live.bots, 0, "no User-Agent of the list is a bot");
    await eventually("the dashboard shows them", async () => Number(await page.textContent("#active")) >= 6);
    await page.waitForTimeout(2000);
    await screenshot(page, "dashboard-simulated");
    const referrers = await page.$$eval("#referrers .name", (names) => names.map((n) => n.textContent));
    assert.ok(!referrers.some((r) => r.startsWith("127.0.0.1")), `no self-referrals: ${referrers}`);

    // Visitors leave and others take their place.
    const first = new Set(seen);
    await eventually("newcomers", async () => {
      for (const visitor of (await stack.live()).visitors) seen.add(visitor.id);
      return seen.size >= first.size + 3;
    }, { timeout: 20000 });
    assert.deepEqual(problems, []);

    simulator.kill("SIGTERM");
    const started = Date.now();
    assert.equal(await simulator.exited, 0, stderr);
    assert.ok(Date.now() - started < 3000, "stops at once");
    assert.match(stderr, /stopped \(SIGTERM\)/);
    // Nothing more arrives: leaves for those still there, expiry for those
    // who had gone quiet.
    await eventually("all gone", async () => (await stack.live()).active === 0,
                     { timeout: ACTIVE_WINDOW_S * 1000 + 3000 });
  });

  it("refuses bad arguments, as run.sh --simulate does", () => {
    for (const args of [["--visitors", "3"], ["--url", stack.siteUrl, "--visitors", "0"],
                        ["--url", stack.siteUrl, "--visitors", "501"], ["--url", stack.siteUrl, "--ranges", "moon"],
                        ["--url", stack.siteUrl, "--bogus"]]) {
      const result = spawnSync(process.execPath, [script(), ...args], { encoding: "utf8", timeout: 5000 });
      assert.equal(result.status, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, /simulate\.mjs: /);
    }
    const runSh = join(env("ONLOOKER_SOURCE_DIR"), "scripts", "run.sh");
    for (const args of [["--simulate", "lots"], ["--simulate"], ["--simulate", "501"], ["--bogus"]]) {
      // Checked before run.sh installs, builds or starts anything.
      const result = spawnSync("bash", [runSh, ...args], { encoding: "utf8", timeout: 5000 });
      assert.equal(result.status, 2, `run.sh ${args.join(" ")}: ${result.stderr}`);
    }
  });
});
