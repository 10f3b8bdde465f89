/**
 * `db.synced()` (issue 13) while Redis is unreachable: writes wait in the journal (in memory or
 * in a file that outlives a crash), are replayed in order and once, lose or merge under the
 * conflict rule, and stay within `maxPending`; `close()` says what it could not send. A
 * Database whose client is disconnected stands for a process whose Redis is down, and one
 * dropped without `close()` for a process that crashed. The online semantics are in
 * synced.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { SyncJournalFullError } from "../../src/index";
import type { SyncedSettled } from "../../src/index";
import { describeBackends } from "../support/backends";
import type { Settings } from "../support/synced-fixture";
import { syncedFixture, unique, until } from "../support/synced-fixture";

const dir = mkdtempSync(join(tmpdir(), "narwhal-synced-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeBackends("db.synced(): offline writes and the journal", (ctx) => {
  const { otherDb, open, cut } = syncedFixture(ctx);

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

}, { requires: ["tracking"] });
