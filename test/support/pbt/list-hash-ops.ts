/**
 * Generated RList, RHash operations for the model-based API test, each with its oracle twin:
 * a JS array with `Array.prototype` semantics, a Map, and the counter hash opened with both
 * `codecs.integer` (HINCRBY) and `codecs.number` (HINCRBYFLOAT) on one key.
 */
import fc from "fast-check";
import { codecs } from "../../../src/index";
import type { RHash, RList, Scope } from "../../../src/index";
import type { Oracle, Op, Queued, World } from "./core";
import { expectError, expectValue, lit, op, poisoned, resolves, tagged } from "./core";

export const LISTS = ["l1", "l2"] as const;
const VALUES = ["a", "b", "", "🍕"];
const LONE = "\ud800";

const listName = fc.constantFrom(...LISTS);
const value = fc.constantFrom(...VALUES);
const values = fc.array(value, { minLength: 1, maxLength: 4 });
const index = fc.oneof({ weight: 12, arbitrary: fc.integer({ min: -3, max: 3 }) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 31, -(2 ** 32), 2 ** 53 - 1) });
const bound = fc.option(fc.integer({ min: -4, max: 4 }), { nil: undefined });
const args = (xs: readonly unknown[]) => xs.map(lit).join(", ");

function listOp(name: string, call: string, plan: (l: string[], o: Oracle) => Queued, issue: (l: RList<string>, s: Scope) => Promise<unknown>, touches: string[] = []): Op {
  return op(`list(${lit(name)}).${call}`, "container", [`list:${name}`, ...touches], (o) => plan(o.list(name), o), (_w: World, s) => issue(s.list(tagged(name)), s));
}

/** LREM semantics: count > 0 from the head, < 0 from the tail, 0 all. */
function lrem(l: string[], v: string, count: number): number {
  let removed = 0;
  if (count >= 0) {
    for (let i = 0; i < l.length && (count === 0 || removed < count); ) {
      if (l[i] === v) {
        l.splice(i, 1);
        removed++;
      } else i++;
    }
  } else {
    for (let i = l.length - 1; i >= 0 && removed < -count; i--) {
      if (l[i] === v) {
        l.splice(i, 1);
        removed++;
      }
    }
  }
  return removed;
}

function absolute(l: readonly unknown[], i: number): number | undefined {
  const j = i < 0 ? i + l.length : i;
  return j >= 0 && j < l.length ? j : undefined;
}

const push = fc.tuple(listName, values).map(([n, vs]) => listOp(n, `push(${args(vs)})`, (l) => resolves(() => l.push(...vs)), (l) => l.push(...vs)));
const unshift = fc.tuple(listName, values).map(([n, vs]) => listOp(n, `unshift(${args(vs)})`, (l) => resolves(() => l.unshift(...vs)), (l) => l.unshift(...vs)));

export const listOps: Array<fc.Arbitrary<Op>> = [
  push,
  push,
  unshift,
  unshift,
  listName.map((n) => listOp(n, "pop()", (l) => resolves(() => l.pop()), (l) => l.pop())),
  listName.map((n) => listOp(n, "shift()", (l) => resolves(() => l.shift()), (l) => l.shift())),
  fc.tuple(listName, index).map(([n, i]) => listOp(n, `at(${i})`, (l) => resolves(() => l.at(i)), (l) => l.at(i))),
  fc.tuple(listName, index, value).map(([n, i, v]) =>
    listOp(
      n,
      `set(${i}, ${lit(v)})`,
      (l) => ({
        exec: (actual) => {
          const j = absolute(l, i);
          if (j === undefined) return expectError(actual, "IndexOutOfRangeError");
          l[j] = v;
          return expectValue(actual, undefined);
        },
      }),
      (l) => l.set(i, v),
    ),
  ),
  fc.tuple(listName, bound, bound).map(([n, a, b]) => listOp(n, `slice(${lit(a)}, ${lit(b)})`, (l) => resolves(() => l.slice(a, b)), (l) => l.slice(a, b))),
  listName.map((n) => listOp(n, "size()", (l) => resolves(() => l.length), (l) => l.size())),
  fc.tuple(listName, value).map(([n, v]) => listOp(n, `indexOf(${lit(v)})`, (l) => resolves(() => l.indexOf(v)), (l) => l.indexOf(v))),
  fc.tuple(listName, value).map(([n, v]) => listOp(n, `lastIndexOf(${lit(v)})`, (l) => resolves(() => l.lastIndexOf(v)), (l) => l.lastIndexOf(v))),
  fc.tuple(listName, value).map(([n, v]) => listOp(n, `includes(${lit(v)})`, (l) => resolves(() => l.includes(v)), (l) => l.includes(v))),
  fc.tuple(listName, value, fc.integer({ min: -2, max: 2 })).map(([n, v, c]) => listOp(n, `remove(${lit(v)}, ${c})`, (l) => resolves(() => lrem(l, v, c)), (l) => l.remove(v, c))),
  fc.tuple(listName, index).map(([n, i]) =>
    listOp(
      n,
      `removeAt(${i})`,
      (l) =>
        resolves(() => {
          const j = absolute(l, i);
          return j === undefined ? undefined : l.splice(j, 1)[0];
        }),
      (l) => l.removeAt(i),
    ),
  ),
  fc.tuple(listName, fc.boolean(), value, value).map(([n, before, pivot, v]) =>
    listOp(
      n,
      `${before ? "insertBefore" : "insertAfter"}(${lit(pivot)}, ${lit(v)})`,
      (l) =>
        resolves(() => {
          const j = l.indexOf(pivot);
          if (j < 0) return -1;
          l.splice(before ? j : j + 1, 0, v);
          return l.length;
        }),
      (l) => (before ? l.insertBefore(pivot, v) : l.insertAfter(pivot, v)),
    ),
  ),
  fc.tuple(listName, index, bound).map(([n, a, b]) =>
    listOp(n, `trim(${a}, ${lit(b)})`, (l) => resolves(() => void l.splice(0, l.length, ...l.slice(a, b))), (l) => l.trim(a, b)),
  ),
  fc.tuple(listName, listName, fc.constantFrom("head", "tail" as const), fc.constantFrom("head", "tail" as const)).map(([n, d, from, to]) =>
    listOp(
      n,
      `move(${lit(tagged(d))}, { from: ${lit(from)}, to: ${lit(to)} })`,
      (l, o) =>
        resolves(() => {
          if (l.length === 0) return undefined;
          const e = from === "tail" ? l.pop()! : l.shift()!;
          const dst = o.list(d);
          if (to === "head") dst.unshift(e);
          else dst.push(e);
          return e;
        }),
      (l) => l.move(tagged(d), { from, to }),
      [`list:${d}`],
    ),
  ),
  listName.map((n) => listOp(n, "toArray()", (l) => resolves(() => [...l]), (l) => l.toArray())),
  // Invalid input (one entry, so it stays rare): rejected before anything is sent, and it aborts a batch.
  fc.oneof(
    listName.map((n) => listOp(n, "at(1.5)", () => poisoned("ValidationError"), (l) => l.at(1.5))),
    listName.map((n) => listOp(n, `push("a", ${lit(LONE)})`, () => poisoned("CodecError"), (l) => l.push("a", LONE))),
  ),
];

const FIELDS = ["f", "g", "", "__proto__", "é"];
const field = fc.constantFrom(...FIELDS);
const fields = (min: number) => fc.array(field, { minLength: min, maxLength: 3 });
/** Map.set that tells whether the key is new (HSET's reply). */
function put(m: Map<string, string>, k: string, v: string): boolean {
  const isNew = !m.has(k);
  m.set(k, v);
  return isNew;
}
const sorted = <T>(xs: T[]): T[] => [...xs].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
const entries = (h: Map<string, string>) => sorted([...h].map(([k, v]) => `${k}=${v}`));

function hashOp(call: string, plan: (h: Map<string, string>) => Queued, issue: (h: RHash<string>) => Promise<unknown>): Op {
  return op(`hash("h1").${call}`, "container", ["hash:h1"], (o) => plan(o.hash("h1")), (_w, s) => issue(s.hash(tagged("h1"))));
}

/** Normalizes `toObject()` (a prototype-less object) into sorted `field=value` strings. */
export function hashEntries(obj: Record<string, string>): string[] {
  return sorted(Object.keys(obj).map((k) => `${k}=${obj[k]}`));
}

export const hashOps: Array<fc.Arbitrary<Op>> = [
  field.map((f) => hashOp(`get(${lit(f)})`, (h) => resolves(() => h.get(f)), (h) => h.get(f))),
  fc.tuple(field, value).map(([f, v]) => hashOp(`set(${lit(f)}, ${lit(v)})`, (h) => resolves(() => put(h, f, v)), (h) => h.set(f, v))),
  fc.tuple(field, value).map(([f, v]) =>
    hashOp(`setIfAbsent(${lit(f)}, ${lit(v)})`, (h) => resolves(() => !h.has(f) && h.set(f, v) !== undefined), (h) => h.setIfAbsent(f, v)),
  ),
  field.map((f) => hashOp(`has(${lit(f)})`, (h) => resolves(() => h.has(f)), (h) => h.has(f))),
  fields(1).map((fs) => hashOp(`delete(${args(fs)})`, (h) => resolves(() => fs.filter((f) => h.delete(f)).length), (h) => h.delete(...fs))),
  fc.constant(hashOp("size()", (h) => resolves(() => h.size), (h) => h.size())),
  fields(0).map((fs) => ({ ...hashOp(`getMany(${lit(fs)})`, (h) => resolves(() => fs.map((f) => h.get(f))), (h) => h.getMany(fs)), local: fs.length === 0 })),
  fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 3 }).map((pairs) =>
    hashOp(
      `update(${lit(pairs)})`,
      (h) => resolves(() => pairs.filter(([f, v]) => put(h, f, v)).length),
      (h) => h.update(pairs),
    ),
  ),
  fc.constant(hashOp("keys()", (h) => resolves(() => sorted([...h.keys()])), (h) => h.keys().then(sorted))),
  fc.constant(hashOp("values()", (h) => resolves(() => sorted([...h.values()])), (h) => h.values().then(sorted))),
  fc.constant(hashOp("toObject()", (h) => resolves(() => entries(h)), (h) => h.toObject().then(hashEntries))),
  fc.constantFrom(
    hashOp("delete()", () => poisoned("ValidationError"), (h) => h.delete()),
    hashOp(`set(${lit(LONE)}, "v")`, () => poisoned("ValidationError"), (h) => h.set(LONE, "v")),
    hashOp(`set("f", ${lit(LONE)})`, () => poisoned("CodecError"), (h) => h.set("f", LONE)),
  ),
];

/** Redis's integer syntax (string2ll): what HINCRBY accepts. */
const isRedisInteger = (s: string) => /^(?:0|-?[1-9]\d*)$/.test(s) && Number.isSafeInteger(Number(s));
const COUNTER_FIELDS = ["c", "d"];
const counterField = fc.constantFrom(...COUNTER_FIELDS);

function counterOp(view: "integer" | "number", call: string, plan: (c: Map<string, string>) => Queued, issue: (h: RHash<number>) => Promise<unknown>): Op {
  const codec = view === "integer" ? codecs.integer : codecs.number;
  return op(`hash("hn", { codec: codecs.${view} }).${call}`, "container", ["counters"], (o) => plan(o.counters), (_w, s) => issue(s.hash(tagged("hn"), { codec })));
}

const intIncr = fc.tuple(counterField, fc.constantFrom(1, -2, 5)).map(([f, by]) =>
  counterOp(
    "integer",
    `incr(${lit(f)}, ${by})`,
    (c) => ({
      exec: (actual) => {
        const cur = c.get(f) ?? "0";
        if (!isRedisInteger(cur)) return expectError(actual, "CodecError");
        const r = Number(cur) + by;
        c.set(f, String(r));
        return expectValue(actual, r);
      },
    }),
    (h) => h.incr(f, by),
  ),
);

const numIncr = fc.tuple(counterField, fc.constantFrom(0.5, -1.25, 2)).map(([f, by]) =>
  counterOp(
    "number",
    `incr(${lit(f)}, ${by})`,
    (c) => ({
      exec: (actual) => {
        const cur = c.get(f) ?? "0";
        if (Number.isNaN(Number(cur))) return expectError(actual, "CodecError");
        const r = Number(cur) + by;
        c.set(f, String(r));
        return expectValue(actual, r);
      },
    }),
    (h) => h.incr(f, by),
  ),
);

export const counterOps: Array<fc.Arbitrary<Op>> = [
  fc.tuple(counterField, fc.constantFrom(-3, 0, 7, 12)).map(([f, n]) =>
    counterOp("integer", `set(${lit(f)}, ${n})`, (c) => resolves(() => put(c, f, String(n))), (h) => h.set(f, n)),
  ),
  fc.tuple(counterField, fc.constantFrom(1.5, -0, Number.NaN, 2, -0.25)).map(([f, x]) =>
    counterOp("number", `set(${lit(f)}, ${lit(x)})`, (c) => resolves(() => put(c, f, String(x))), (h) => h.set(f, x)),
  ),
  intIncr,
  intIncr,
  numIncr,
  numIncr,
  counterField.map((f) =>
    counterOp(
      "integer",
      `get(${lit(f)})`,
      (c) => ({
        exec: (actual) => {
          const cur = c.get(f);
          if (cur !== undefined && !/^-?\d+$/.test(cur)) return expectError(actual, "CodecError");
          return expectValue(actual, cur === undefined ? undefined : Number(cur));
        },
      }),
      (h) => h.get(f),
    ),
  ),
  counterField.map((f) => counterOp("number", `get(${lit(f)})`, (c) => resolves(() => (c.has(f) ? Number(c.get(f)) : undefined)), (h) => h.get(f))),
  counterField.map((f) => counterOp("integer", `incr(${lit(f)}, 0.5)`, () => poisoned("ValidationError"), (h) => h.incr(f, 0.5))),
];
