/**
 * Issue 17 (Redis's tracking.tcl "Tracking gets notification on tracking table key eviction"):
 * `tracking-table-max-keys` through CONFIG against a private redis-server 7.0 and `narwhal
 * serve`'s engine: once the table holds more keys than the limit, keys are forgotten — each
 * invalidated for its reader, NOLOOP or not — even while every client is idle (Redis's cron).
 * Redis picks the keys at random: the test compares how many go and that each is one that was read.
 * INFO stats `tracking_total_keys`/`_items`/`_prefixes` (tracking.tcl "Tracking info is correct",
 * "Test ASYNC flushall") are compared the same way.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServePair } from "../support/serve-vs-redis";
import { hasRedisServer } from "../support/servers";

async function scenario(port: number): Promise<unknown[]> {
  const open = () => new Redis({ port, host: "127.0.0.1", protocol: 2, maxRetriesPerRequest: 0 } as never);
  const [inv, r] = [open(), open()];
  const messages: string[][] = [];
  inv.on("message", (_channel: string, message: unknown) => messages.push(([] as string[]).concat(message as string[])));
  const invId = Number(await inv.call("client", "id"));
  await inv.subscribe("__redis__:invalidate");
  const out: unknown[] = [];
  try {
    out.push(await r.call("config", "get", "tracking-table-max-keys"));
    out.push(await r.call("config", "set", "tracking-table-max-keys", "-1").catch((e: Error) => e.message));
    await r.call("client", "tracking", "on", "redirect", String(invId), "noloop");
    await r.mset("tl:1", "1", "tl:2", "2", "tl:3", "3");
    await r.mget("tl:1", "tl:2", "tl:3");
    out.push(await r.call("config", "set", "tracking-table-max-keys", "1"));
    for (let i = 0; i < 40 && messages.length < 2; i++) await new Promise((done) => setTimeout(done, 50)); // idle: the cron evicts
    await new Promise((done) => setTimeout(done, 300));
    const keys = messages.flat();
    out.push(messages.length, keys.every((k) => ["tl:1", "tl:2", "tl:3"].includes(k)), new Set(keys).size);
    // The key still tracked is invalidated by a write as usual; the forgotten ones are not again.
    messages.length = 0;
    await r.call("config", "set", "tracking-table-max-keys", "0");
    const other = open();
    await other.mset("tl:1", "x", "tl:2", "x", "tl:3", "x");
    other.disconnect();
    await new Promise((done) => setTimeout(done, 200));
    out.push(messages.length, messages.flat().filter((k) => !keys.includes(k)).length); // the one left, not a forgotten one
    await r.call("config", "set", "tracking-table-max-keys", "1000000");
  } finally {
    inv.disconnect();
    r.disconnect();
  }
  return out;
}

async function counts(port: number): Promise<string[][]> {
  const open = () => new Redis({ port, host: "127.0.0.1", protocol: 2, maxRetriesPerRequest: 0 } as never);
  const [r, b, w] = [open(), open(), open()];
  const read = async () => String(await w.info("stats")).split("\r\n").filter((l) => l.startsWith("tracking_total_"));
  const out: string[][] = [];
  try {
    await w.flushall();
    await w.mset("key1", "1", "key2", "2");
    out.push(await read());
    await r.call("client", "tracking", "on");
    await r.get("key1");
    await r.get("key2");
    await r.get("key2");
    await b.call("client", "tracking", "on", "bcast", "prefix", "prefix:", "prefix", "p2:");
    out.push(await read());
    await w.set("key1", "x");
    out.push(await read());
    await w.call("flushall", "async");
    out.push(await read());
  } finally {
    for (const c of [r, b, w]) c.disconnect();
  }
  return out;
}

describe.skipIf(!hasRedisServer())("tracking-table-max-keys vs redis-server 7.0", () => {
  const pair = new ServePair();
  beforeAll(() => pair.start());
  afterAll(() => pair.stop());

  it("over the limit, keys are forgotten and invalidated while the server is idle", async () => {
    const expected = await scenario(pair.port("redis"));
    const ours = await scenario(pair.port("serve"));
    expect(ours).toEqual(expected);
    expect(expected.slice(3)).toEqual([2, true, 2, 1, 1]) // two forgotten keys; then one invalidation: the key still tracked;
  }, 30_000);

  it("INFO stats tracking_total_keys, _items and _prefixes", async () => {
    const expected = await counts(pair.port("redis"));
    expect(await counts(pair.port("serve"))).toEqual(expected);
    expect(expected[1]).toEqual(["tracking_total_keys:2", "tracking_total_items:2", "tracking_total_prefixes:2"]);
  });
});
