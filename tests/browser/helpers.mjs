// Shared by the browser tests: Debian's chromium through playwright-core,
// "visitors" (browser contexts with their own address and User-Agent), the
// demo pages they load, polling assertions and screenshots.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { request } from "./stack.mjs";

// nginx trusts X-Forwarded-For from loopback (conf/nginx.conf.in), so each
// context looks like a visitor from its own address. Addresses are in the
// networks of tests/enrich/make_test_mmdb.pl.
export const VISITORS = {
  london: { address: "81.2.69.10", country: "GB", countryName: "United Kingdom", city: "London",
            userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            device: "Desktop", browser: "Chrome", os: "Windows" },
  berlin: { address: "2001:db8::5", country: "DE", countryName: "Germany", city: "Berlin",
            userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
            device: "Mobile", browser: "Mobile Safari", os: "iOS" },
  tokyo: { address: "203.0.113.7", country: "JP", countryName: "Japan", city: "Tokyo",
           userAgent: "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
           device: "Tablet", browser: "Mobile Safari", os: "iOS" },
  newYork: { address: "198.51.100.20", country: "US", countryName: "United States", city: "New York",
             userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
             device: "Desktop", browser: "Firefox", os: "Linux" },
  saoPaulo: { address: "192.0.2.33", country: "BR", countryName: "Brazil", city: "São Paulo",
              userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
              device: "Mobile", browser: "Chrome Mobile", os: "Android" },
};

export const XSS = "<img src=x onerror=alert(1)>";

// A demo page: beacon.js (leave on pagehide) plus a fast heartbeat, since
// beacon.js beats every 30 s and the tests run onlookerd with a short
// --active-window. window.stopBeats() lets a visitor go quiet (and expire).
export function demoPage(title, { widget = "" } = {}) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="/style.css"></head><body><h1>${title}</h1>
<p><a href="/about.html">About</a> <a href="/pricing.html">Pricing</a></p>${widget}
<script src="/onlooker/beacon.js" defer></script>
<script>
  var pending = new Set();
  var beats = setInterval(function () {
    var beat = fetch("/onlooker/beat?p=" + encodeURIComponent(location.pathname), { method: "POST", keepalive: true })
      .catch(function () {});
    pending.add(beat);
    beat.then(function () { pending.delete(beat); });
  }, 1000);
  // Resolves once no beat is on its way any more.
  window.stopBeats = function () { clearInterval(beats); return Promise.all(Array.from(pending)); };
</script></body></html>`;
}

export const DEMO_PAGES = {
  "index.html": demoPage("Home"),
  "about.html": demoPage("About"),
  "pricing.html": demoPage("Pricing"),
  [`${XSS}.html`]: demoPage("Tricky"),
};

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                              "--disable-background-networking", "--disable-component-update", "--disable-sync"];

// Every launch gets a fresh temporary profile (user-data dir) from playwright.
// userAgent, when given, is set by a launch flag: unlike a context's emulated
// one, it is what unload beacons carry too (HeadlessChrome reads as a bot).
export function launch({ userAgent } = {}) {
  const args = userAgent ? [...CHROMIUM_ARGS, `--user-agent=${userAgent}`] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args, timeout: 20000 });
}

// A browser context that looks like one visitor; its page has loaded path.
export async function visit(browser, stack, visitor, path, { referer } = {}) {
  const context = await browser.newContext({
    userAgent: visitor.userAgent,
    extraHTTPHeaders: { "X-Forwarded-For": visitor.address },
  });
  const page = await context.newPage();
  await page.goto(stack.siteUrl + path, { referer });
  return { context, page, visitor };
}

// A visitor made of plain HTTP requests, for what a browser will not send:
// raw markup in a Referer or User-Agent, another Host.
export class RawVisitor {
  constructor(stack, { address, userAgent = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/125.0", host }) {
    this.stack = stack;
    this.headers = { "X-Forwarded-For": address, "User-Agent": userAgent };
    if (host) this.headers.Host = host;
    this.timer = null;
    this.pending = new Set();
  }

  async view(path, referer) {
    const headers = { ...this.headers, Accept: "text/html" };
    if (referer) headers.Referer = referer;
    const response = await request(this.stack.sitePort, path, { headers });
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
  }

  // A heartbeat (or a leave) for the page at path, as beacon.js sends.
  // Stops the heartbeat, waits for any beat on its way, then leaves: a late
  // beat would bring the visitor back.
  async leave(path) {
    this.stopBeating();
    await Promise.all(this.pending);
    await this.beat(path, { leave: true });
  }

  async beat(path, { leave = false } = {}) {
    const target = `/onlooker/beat?p=${encodeURIComponent(path)}${leave ? "&e=leave" : ""}`;
    const response = await request(this.stack.sitePort, target, { method: "POST", headers: this.headers });
    if (response.status !== 204) throw new Error(`POST ${target}: ${response.status}`);
  }

  keepBeating(path, everyMs = 1000) {
    this.stopBeating();
    this.timer = setInterval(() => {
      const beat = this.beat(path).catch(() => {});
      this.pending.add(beat);
      beat.then(() => this.pending.delete(beat));
    }, everyMs);
  }

  stopBeating() {
    clearInterval(this.timer);
    this.timer = null;
  }
}

// Closes the tab the way a person does: pagehide sends the leave beacon.
// beacon.js's pagehide handler sends the leave. It is run while the page is
// still alive: a beacon sent during a real unload leaves without the
// context's emulated User-Agent and X-Forwarded-For, so it would come from
// another "visitor". The fast heartbeat stops first, so that no late beat
// brings the visitor back after the leave.
export async function leave({ page, context }) {
  await page.evaluate(() => window.stopBeats());
  // The leave is a sendBeacon: closing the context before it has gone out
  // can cancel it (seen under load), and the person would then stay for the
  // whole active window. Wait for it to finish, but not forever: a test that
  // needs the leave still fails on what it checks.
  const sent = page.waitForEvent("requestfinished", {
    predicate: (request) => request.url().includes("e=leave"), timeout: 3000,
  }).catch(() => null);
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent("pagehide", { persisted: false })));
  await sent;
  await context.close();
}

// Polls fn until it returns a truthy value; the error shows the last value.
export async function eventually(what, fn, { timeout = 10000, interval = 150 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeout} ms (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

// Screenshots are test artifacts, in the build dir (ONLOOKER_ARTIFACTS).
export async function screenshot(page, name) {
  const dir = process.env.ONLOOKER_ARTIFACTS ?? join(process.cwd(), "artifacts");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// The texts of a dashboard list's rows (name, detail, count).
export function listRows(page, id) {
  return page.$$eval(`#${id} li.row`, (rows) => rows.map((row) => ({
    name: row.querySelector(".name").textContent,
    detail: row.querySelector(".detail").textContent,
    count: Number(row.querySelector(".count").textContent.replace(/\D/g, "")),
  })));
}

export function tableRows(page) {
  return page.$$eval("#visitors tr[data-id]", (rows) => rows.map((row) =>
    Object.fromEntries([...row.cells].map((cell) => [cell.dataset.label, cell.textContent]))));
}

// The dashboard, opened through nginx, once its WebSocket is live.
export async function openDashboard(browser, stack, { viewport = { width: 1280, height: 900 }, colorScheme = "light" } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("dialog", (dialog) => { problems.push(`dialog: ${dialog.message()}`); dialog.dismiss(); });
  page.on("console", (message) => { if (message.type() === "error") problems.push(`console: ${message.text()}`); });
  await page.goto(stack.dashboardUrl);
  await page.waitForSelector('#connection[data-phase="live"]', { timeout: 10000 });
  return { context, page, problems };
}

// Fakes the tab going to the background ("hidden") or back ("visible"):
// headless Chromium keeps every tab visible, and beacon.js hears the same
// visibilitychange event a real switch of tabs fires.
export function setVisibility(tab, state) {
  return tab.evaluate((visibility) => {
    Object.defineProperty(document, "visibilityState", { value: visibility, configurable: true });
    Object.defineProperty(document, "hidden", { value: visibility === "hidden", configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  }, state);
}
