/**
 * The journal's file (`journal: { path }`): JSON lines, one per journaled operation
 * (`{"op": …}`) and one per operation done with (`{"done": id}`: confirmed by Redis, lost to a
 * newer write, or dropped by the overflow policy). Lines are appended with a synchronous write
 * before the call that journaled the operation resolves, so a write survives a crash of the
 * process (not of the machine: no fsync). The file is rewritten (write + rename) with only the
 * pending operations when it holds many finished ones, and truncated when nothing is pending.
 * One process per file: two processes appending to one file would replay each other's writes.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Operation } from "./wire";

export class JournalFile {
  /** Finished lines in the file (a rewrite drops them). */
  private finished = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** The operations in the file not yet finished, in the order they were journaled. A torn last line (a crash mid-append) is ignored. */
  load(): Operation[] {
    if (!existsSync(this.path)) return [];
    const pending = new Map<string, Operation>();
    const text = readFileSync(this.path, "utf8");
    for (const line of text.split("\n")) {
      if (line === "") continue;
      let entry: { op?: Operation; done?: string };
      try {
        entry = JSON.parse(line) as { op?: Operation; done?: string };
      } catch {
        continue;
      }
      if (entry.op) pending.set(entry.op.id, entry.op);
      else if (entry.done !== undefined) {
        pending.delete(entry.done);
        this.finished++;
      }
    }
    const ops = [...pending.values()];
    // A torn last line would swallow the next line appended to it: start from a clean file.
    if (text !== "" && !text.endsWith("\n")) this.rewrite(ops);
    return ops;
  }

  append(op: Operation): void {
    appendFileSync(this.path, `${JSON.stringify({ op })}\n`);
  }

  /** Records that `ids` are finished; `pending` (what remains) is written out instead when the file is mostly finished lines. */
  finish(ids: readonly string[], pending: () => readonly Operation[]): void {
    if (ids.length === 0) return;
    const left = pending();
    if (left.length === 0) {
      writeFileSync(this.path, "");
      this.finished = 0;
      return;
    }
    this.finished += ids.length;
    if (this.finished > 1000 && this.finished > 2 * left.length) this.rewrite(left);
    else appendFileSync(this.path, ids.map((done) => `${JSON.stringify({ done })}\n`).join(""));
  }

  /** Replaces the file with `ops` (a temporary file renamed over it: never half written). */
  rewrite(ops: readonly Operation[]): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, ops.map((op) => `${JSON.stringify({ op })}\n`).join(""));
    renameSync(tmp, this.path);
    this.finished = 0;
  }
}
