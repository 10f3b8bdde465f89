/**
 * `db.synced()` (issue 13): the semantics, on standalone, cluster and the embedded engine.
 * A second Database on a client of its own stands for another process; a Database whose
 * client is disconnected stands for a process whose Redis is down, and one that is dropped
 * without `close()` for a process that crashed (its journal file is all that is left).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import calculateSlot from "cluster-key-slot";
import { afterAll, expect, it } from "vitest";
import { Database } from "../../src/database";
import type { ClientLike } from "../../src/client";
import type { Command } from "../../src/command";
import { SyncJournalFullError } from "../../src/index";
import type { Synced, SyncedChange, SyncedSettled } from "../../src/index";
import { describeBackends } from "../support/backends";

type Settings = { theme: string; limits: { rpm: number }; n: number; a: string; b: string };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

const dir = mkdtempSync(join(tmpdir(), "narwhal-synced-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const unique = (base: string) => `${base}:${++counter}:${Math.random().toString(36).slice(2, 8)}`;

describeBackends("db.synced()", (ctx) => {
  const opened: Array<{ s: Synced<Settings>; db?: Database }> = [];
  afterAll(async () => {
    for (const { s, db } of opened) {
      await s.close();
      if (db) {
        await db.close();
        db.client.disconnect();
      }
    }
  });

  /** A Database on a client of its own (another process). */
  function otherDb(): Database {
    const { backend, prefix } = ctx();
    return new Database(backend.client(), { prefix });
  }
  function open(name: string, options: Parameters<Database["synced"]>[1] = {}, db = ctx().db, own = false): Synced<Settings> {
    const s = db.synced<Settings>(name, options as never);
    opened.push({ s, db: own ? db : undefined });
    return s;
  }
  /** Disconnects `db`'s client: Redis is now unreachable for it. */
  async function cut(db: Database): Promise<void> {
    db.client.disconnect();
    await until(() => db.client.status === "end" || db.client.status === "close", "client closed"); // a Cluster stays at "close"
  }

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
    expect(new Set([keys.data, keys.versions, keys.meta, keys.ops, keys.opTimes].map((k) => calculateSlot(k))).size).toBe(1);
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

  it("while Redis is unreachable, writes go to the journal (the call resolves, the mirror shows them) and survive a crash in the journal file", async () => {
    const name = unique("offline");
    const path = join(dir, `${name.replace(/:/g, "_")}.jsonl`);
    const online = open(name);
    await online.ready();
    await online.update({ theme: "dark", a: "x" });
    const crashed = otherDb();
    const c = crashed.synced<Settings>(name, { journal: { path }, timeout: 200 });
    await c.ready();
    expect(c.get("theme")).toBe("dark");
    await cut(crashed);
    const started = Date.now();
    await c.set("b", "offline"); // based on b: never written
    await c.set("theme", "offline-1"); // based on the version it saw
    await c.set("theme", "offline-2"); // chained to the previous one
    await c.set("a", "offline"); // will lose: another process writes `a` meanwhile
    expect(Date.now() - started).toBeLessThan(1000);
    expect(c.get("theme")).toBe("offline-2");
    expect(c.status()).toMatchObject({ connected: false, stale: true, pending: 4 });
    expect(c.status().oldestPendingMs).toBeGreaterThanOrEqual(0);
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(4);
    await online.set("a", "remote"); // newer than what the offline writer saw
    // The process "crashed" (never closed). A new one opens the namespace with its journal.
    const settled: SyncedSettled[] = [];
    const revived = open(name, { journal: { path } }, otherDb(), true);
    revived.on("settled", (s) => settled.push(s));
    expect(revived.get("theme")).toBe("offline-2"); // the journal is shown before Redis is even read
    await revived.ready();
    await revived.flush();
    expect(settled.map((s) => [s.replayed, s.lost])).toEqual([[true, []], [true, []], [true, []], [true, ["a"]]]);
    await until(() => revived.get("a") === "remote", "the lost write shows Redis's value");
    expect(revived.toObject()).toEqual({ theme: "offline-2", a: "remote", b: "offline" });
    await until(() => online.get("theme") === "offline-2" && online.get("b") === "offline", "online sees the replay");
    expect(online.get("a")).toBe("remote");
    expect(readFileSync(path, "utf8")).toBe(""); // nothing pending: the file is emptied
    expect(revived.status().pending).toBe(0);
    await crashed.close();
  });

  it("merge resolves a journaled write that lost", async () => {
    const name = unique("merge");
    const path = join(dir, `${name.replace(/:/g, "_")}.jsonl`);
    const online = open(name);
    await online.ready();
    await online.set("n", 1);
    const crashed = otherDb();
    const c = crashed.synced<Settings>(name, { journal: { path } });
    await c.ready();
    await cut(crashed);
    await c.set("n", c.get("n")! + 10); // offline: 11, based on version 1
    await online.set("n", 5); // meanwhile, online
    const revived = open(name, { journal: { path }, merge: (key, local, remote) => (key === "n" ? ((local as number) - 1 + (remote as number)) as never : local) }, otherDb(), true);
    await revived.ready();
    await revived.flush();
    await until(() => revived.get("n") === 15 && online.get("n") === 15, "the merged value everywhere");
    await crashed.close();
  });

  it("a replayed operation that Redis already applied is not applied again", async () => {
    const { db, raw } = ctx();
    const name = unique("idempotent");
    const path = join(dir, `${name.replace(/:/g, "_")}.jsonl`);
    const a = open(name);
    await a.ready();
    const settled: SyncedSettled[] = [];
    a.on("settled", (s) => settled.push(s));
    await a.set("n", 1);
    const { id, version } = settled[0]!;
    await a.set("n", 2);
    // The first write's reply was "lost" and it sits in a journal file: replaying it must do nothing.
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path, `${JSON.stringify({ op: { id, seq: 0, at: Date.now(), fields: [{ field: "n", deleted: false, raw: "1", expect: { kind: "version", version: 0 } }] } })}\n`);
    const replayed: SyncedSettled[] = [];
    const b = open(name, { journal: { path } }, otherDb(), true);
    b.on("settled", (s) => replayed.push(s));
    await b.ready();
    await b.flush();
    expect(replayed).toEqual([expect.objectContaining({ id, version, duplicate: true, replayed: true })]);
    expect(await raw.call("hget", db.keys.synced(name).meta, "n")).toBe("2");
    await until(() => b.get("n") === 2, "b shows the later write");
    expect(a.get("n")).toBe(2);
  });

  it("maxPending bounds the journal: reject (typed error) or drop the oldest (counted, announced, chain kept)", async () => {
    const name = unique("bound");
    const online = open(name);
    await online.ready();
    await online.set("a", "remote-a");
    const offline = otherDb();
    const r = offline.synced<Settings>(name, { journal: { maxPending: 2 } });
    const d = offline.synced<Settings>(name, { journal: { maxPending: 2, overflow: "drop-oldest" } });
    await Promise.all([r.ready(), d.ready()]);
    await cut(offline);
    await r.set("a", "1");
    await r.set("b", "2");
    await expect(r.set("theme", "3")).rejects.toBeInstanceOf(SyncJournalFullError);
    expect(r.get("theme")).toBeUndefined();
    expect(r.status()).toMatchObject({ pending: 2, dropped: 0 });
    const drops: unknown[] = [];
    d.on("drop", (x) => drops.push(x));
    await d.set("a", "1");
    await d.set("b", "1");
    await d.set("b", "2"); // drops `a` = 1: the mirror shows Redis's `a` again
    expect(d.get("a")).toBe("remote-a");
    expect(d.get("b")).toBe("2");
    expect(d.status()).toMatchObject({ pending: 2, dropped: 1 });
    expect(drops).toEqual([expect.objectContaining({ keys: ["a"] })]);
    await d.set("theme", "t"); // drops b = 1; b = 2 (chained to it) now expects what b = 1 expected
    expect(d.status()).toMatchObject({ pending: 2, dropped: 2 });
    expect(r.journalHighWater).toBeLessThanOrEqual(2);
    expect(d.journalHighWater).toBeLessThanOrEqual(2);
    await offline.close();
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

  it("close() flushes what it can and says what it could not", async () => {
    const name = unique("close");
    const a = open(name);
    await a.ready();
    await a.set("n", 1);
    expect(await a.close()).toEqual({ unsent: 0, journalPath: undefined });
    await expect(a.set("n", 2)).rejects.toThrow(/closed/);
    const offline = otherDb();
    const o = offline.synced<Settings>(name, { timeout: 100 });
    await o.ready();
    await cut(offline);
    await o.set("n", 3);
    expect(await o.close()).toEqual({ unsent: 1, journalPath: undefined });
    await offline.close();
  });

  it("bad input is a typed error", async () => {
    const a = open(unique("input"));
    expect(() => ctx().db.synced("")).toThrow(/name/);
    await expect(a.set("" as never, "x" as never)).rejects.toThrow(/key/);
    await expect(a.set("theme", undefined as never)).rejects.toThrow(/undefined/);
    expect(() => ctx().db.synced("x", { journal: { maxPending: 0 } })).toThrow(/maxPending/);
    expect(() => ctx().db.synced("x", { journal: { overflow: "later" as never } })).toThrow(/overflow/);
  });
});

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
  { requires: ["connections"] },
);
