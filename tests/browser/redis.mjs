// A real redis-server (Debian's) for the cluster tests, as
// tests/support/redis_server.cpp starts one: a free loopback port, no
// persistence, a temp dir; stopped by pid, restartable on the same port.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startChild, stopChild, until } from "./stack.mjs";

export class RedisServer {
  static async start() {
    const redis = new RedisServer();
    redis.dir = mkdtempSync(join(tmpdir(), "onlooker-redis-"));
    redis.port = await freePort();
    await redis.restart();
    return redis;
  }

  get url() { return `redis://127.0.0.1:${this.port}`; }

  // Starts it (again, on the same port) and waits until it answers PING.
  async restart() {
    this.server = startChild(["redis-server", "--port", String(this.port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", this.dir],
                             join(this.dir, "redis.log"));
    await until("redis-server", () =>
      execFileSync("redis-cli", ["-p", String(this.port), "ping"], { encoding: "utf8" }).trim() === "PONG");
  }

  // SIGKILL: gone at once, as a crash.
  async kill() {
    const server = this.server;
    this.server = null;
    await stopChild(server, "SIGKILL");
  }

  async stop() {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
