/**
 * SCAN-family cursors. A cursor names a live JS iterator over the collection (Map and Set
 * iterators tolerate inserts and deletes), which gives SCAN's guarantee: every element
 * present for the whole iteration is returned. Cursors are `serial × 2^21 + position`, so a
 * cursor whose iterator was evicted (more than 1,000 scans in flight) resumes by position.
 * Small collections answer in one page with cursor 0, as Redis does for listpack/intset
 * encodings.
 */
import { Buffer } from "node:buffer";
import { fail, SYNTAX } from "./errors";
import { globMatch } from "./glob";
import { int } from "./numbers";
import { is } from "./bytes";

const POS_BITS = 2 ** 21;
const MAX_CURSORS = 1000;

interface Open {
  readonly iterator: Iterator<string>;
  position: number;
}

export interface ScanOptions {
  count: number;
  match: Buffer | undefined;
  type: Buffer | undefined;
}

export class Cursors {
  private readonly open = new Map<number, Open>();
  private serial = 1;

  /** One page of at most ~`count` identities of `keys()` starting at `cursor`. */
  page(keys: () => Iterator<string>, cursor: number, count: number): { next: number; items: string[] } {
    let entry = cursor === 0 ? undefined : this.open.get(cursor);
    this.open.delete(cursor);
    if (!entry) {
      const iterator = keys();
      const skip = cursor === 0 ? 0 : cursor % POS_BITS;
      for (let i = 0; i < skip; i++) if (iterator.next().done) break;
      entry = { iterator, position: skip };
    }
    const items: string[] = [];
    for (let i = 0; i < count; i++) {
      const next = entry.iterator.next();
      if (next.done) return { next: 0, items };
      items.push(next.value);
      entry.position++;
    }
    const id = (this.serial++ % 2 ** 31) * POS_BITS + Math.min(entry.position, POS_BITS - 1);
    this.open.set(id, entry);
    if (this.open.size > MAX_CURSORS) this.open.delete(this.open.keys().next().value!);
    return { next: id, items };
  }
}

/** Parses a cursor like Redis (unsigned integer) or `ERR invalid cursor`. */
export function parseCursor(arg: Buffer): number {
  const s = arg.toString("latin1");
  if (!/^[0-9]+$/.test(s) || s.length > 20) fail("ERR invalid cursor");
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : 0;
}

/** Parses `[MATCH p] [COUNT n] [TYPE t]` from `argv[from]`. */
export function parseScanOptions(argv: readonly Buffer[], from: number, allowType: boolean): ScanOptions {
  const options: ScanOptions = { count: 10, match: undefined, type: undefined };
  for (let i = from; i < argv.length; i += 2) {
    const arg = argv[i]!;
    const hasValue = i + 1 < argv.length;
    if (is(arg, "count") && hasValue) {
      options.count = int(argv[i + 1]);
      if (options.count < 1) fail(SYNTAX);
    } else if (is(arg, "match") && hasValue) {
      options.match = argv[i + 1]!;
    } else if (allowType && is(arg, "type") && hasValue) {
      options.type = argv[i + 1]!;
    } else {
      fail(SYNTAX);
    }
  }
  return options;
}

/** True when the identity passes MATCH. */
export function matches(options: ScanOptions, identity: string): boolean {
  if (!options.match) return true;
  const m = options.match;
  if (m.length === 1 && m[0] === 42) return true;
  return globMatch(m, Buffer.from(identity, "latin1"));
}
