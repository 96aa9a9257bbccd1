// A real nginx (Debian's binary, loading the built module) and a real
// onlookerd on free loopback ports in a temp dir, configured from
// conf/nginx.conf.in as tests/support/stack.cpp and scripts/run.sh do.
// Both are stopped by pid. Paths come from CMake through the environment:
//   ONLOOKER_MODULE  ONLOOKER_ONLOOKERD  ONLOOKER_SOURCE_DIR
//   ONLOOKER_GEOIP (the test .mmdb)  ONLOOKER_UAP_REGEXES
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through ctest (tests/browser/CMakeLists.txt)`);
  return value;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A port below the kernel's ephemeral range (32768-60999), so that no client
// connection of a test running beside this one can be holding it.
export function freePort() {
  const attempt = () =>
    new Promise((resolve) => {
      const port = 20000 + Math.floor(Math.random() * 12000);
      const server = net.createServer();
      server.once("error", () => resolve(null));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(port)));
    });
  return (async () => {
    for (;;) {
      const port = await attempt();
      if (port !== null) return port;
    }
  })();
}

// GET (or another method) on loopback; resolves {status, headers, body}.
export function request(port, path, { method = "GET", headers = {}, timeout = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method, headers, timeout }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => { body += chunk; });
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

export async function until(what, check, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not start in ${timeoutMs} ms`);
    await sleep(100);
  }
}

// Every child of every Stack, killed if the test process dies early.
const children = new Set();
process.on("exit", () => { for (const child of children) child.kill("SIGKILL"); });

export function startChild(argv, logFile) {
  const log = openSync(logFile, "a");
  const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", log, log] });
  closeSync(log);
  children.add(child);
  child.exited = new Promise((resolve) => child.once("exit", (code, signal) => {
    children.delete(child);
    resolve(code ?? signal);
  }));
  return child;
}

export async function stopChild(child, signal) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
  await child.exited;
  clearTimeout(timer);
}

export class Stack {
  // pages: {"name.html": "<html>…"} written into the docroot.
  // activeWindow: onlookerd's --active-window in seconds.
  // ringSize: onlooker_zone's size= (16m in conf/nginx.conf.in).
  // db: onlookerd's --db (default: onlooker.db in the stack's dir).
  static async start({ pages = {}, activeWindow = 300, onlookerdArgs = [], ringSize = "16m", db } = {}) {
    const stack = new Stack();
    await stack.init(pages, activeWindow, onlookerdArgs, ringSize, db);
    return stack;
  }

  async init(pages, activeWindow, onlookerdArgs, ringSize, db) {
    this.dir = mkdtempSync(join(tmpdir(), "onlooker-browser-"));
    chmodSync(this.dir, 0o755);  // nginx's workers run as nobody and read the docroot
    this.sitePort = await freePort();
    this.apiPort = await freePort();
    this.docroot = join(this.dir, "site");
    mkdirSync(this.docroot);
    mkdirSync(join(this.dir, "tmp"));
    writeFileSync(join(this.docroot, "style.css"), "body { font-family: sans-serif; }\n");
    for (const [name, html] of Object.entries(pages)) writeFileSync(join(this.docroot, name), html);

    let conf = readFileSync(join(env("ONLOOKER_SOURCE_DIR"), "conf", "nginx.conf.in"), "utf8");
    const values = {
      "@MODULE@": env("ONLOOKER_MODULE"), "@RUN_DIR@": this.dir, "@RING@": join(this.dir, "ring"),
      "@LISTEN@": `127.0.0.1:${this.sitePort}`, "@DOCROOT@": this.docroot,
      "@ONLOOKERD@": `127.0.0.1:${this.apiPort}`,
    };
    for (const [key, value] of Object.entries(values)) conf = conf.split(key).join(value);
    conf = conf.replace("size=16m;", `size=${ringSize};`);
    // The second site some tests visit (RawVisitor host "shop.example"): a name
    // the server serves, so the module records it as a host.
    conf = conf.replace("server_name localhost 127.0.0.1;", "server_name localhost 127.0.0.1 shop.example;");
    writeFileSync(join(this.dir, "nginx.conf"), conf);

    this.nginx = startChild(["/usr/sbin/nginx", "-p", this.dir, "-c", join(this.dir, "nginx.conf"),
                        "-e", join(this.dir, "error.log"), "-g", "daemon off;"], join(this.dir, "nginx.out"));
    await until("nginx", async () => (await request(this.sitePort, "/style.css")).status === 200);
    this.onlookerdArgv = [
      env("ONLOOKER_ONLOOKERD"), "--ring", join(this.dir, "ring"), "--db", db ?? join(this.dir, "onlooker.db"),
      "--listen", `127.0.0.1:${this.apiPort}`, "--active-window", String(activeWindow),
      "--push-interval", "200", "--geoip", env("ONLOOKER_GEOIP"),
      "--ua-regexes", env("ONLOOKER_UAP_REGEXES"), ...onlookerdArgs,
      // Like scripts/run.sh: a developer's stack, open through its own nginx.
      ...(onlookerdArgs.includes("--token") ? [] : ["--open"]),
    ];
    await this.startOnlookerd();
  }

  get siteUrl() { return `http://127.0.0.1:${this.sitePort}`; }
  get dashboardUrl() { return `${this.siteUrl}/onlooker/`; }

  async startOnlookerd() {
    this.onlookerd = startChild(this.onlookerdArgv, join(this.dir, "onlookerd.log"));
    await until("onlookerd", async () => (await request(this.apiPort, "/healthz")).status === 200);
  }

  // SIGTERM: onlookerd drains, commits and exits 0.
  async stopOnlookerd() {
    const child = this.onlookerd;
    this.onlookerd = null;
    await stopChild(child, "SIGTERM");
    return child.exitCode;
  }

  // The live snapshot, straight from onlookerd.
  async live(host = "") {
    const response = await request(this.apiPort, `/api/live${host ? `?host=${encodeURIComponent(host)}` : ""}`);
    return JSON.parse(response.body);
  }

  log(name) {
    try {
      return readFileSync(join(this.dir, name), "utf8");
    } catch {
      return "";
    }
  }

  async stop() {
    await stopChild(this.onlookerd, "SIGTERM");
    await stopChild(this.nginx, "SIGQUIT");
    if (process.env.ONLOOKER_KEEP_TEMP !== "1") rmSync(this.dir, { recursive: true, force: true });
  }
}
