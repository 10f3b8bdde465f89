/**
 * `db.synced()` pieces that need no server: the journal's bound and overflow policies, the
 * chaining of expectations when a write is dropped, the journal file (torn last line, done
 * lines, truncation), and which errors journal a write rather than reject it.
 */
import { mkdtempSync, readFileSync, rmSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { ConnectionError, ScriptError } from "../../src/errors";
import { SyncJournalFullError } from "../../src/sync/errors";
import { Journal } from "../../src/sync/journal";
import { JournalFile } from "../../src/sync/journal-file";
import { isUnavailable } from "../../src/sync/sync-writer";
import type { Operation } from "../../src/sync/wire";

const dir = mkdtempSync(join(tmpdir(), "narwhal-synced-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
function op(field: string, expect: Operation["fields"][number]["expect"] = { kind: "version", version: 0 }): Operation {
  return { id: `op${seq}`, seq: seq++, at: Date.now(), fields: [{ field, deleted: false, raw: `"${field}"`, expect }] };
}

it("reject: a write beyond maxPending (journaled plus in flight) is refused with a typed error", () => {
  const j = new Journal("ns", 2, "reject", undefined);
  j.admit();
  j.add(op("a"));
  j.admit(); // in flight
  expect(() => j.admit()).toThrow(SyncJournalFullError);
  j.release();
  j.admit();
  j.add(op("b"));
  expect(j.pending).toBe(2);
  expect(j.highWater).toBe(2);
});

it("drop-oldest: the oldest journaled write not being replayed goes; a write chained to it takes over its expectation", () => {
  const j = new Journal("ns", 2, "drop-oldest", undefined);
  const first = op("a", { kind: "version", version: 7 });
  j.admit();
  j.add(first);
  const second = op("a", { kind: "after", op: first.id });
  j.admit();
  j.add(second);
  const victim = j.admit();
  expect(victim?.id).toBe(first.id);
  expect(second.fields[0]!.expect).toEqual({ kind: "version", version: 7 });
  expect(j.dropped).toBe(1);
  expect(j.list().map((o) => o.id)).toEqual([second.id]);
  // Operations in a replay batch are never dropped.
  j.add(op("b"));
  j.take(2);
  expect(() => j.admit()).toThrow(/none of them droppable/);
});

it("the journal file keeps pending writes across a crash, ignores a torn last line, and empties when nothing is pending", () => {
  const path = join(dir, "j.jsonl");
  const file = new JournalFile(path);
  const j = new Journal("ns", 10, "reject", file);
  const a = op("a");
  const b = op("b");
  for (const o of [a, b]) {
    j.admit();
    j.add(o);
  }
  appendFileSync(path, '{"op":{"id":"torn'); // the process crashes mid-append
  // The next process: both writes are back; the torn line is gone, not glued to the next line.
  const reopened = new JournalFile(path);
  const next = new Journal("ns", 10, "reject", reopened);
  next.restore(reopened.load());
  expect(next.list().map((o) => o.id)).toEqual([a.id, b.id]);
  next.settle([a]);
  expect(new JournalFile(path).load().map((o) => o.id)).toEqual([b.id]);
  next.settle([b]);
  expect(readFileSync(path, "utf8")).toBe("");
});

it("a lost connection or a server refusing commands for a while journals a write; any other script error rejects it", () => {
  expect(isUnavailable(new ConnectionError("s", "gone"))).toBe(true);
  for (const reply of ["LOADING Redis is loading the dataset in memory", "BUSY Redis is busy running a script", "CLUSTERDOWN The cluster is down", "TRYAGAIN", "MASTERDOWN Link with MASTER is down", "READONLY You can't write against a read only replica."]) {
    expect(isUnavailable(new ScriptError("sync-write", reply, { cause: new Error(reply) }))).toBe(true);
  }
  expect(isUnavailable(new ScriptError("sync-write", "WRONGTYPE Operation against a key holding the wrong kind of value", { cause: new Error("WRONGTYPE Operation against a key") }))).toBe(false);
  expect(isUnavailable(new Error("bug"))).toBe(false);
});
