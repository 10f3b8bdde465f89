/**
 * `db.synced()` (issue 13): the semantics, on standalone, cluster and the embedded engine.
 * A second Database on a client of its own stands for another process; a Database whose
 * client is disconnected stands for a process whose Redis is down, and one that is dropped
 * without `close()` for a process that crashed (its journal file is all that is left).
 */
import { keySlot } from "../../src/slot";
import { expect, it } from "vitest";
import { Database } from "../../src/database";
import type { ClientLike } from "../../src/client";
import type { Command } from "../../src/command";
import type { SyncedChange, SyncedSettled } from "../../src/index";
import { describeBackends } from "../support/backends";
import type { Settings } from "../support/synced-fixture";
import { syncedFixture, unique, until } from "../support/synced-fixture";

describeBackends("db.synced()", (ctx) => {
  const { otherDb, open } = syncedFixture(ctx);

  it("reads are local and synchronous; writes reach other mirrors through invalidation; the raw layout is pinned", async () => {
    const { db, raw, prefix } = ctx();
    const name = unique("settings");
    const a = open(name);
    const b = open(name, {}, otherDb(), true);
    await Promise.all([a.ready(), b.ready()]);
    expect(b.status()).toMatchObject({ connected: true, stale: false, pending: 0, dropped: 0 });
    const seen: Array<SyncedChange<Settings>> = [];
    b.on("change", (c) => seen.push(c));
    const local: Array<SyncedChange<Settings>> = [];
    a.on("change", (c) => local.push(c));
    const write = a.set("theme", "dark");
    expect(a.get("theme")).toBe("dark"); // the mirror shows it at once
    expect(local).toEqual([{ key: "theme", value: "dark", source: "local" }]);
    await write;
    await a.update({ limits: { rpm: 60 }, n: 1 });
    await until(() => b.get("n") === 1, "b sees the update");
    expect(b.get("theme")).toBe("dark");
    expect(b.get("limits")).toEqual({ rpm: 60 });
    expect(seen.map((c) => [c.key, c.source])).toEqual([["theme", "remote"], ["limits", "remote"], ["n", "remote"]]);
    expect(typeof (b.get("theme") as unknown as { then?: unknown })?.then).toBe("undefined");
    await a.delete("theme");
    await until(() => !b.has("theme"), "b sees the delete");
    // Raw state: values, versions (the delete leaves a tombstone), counter and epoch, one hash tag.
    const keys = db.keys.synced(name);
    expect(keys.tag).toBe(`{${prefix}:sync:${name}}`);
    expect(await raw.call("hget", keys.data, "limits")).toBe('{"rpm":60}');
    expect(await raw.call("hexists", keys.data, "theme")).toBe(0);
    expect(await raw.call("zscore", keys.versions, "theme")).toBe("3");
    expect(await raw.call("zscore", keys.versions, "n")).toBe("2");
    expect(await raw.call("hget", keys.meta, "n")).toBe("3");
    expect(new Set([keys.data, keys.versions, keys.meta, keys.ops, keys.opTimes].map((k) => keySlot(k))).size).toBe(1);
    expect(b.keys().sort()).toEqual(["limits", "n"]);
    expect({ ...b.values }).toEqual({ limits: { rpm: 60 }, n: 1 });
  });

  it("values: attribute-style reads and writes (a typed Proxy)", async () => {
    const name = unique("values");
    const a = open(name);
    const b = open(name, {}, otherDb(), true);
    await Promise.all([a.ready(), b.ready()]);
    a.values.theme = "light";
    expect(a.values.theme).toBe("light");
    await a.flush();
    await until(() => b.values.theme === "light", "b sees the proxy write");
    delete a.values.theme;
    expect("theme" in a.values).toBe(false);
    await until(() => b.values.theme === undefined, "b sees the proxy delete");
    expect(() => {
      (a.values as Record<string, unknown>).n = 10n; // JSON cannot encode a bigint: the assignment throws
    }).toThrow();
  });

  it("a write is one sync-write script (one round trip), tagged with an operation id recorded by Redis", async () => {
    const { db, raw } = ctx();
    const name = unique("roundtrip");
    const a = open(name);
    await a.ready();
    const sent: string[] = [];
    const executor = db.executor as { run: <T>(c: Command<T>) => Promise<T> };
    const run = executor.run.bind(executor);
    executor.run = <T>(c: Command<T>) => {
      sent.push(c.script?.name ?? c.name);
      return run(c);
    };
    const settled: SyncedSettled[] = [];
    a.on("settled", (s) => settled.push(s));
    try {
      await a.update({ a: "1", b: "2" });
    } finally {
      executor.run = run;
    }
    // Reads of what changed (sync-pull, on the invalidation) are the mirror's, not the write's.
    expect(sent.filter((s) => s !== "sync-pull")).toEqual(["sync-write"]);
    expect(settled).toHaveLength(1);
    const { id, version } = settled[0]!;
    expect(settled[0]).toMatchObject({ keys: ["a", "b"], lost: [], duplicate: false, replayed: false });
    const keys = db.keys.synced(name);
    expect(await raw.call("hget", keys.ops, id)).toBe(`${version}|`);
    expect(await raw.call("zscore", keys.versions, "a")).toBe(String(version));
    expect(await raw.call("zscore", keys.versions, "b")).toBe(String(version));
  });

  it("get(key, { fresh: true }) re-reads from Redis", async () => {
    const name = unique("fresh");
    const a = open(name);
    await a.ready();
    const other = open(name, {}, otherDb(), true);
    await other.ready();
    await other.set("theme", "blue");
    expect(await a.get("theme", { fresh: true })).toBe("blue");
  });

  it("a namespace with a ttl expires as a whole, and the mirrors empty", async () => {
    const { db, raw } = ctx();
    const name = unique("conversation");
    const a = open(name, { ttl: 0.3 });
    const b = open(name, {}, otherDb(), true);
    await Promise.all([a.ready(), b.ready()]);
    await a.update({ theme: "x", n: 1 });
    const pttl = Number(await raw.call("pttl", db.keys.synced(name).data));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(300);
    await until(() => b.get("n") === 1, "b sees the write");
    await until(() => a.keys().length === 0 && b.keys().length === 0, "both mirrors empty after expiry", 5000);
  });

  it("bad input is a typed error", async () => {
    const a = open(unique("input"));
    expect(() => ctx().db.synced("")).toThrow(/name/);
    await expect(a.set("" as never, "x" as never)).rejects.toThrow(/key/);
    await expect(a.set("theme", undefined as never)).rejects.toThrow(/undefined/);
    expect(() => ctx().db.synced("x", { journal: { maxPending: 0 } })).toThrow(/maxPending/);
    expect(() => ctx().db.synced("x", { journal: { overflow: "later" as never } })).toThrow(/overflow/);
  });
}, { requires: ["tracking"] });

describeBackends(
  "db.synced(): stale while invalidations cannot be received, re-read on reconnect",
  (ctx) => {
    it("a write made while the invalidation connection is down reaches the mirror when it is back", async () => {
      const { db, backend, prefix, raw } = ctx();
      const name = unique("stale");
      const a = db.synced<Settings>(name);
      const otherDb = new Database(backend.client(), { prefix });
      const b = otherDb.synced<Settings>(name);
      await Promise.all([a.ready(), b.ready()]);
      type Observer = { invalidated(key: string | null): void; changed(state: string): void };
      const hub = (a as unknown as { hub: { coherence: { connectionInfo(): Array<{ id?: number; server: string }>; observers: Set<Observer> } } }).hub;
      const nodes = (raw as unknown as { nodes?: (r: string) => Array<ClientLike & { options: { host: string; port: number } }> }).nodes?.("master");
      // Kill the feed; on the first sign of it (the feed goes down: status stale) write from the
      // other process. Observed, not polled: a reconnect can end the stale spell within a poll.
      let wentDown = false;
      const observer: Observer = { invalidated: () => undefined, changed: (state) => void (wentDown ||= state !== "up") };
      hub.coherence.observers.add(observer);
      for (const { server, id } of hub.coherence.connectionInfo()) {
        const node = nodes ? nodes.find((n) => `${n.options.host}:${n.options.port}` === server)! : raw;
        await node.call("client", "kill", "id", id!);
      }
      await until(() => wentDown, "stale");
      hub.coherence.observers.delete(observer);
      await b.set("theme", "while-down");
      await until(() => a.get("theme") === "while-down" && !a.status().stale, "re-read on reconnect");
      await a.close();
      await b.close();
      await otherDb.close();
      otherDb.client.disconnect();
    });
  },
  { requires: ["connections", "tracking"] },
);
