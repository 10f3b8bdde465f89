/**
 * SORT key [BY pattern] [LIMIT offset count] [GET pattern …] [ASC|DESC] [ALPHA] [STORE dest]
 * and SORT_RO, following Redis 7.0's sort.c step for step: option parsing and its errors,
 * `BY` without `*` = no sorting (lists and sorted sets keep their order, sets are sorted ALPHA
 * when storing), `*` patterns with `->field` hash lookups, `GET #`, numeric weights parsed as
 * C's strtod (one that is not a number answers "One or more scores can't be converted into
 * double"), ties broken by the elements' bytes, LIMIT clamped as Redis, STORE writing a list
 * (or deleting the destination when empty). ALPHA compares bytes, which is Redis's strcoll
 * under a C or C.UTF-8 locale. Elements whose ALPHA BY values tie come out in Redis's order
 * (its pqsort with a LIMIT, else a stable sort as glibc's qsort) given the same input order; a
 * set's or sorted set's input order is its insertion order, where Redis's is its hash table's.
 */
import { Buffer } from "node:buffer";
import { bytes } from "../bytes";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { Deque } from "../deque";
import { fail, NOT_INTEGER, SYNTAX, WRONGTYPE } from "../errors";
import { pqsort } from "../pqsort";
import type { Reply } from "../protocol";
import { notify, NOTIFY_GENERIC, NOTIFY_LIST } from "../notify";

interface Item {
  readonly obj: Buffer;
  score: number;
  /** The BY value for ALPHA with BY; undefined when the BY key is missing. */
  cmp: Buffer | undefined;
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/** C's strtod on the whole string: the number, or undefined where Redis reports a conversion error. Empty → 0. */
export function strtod(b: Buffer): number | undefined {
  if (b.length === 0) return 0;
  let i = 0;
  while (i < b.length && isSpace(b[i]!)) i++;
  const text = b.toString("latin1", i);
  const dec = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text);
  if (dec) {
    const n = Number(text);
    // ERANGE: overflow to ±HUGE_VAL, or underflow to zero / a subnormal.
    if (!Number.isFinite(n)) return undefined;
    if (Math.abs(n) < 2.2250738585072014e-308 && /[1-9]/.test(text.split(/[eE]/)[0]!)) return undefined;
    return n;
  }
  const inf = /^([+-]?)inf(inity)?$/i.exec(text);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(text);
  if (hex && (hex[2]! + (hex[3] ?? "")).length > 0) {
    const digits = hex[2]! + (hex[3] ?? "");
    let n = 0;
    for (const d of digits) n = n * 16 + parseInt(d, 16);
    n *= 2 ** (Number(hex[4] ?? 0) - 4 * (hex[3]?.length ?? 0));
    if (!Number.isFinite(n)) return undefined;
    return hex[1] === "-" ? -n : n;
  }
  return undefined; // nan, or trailing bytes
}

/** Redis's lookupKeyByPattern: `#` is the element; the first `*` takes the element; `->field` after it reads a hash field. */
function lookupByPattern(ctx: Ctx, pattern: Buffer, element: Buffer): Buffer | undefined {
  if (pattern.length === 1 && pattern[0] === 35) return element;
  const star = pattern.indexOf(42);
  if (star < 0) return undefined;
  const arrow = pattern.indexOf("->", star + 1, "latin1");
  const field = arrow >= 0 && arrow + 2 < pattern.length ? pattern.subarray(arrow + 2) : undefined;
  const end = field ? arrow : pattern.length;
  const key = Buffer.concat([pattern.subarray(0, star), element, pattern.subarray(star + 1, end)]).toString("latin1");
  const value = ctx.db.lookup(key);
  if (!value) return undefined;
  if (field) return value.type === "hash" ? value.v.get(field.toString("latin1")) : undefined;
  return value.type === "string" ? value.v : undefined;
}

function integer(arg: Buffer): number {
  const text = arg.toString("latin1");
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) fail(NOT_INTEGER);
  return Number(text);
}

function sort(readonly: boolean) {
  return (ctx: Ctx): Reply => {
    const argv = ctx.argv;
    let desc = false;
    let alpha = false;
    let limitStart = 0;
    let limitCount = -1;
    let dontsort = false;
    let sortby: Buffer | undefined;
    let store: string | undefined;
    const gets: Buffer[] = [];
    for (let j = 2; j < argv.length; j++) {
      const left = argv.length - j - 1;
      const opt = argv[j]!.toString("latin1").toLowerCase();
      if (opt === "asc") desc = false;
      else if (opt === "desc") desc = true;
      else if (opt === "alpha") alpha = true;
      else if (opt === "limit" && left >= 2) {
        limitStart = integer(argv[j + 1]!);
        limitCount = integer(argv[j + 2]!);
        j += 2;
      } else if (!readonly && opt === "store" && left >= 1) store = keyAt(ctx, ++j);
      else if (opt === "by" && left >= 1) {
        sortby = argv[++j]!;
        dontsort = !sortby.includes(42);
      } else if (opt === "get" && left >= 1) gets.push(argv[++j]!);
      else fail(SYNTAX);
    }
    const source = ctx.db.lookup(keyAt(ctx, 1));
    if (source && source.type !== "set" && source.type !== "list" && source.type !== "zset") fail(WRONGTYPE);
    // A set has no order of its own: sorted ALPHA when the result is stored (or in a script), as Redis.
    if (dontsort && source?.type === "set" && (store !== undefined || ctx.inScript)) {
      dontsort = false;
      alpha = true;
      sortby = undefined;
    }
    const size = !source ? 0 : source.type === "list" ? source.v.length : source.v.size;
    let start = limitStart < 0 ? 0 : limitStart;
    let end = limitCount < 0 ? size - 1 : start + limitCount - 1;
    if (start >= size) {
      start = size - 1;
      end = size - 2;
    }
    if (end >= size) end = size - 1;
    let items: Item[];
    const item = (obj: Buffer): Item => ({ obj, score: 0, cmp: undefined });
    if (source && dontsort && (source.type === "list" || source.type === "zset")) {
      // Native order, only the LIMIT range (from the end for DESC).
      const all: Buffer[] = source.type === "list" ? source.v.toArray() : [...source.v.entries()].map((n) => bytes(n.member));
      if (desc) all.reverse();
      items = end >= start ? all.slice(start, end + 1).map(item) : [];
      end -= start;
      start = 0;
    } else if (!source) items = [];
    else if (source.type === "list") items = source.v.toArray().map(item);
    else if (source.type === "set") items = [...source.v].map((m) => item(bytes(m)));
    else items = [...source.v.scores.keys()].map((m) => item(bytes(m)));
    let conversionError = false;
    if (!dontsort) {
      for (const it of items) {
        const by = sortby ? lookupByPattern(ctx, sortby, it.obj) : it.obj;
        if (by === undefined) continue;
        if (alpha) {
          if (sortby) it.cmp = by;
        } else {
          const score = strtod(by);
          if (score === undefined) conversionError = true;
          else it.score = score;
        }
      }
      const byPattern = sortby !== undefined;
      const compare = (x: Item, y: Item) => {
        let cmp: number;
        if (!alpha) cmp = x.score > y.score ? 1 : x.score < y.score ? -1 : Buffer.compare(x.obj, y.obj);
        else if (byPattern) cmp = !x.cmp || !y.cmp ? (x.cmp === y.cmp ? 0 : !x.cmp ? -1 : 1) : Buffer.compare(x.cmp, y.cmp);
        else cmp = Buffer.compare(x.obj, y.obj);
        return desc ? -cmp : cmp;
      };
      // As Redis: its partial quicksort with BY and a LIMIT, else libc's qsort (glibc's is a stable merge sort, as Array.sort).
      if (byPattern && (start !== 0 || end !== items.length - 1)) pqsort(items, compare, start, end);
      else items.sort(compare);
    }
    if (conversionError) fail("ERR One or more scores can't be converted into double");
    const out: Array<Buffer | null> = [];
    for (let j = start; j <= end; j++) {
      const obj = items[j]!.obj;
      if (gets.length === 0) out.push(obj);
      for (const pattern of gets) out.push(lookupByPattern(ctx, pattern, obj) ?? (store !== undefined ? Buffer.alloc(0) : null));
    }
    if (store === undefined) return out;
    if (out.length > 0) {
      ctx.db.set(store, { type: "list", v: new Deque(out as Buffer[]) });
      ctx.db.ready(store);
      notify(ctx, NOTIFY_LIST, "sortstore", store);
    } else if (ctx.db.delete(store)) notify(ctx, NOTIFY_GENERIC, "del", store);
    return out.length;
  };
}

export const sortCommands = [command("sort", -2, sort(false)), command("sort_ro", -2, sort(true))];
