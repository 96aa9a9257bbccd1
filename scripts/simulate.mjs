#!/usr/bin/env node
// Plays simulated visitors through nginx, so that a newcomer sees a living
// dashboard at once (scripts/run.sh --simulate N). Each visitor has an
// address from the geo database's ranges (sent as X-Forwarded-For, which the
// demo nginx trusts from loopback), a real-world User-Agent and a referrer;
// it views pages, sends heartbeats to /onlooker/beat, moves to other pages,
// and after a while leaves (with a leave beacon, or silently, to expire).
// About N visitors are on the site at any time: one who leaves is replaced.
//
//   node scripts/simulate.mjs --url http://127.0.0.1:8080 --visitors 25
//     --ranges dbip|test   addresses for the bundled DB-IP database (default)
//                          or for the test database of tests/enrich
//     --pages /,/about.html   pages to view (default: the demo site's)
//     --host NAME          Host header to send (repeatable: visitors pick one)
//     --pace F             multiplies every delay (default 1; 0.2 is brisk)
//
// No dependencies beyond Node's built-ins. Stops on SIGTERM/SIGINT, sending
// each visitor's leave first (for at most a second).
import http from "node:http";
import { parseArgs } from "node:util";

const MAX_VISITORS = 500;

// [weight, block]: real-world blocks per country, checked against DB-IP City Lite.
const DBIP_RANGES = [
  [3, "86.128.0.0/16"], [2, "86.160.0.0/16"], [1, "2a00:23c5::/32"],      // GB
  [3, "73.10.0.0/16"], [2, "73.200.0.0/16"], [2, "24.10.0.0/16"], [1, "2601:1c0::/32"],  // US
  [2, "84.130.0.0/16"], [2, "91.40.0.0/16"], [1, "2003:e0::/32"],         // DE
  [2, "90.100.0.0/16"], [2, "126.10.0.0/16"], [1, "2405:6580::/32"],      // FR, JP
  [2, "177.10.0.0/16"], [2, "49.36.0.0/16"], [1, "1.130.0.0/16"],         // BR, IN, AU
  [1, "99.230.0.0/16"], [1, "83.40.0.0/16"], [1, "79.20.0.0/16"],         // CA, ES, IT
  [1, "187.130.0.0/16"], [1, "84.26.0.0/16"], [1, "83.250.0.0/16"],       // MX, NL, SE
  [1, "41.13.0.0/16"], [1, "89.64.0.0/16"],                               // ZA, PL
];
// The networks of tests/enrich/make_test_mmdb.pl (GB, DE, JP, US, BR), same weights.
const TEST_RANGES = [
  [1, "81.2.69.0/24"], [1, "2001:db8::/32"], [1, "203.0.113.0/24"],
  [1, "198.51.100.0/24"], [1, "192.0.2.0/24"],
];

// [weight, User-Agent]: desktop, mobile and tablet browsers as seen in the wild.
const USER_AGENTS = [
  [14, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"],
  [6, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15"],
  [5, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"],
  [4, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"],
  [3, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67"],
  [2, "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"],
  [2, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"],
  [12, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1"],
  [10, "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36"],
  [6, "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36"],
  [2, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1"],
  [3, "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"],
  [1, "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"],
];
// [weight, Referer]; null: typed in or bookmarked.
const REFERRERS = [
  [10, null], [8, "https://www.google.com/"], [2, "https://duckduckgo.com/"], [1, "https://www.bing.com/"],
  [2, "https://news.ycombinator.com/item?id=40000000"], [2, "https://t.co/x1y2z3"],
  [2, "https://www.reddit.com/r/selfhosted/"], [1, "https://github.com/"], [1, "https://lobste.rs/"],
];

function usage(message) {
  if (message) console.error(`simulate.mjs: ${message}`);
  console.error("usage: simulate.mjs --url URL --visitors N [--ranges dbip|test] [--pages P,P] [--host H]... [--pace F]");
  process.exit(2);
}

let options;
try {
  options = parseArgs({ options: {
    url: { type: "string" }, visitors: { type: "string", default: "20" },
    ranges: { type: "string", default: "dbip" }, pages: { type: "string", default: "/,/about.html,/pricing.html" },
    host: { type: "string", multiple: true, default: [] }, pace: { type: "string", default: "1" },
  } }).values;
} catch (error) {
  usage(error.message);
}
if (!options.url) usage("--url is required");
const base = new URL(options.url);
if (base.protocol !== "http:") usage("--url must be http://");
const target = Number(options.visitors);
if (!Number.isInteger(target) || target < 1 || target > MAX_VISITORS) usage(`--visitors must be 1 to ${MAX_VISITORS}`);
const pace = Number(options.pace);
if (!(pace > 0 && pace <= 100)) usage("--pace must be a positive number");
if (!["dbip", "test"].includes(options.ranges)) usage("--ranges must be dbip or test");
const ranges = options.ranges === "test" ? TEST_RANGES : DBIP_RANGES;
const pages = options.pages.split(",").filter(Boolean);
if (!pages.length || pages.some((p) => !p.startsWith("/"))) usage("--pages must be paths starting with /");
const hosts = options.host.length ? options.host : [base.host];

const random = (low, high) => low + Math.random() * (high - low);
function pick(weighted) {
  let roll = Math.random() * weighted.reduce((sum, [weight]) => sum + weight, 0);
  for (const [weight, value] of weighted) if ((roll -= weight) < 0) return value;
  return weighted[weighted.length - 1][1];
}

// A random address inside a CIDR block (IPv4, or IPv6 with a prefix of whole groups).
function addressIn(cidr) {
  const [network, bits] = cidr.split("/");
  if (!network.includes(":")) {
    const value = network.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
    const hostBits = 32 - Number(bits);
    const offset = 1 + Math.floor(Math.random() * (2 ** hostBits - 2));
    const address = value + offset;
    return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
  }
  const groups = network.replace(/::$/, "").split(":").slice(0, Number(bits) / 16);
  while (groups.length < 8) groups.push(Math.floor(Math.random() * 0x10000).toString(16));
  return groups.join(":");
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const inFlight = new Set();
let failures = 0;
let lastComplaint = 0;

function send(visitor, method, path, referer) {
  return new Promise((resolve) => {
    const headers = { "User-Agent": visitor.userAgent, "X-Forwarded-For": visitor.address, Host: visitor.host,
                      Accept: method === "GET" ? "text/html" : "*/*" };
    if (referer) headers.Referer = referer;
    const request = http.request({ hostname: base.hostname, port: base.port || 80, path, method, headers, agent,
                                   timeout: 5000 }, (response) => {
      response.resume();
      response.on("end", resolve);
    });
    const done = () => { inFlight.delete(request); resolve(); };
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", (error) => {
      failures += 1;
      if (Date.now() - lastComplaint > 60000 && !stopping) {
        lastComplaint = Date.now();
        console.error(`simulate.mjs: ${method} ${path}: ${error.message} (${failures} failed so far)`);
      }
      done();
    });
    request.on("close", done);
    inFlight.add(request);
    request.end();
  });
}

const beatPath = (page, leave) => `/onlooker/beat?p=${encodeURIComponent(page)}${leave ? "&e=leave" : ""}`;
const visitors = new Set();
let stopping = false;

const waits = new Set();  // pending delays, cut short by stop()
function wait(ms) {
  return new Promise((resolve) => {
    const entry = { timer: 0, resolve };
    entry.timer = setTimeout(() => { waits.delete(entry); resolve(); }, ms * pace);
    waits.add(entry);
  });
}

async function live(visitor) {
  const siteUrl = (page) => `${base.protocol}//${visitor.host}${page}`;
  visitor.page = pages[Math.floor(Math.random() * pages.length)];
  await send(visitor, "GET", visitor.page, pick(REFERRERS));
  const leaveAt = Date.now() + random(20000, 180000) * pace;
  while (!stopping && Date.now() < leaveAt) {
    await wait(random(4000, 20000));
    if (stopping) break;
    if (Math.random() < 0.35 && pages.length > 1) {
      const from = visitor.page;
      visitor.page = pages.filter((p) => p !== from)[Math.floor(Math.random() * (pages.length - 1))];
      await send(visitor, "GET", visitor.page, siteUrl(from));
    } else {
      await send(visitor, "POST", beatPath(visitor.page, false));
    }
  }
  // Most close the tab (a leave beacon); some just go quiet and expire.
  if (!stopping && Math.random() < 0.8) await send(visitor, "POST", beatPath(visitor.page, true));
}

// The first crowd is spread over the lists (a stride coprime with their
// lengths), so that a newcomer sees many countries and devices at once;
// later visitors are drawn by weight.
const spread = (list, index) => list[(index * 7) % list.length][1];

async function visitorSlot(index) {
  await wait(Math.min(index * 300, 6000) + random(0, 500));
  for (let round = 0; !stopping; round++) {
    const visitor = { address: addressIn(round ? pick(ranges) : spread(ranges, index)),
                      userAgent: round ? pick(USER_AGENTS) : spread(USER_AGENTS, index),
                      host: hosts[Math.floor(Math.random() * hosts.length)], page: null };
    visitors.add(visitor);
    await live(visitor);
    visitors.delete(visitor);
    if (!stopping) await wait(random(500, 5000));
  }
}

async function stop(signal) {
  if (stopping) return;
  stopping = true;
  for (const { timer, resolve } of waits) { clearTimeout(timer); resolve(); }
  // Say goodbye for everyone still on the site, for at most a second.
  const leaves = [...visitors].filter((v) => v.page).map((v) => send(v, "POST", beatPath(v.page, true)));
  await Promise.race([Promise.all(leaves), new Promise((resolve) => setTimeout(resolve, 1000))]);
  for (const request of inFlight) request.destroy();
  agent.destroy();
  console.error(`simulate.mjs: stopped (${signal})`);
  process.exit(0);
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));

console.error(`simulate.mjs: ${target} visitors on ${base.origin} (${options.ranges} addresses, pages ${pages.join(" ")})`);
for (let i = 0; i < target; i++) visitorSlot(i);
