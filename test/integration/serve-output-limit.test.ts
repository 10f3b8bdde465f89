/**
 * Issue 17: the `normal` class of `client-output-buffer-limit` (the pubsub class is in
 * serve-hostile.test.ts). A client pipelining GETs of a 100 KB value without reading its
 * replies is disconnected once its pending output passes the hard limit, by `narwhal serve`
 * as by redis-server 7.0 started with the same option; the server's memory stays bounded
 * (its resident set grows by far less than the 200 MB of replies asked for) and it serves
 * the other clients. A soft limit alone closes it after its seconds over it, as Redis's does. Without a limit (Redis's default `normal 0 0 0`), narwhal serve stops
 * reading from such a client instead, so its memory stays bounded too.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { hasRedisServer, startStandalone } from "../support/servers";
import { cmd, raw, startServe } from "../support/serve-process";

const noRedis = hasRedisServer() ? undefined : "no redis-server on PATH";
const LIMIT = ["--client-output-buffer-limit", "normal 1mb 0 0"];
const VALUE = "v".repeat(100 * 1024);
const GETS = 2000; // 200 MB of replies

/** Resident set of a process in bytes (Linux /proc). */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m![1]) * 1024;
}

/** Pipelines GETs of the big value without reading (100 every `pauseMs`); resolves with whether the server closed the connection (within `ms`). */
async function flood(port: number, ms: number, pauseMs = 5): Promise<boolean> {
  const setup = raw(port);
  setup.send(cmd("SET", "big", VALUE));
  expect(await setup.read(5)).toBe("+OK\r\n");
  setup.socket.destroy();
  const c = raw(port);
  c.socket.pause(); // never reads: the kernel's buffers fill, then the server's
  let closed = false;
  void c.closed.then(() => (closed = true));
  const get = cmd("GET", "big");
  for (let i = 0; i < GETS && !closed; i += 100) {
    c.send(get.repeat(100));
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  const deadline = Date.now() + ms;
  while (!closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  c.socket.destroy();
  return closed;
}

async function servesOthers(port: number): Promise<string> {
  const c = raw(port);
  c.send(cmd("STRLEN", "big"));
  const out = await c.read(8);
  c.socket.destroy();
  return out;
}

describe("client-output-buffer-limit normal <hard>: a client that pipelines without reading", () => {
  const stops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    await Promise.all(stops.map((s) => s()));
  });

  it("narwhal serve --client-output-buffer-limit 'normal 1mb 0 0' disconnects it, memory bounded", async () => {
    const serve = await startServe(LIMIT);
    stops.push(() => serve.stop());
    const before = rss(serve.child.pid!);
    expect(await flood(serve.port, 10_000)).toBe(true);
    expect(rss(serve.child.pid!) - before).toBeLessThan(100 * 1024 * 1024);
    expect(serve.log()).toContain("scheduled to be closed ASAP for overcoming of output buffer limits");
    expect(await servesOthers(serve.port)).toBe(":102400\r\n");
  });

  it.skipIf(noRedis !== undefined)(`redis-server --client-output-buffer-limit 'normal 1mb 0 0' disconnects it too${noRedis ? ` (not run: ${noRedis})` : ""}`, async () => {
    const server = await startStandalone(LIMIT);
    stops.push(() => server.stop());
    expect(await flood(server.port, 10_000)).toBe(true);
    expect(await servesOthers(server.port)).toBe(":102400\r\n");
  });

  for (const side of ["narwhal", "redis"] as const) {
    it.skipIf(side === "redis" && noRedis !== undefined)(`${side}: a soft limit alone ('normal 0 1mb 1') closes it after a second over it`, async () => {
      const args = ["--client-output-buffer-limit", "normal 0 1mb 1"];
      let port: number;
      if (side === "narwhal") {
        const serve = await startServe(args);
        stops.push(() => serve.stop());
        port = serve.port;
      } else {
        const server = await startStandalone(args);
        stops.push(() => server.stop());
        port = server.port;
      }
      const started = Date.now();
      expect(await flood(port, 10_000, 400)).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(await servesOthers(port)).toBe(":102400\r\n");
    });
  }

  it("without a limit (normal 0 0 0), narwhal serve keeps the client but stops reading from it: memory bounded", async () => {
    const serve = await startServe([]);
    stops.push(() => serve.stop());
    const before = rss(serve.child.pid!);
    expect(await flood(serve.port, 1_000)).toBe(false);
    expect(rss(serve.child.pid!) - before).toBeLessThan(100 * 1024 * 1024);
    expect(await servesOthers(serve.port)).toBe(":102400\r\n");
  });
});
