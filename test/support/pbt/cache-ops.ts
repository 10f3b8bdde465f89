/**
 * Generated cache operations for the model-based API test: the raw API (set/get/getEntry/has/
 * delete/getMany/setMany/deleteMany/incr/ttl/keys/clear, concurrent gets) and a wrapped
 * function (call, peek, invalidate), against a Map of raw keys and a Map of memoized calls.
 * Raw keys include `$memo:1`, printed `tailOf(wrapped.key("1"))`: the memoized entry's Redis key
 * without `<prefix>:<namespace>:`, i.e. what a raw key would have to be to alias that entry, and
 * tag-like keys; arguments include lone surrogates. None may alias another entry.
 * The cache never joins a batch: every operation is issued directly.
 */
import fc from "fast-check";
import type { Op, Oracle, Queued, World } from "./core";
import { expectError, expectValue, lit, op, poisoned, resolves } from "./core";
import { PbtItem } from "./model-ops";

const CKEYS = ["k1", "k2", "ü", ":x", "#tag:t", "$memo:1"];
/** Values the typed codec must round-trip exactly (built fresh for each use). */
const CVALS: Array<() => unknown> = [
  () => "s",
  () => "",
  () => 0,
  () => -0,
  () => 42,
  () => 1.5,
  () => Number.NaN,
  () => Infinity,
  () => null,
  () => undefined,
  () => ({ a: 1, b: [true] }),
  () => [1, "x"],
  () => new Date(0),
  () => 10n,
  () => new Map([[1, "a"]]),
  () => new Set(["x"]),
  () => "\ud800",
  () => "\ufffd",
];
/** Arguments of the wrapped function: "1" and 1 are different calls. */
const MARGS: unknown[] = ["1", 1, "ü", "\ud800", "\udc00", "\ufffd"];

/** What the wrapped function returns on its k-th run (the same rule on both sides). */
export function memoResult(arg: unknown, k: number): unknown {
  const results = [() => ({ arg, k }), () => undefined, () => null, () => -0, () => `r${k}`, () => Number.NaN, () => 7];
  return results[k % results.length]!();
}

/** A raw key in a label: `$memo:1` prints as what it stands for. */
const klit = (k: string) => (k.startsWith("$memo:") ? `tailOf(wrapped.key(${lit(k.slice(6))}))` : lit(k));
const ckey = fc.constantFrom(...CKEYS);
const ckeys = fc.array(ckey, { minLength: 1, maxLength: 3 });
const cval = fc.integer({ min: 0, max: CVALS.length - 1 });
const marg = fc.integer({ min: 0, max: MARGS.length - 1 });

function cacheOp(call: string, touches: string[], plan: (c: Map<string, unknown>, o: Oracle) => Queued, issue: (w: World) => Promise<unknown>): Op {
  return op(`cache.${call}`, "direct", touches, (o) => plan(o.cache, o), (w) => issue(w));
}

export const cacheOps: Array<fc.Arbitrary<Op>> = [
  fc.tuple(ckey, cval).map(([k, v]) =>
    cacheOp(`set(${klit(k)}, ${lit(CVALS[v]!())})`, [`cache:${k}`], (c) => resolves(() => void c.set(k, CVALS[v]!())), (w) => w.cache.set(w.cacheKey(k), CVALS[v]!())),
  ),
  ckey.map((k) => cacheOp(`get(${klit(k)})`, [], (c) => resolves(() => c.get(k)), (w) => w.cache.get(w.cacheKey(k)))),
  ckey.map((k) => cacheOp(`getEntry(${klit(k)})`, [], (c) => resolves(() => (c.has(k) ? { value: c.get(k) } : undefined)), (w) => w.cache.getEntry(w.cacheKey(k)).then((e) => e && { value: e.value }))),
  ckey.map((k) => cacheOp(`has(${klit(k)})`, [], (c) => resolves(() => c.has(k)), (w) => w.cache.has(w.cacheKey(k)))),
  ckey.map((k) => cacheOp(`delete(${klit(k)})`, [`cache:${k}`], (c) => resolves(() => c.delete(k)), (w) => w.cache.delete(w.cacheKey(k)))),
  ckey.map((k) => cacheOp(`ttl(${klit(k)})`, [], (c) => resolves(() => (c.has(k) ? null : undefined)), (w) => w.cache.ttl(w.cacheKey(k)))),
  ckeys.map((ks) => cacheOp(`getMany([${ks.map(klit).join(", ")}])`, [], (c) => resolves(() => ks.map((k) => c.get(k))), (w) => w.cache.getMany(ks.map((k) => w.cacheKey(k))))),
  ckeys.map((ks) =>
    cacheOp(`[${ks.map((k) => `get(${klit(k)})`).join(", ")}] (concurrently)`, [], (c) => resolves(() => ks.map((k) => c.get(k))), (w) => Promise.all(ks.map((k) => w.cache.get(w.cacheKey(k))))),
  ),
  fc.array(fc.tuple(ckey, cval), { minLength: 1, maxLength: 3 }).map((pairs) =>
    cacheOp(
      `setMany([${pairs.map(([k, v]) => `[${klit(k)}, ${lit(CVALS[v]!())}]`).join(", ")}])`,
      pairs.map(([k]) => `cache:${k}`),
      (c) => resolves(() => pairs.filter(([k, v]) => c.set(k, CVALS[v]!())).length),
      (w) => w.cache.setMany(pairs.map(([k, v]) => [w.cacheKey(k), CVALS[v]!()] as const)),
    ),
  ),
  ckeys.map((ks) =>
    cacheOp(`deleteMany([${ks.map(klit).join(", ")}])`, ks.map((k) => `cache:${k}`), (c) => resolves(() => [...new Set(ks)].filter((k) => c.delete(k)).length), (w) => w.cache.deleteMany(ks.map((k) => w.cacheKey(k)))),
  ),
  fc.tuple(ckey, fc.constantFrom(1, -2, 0.5)).map(([k, by]) =>
    cacheOp(
      `incr(${klit(k)}, ${by})`,
      [`cache:${k}`],
      (c) => ({
        exec: (actual) => {
          const cur = c.has(k) ? c.get(k) : 0;
          if (typeof cur !== "number" || !Number.isFinite(cur) || Object.is(cur, -0)) return expectError(actual, "CodecError");
          c.set(k, cur + by);
          return expectValue(actual, cur + by);
        },
      }),
      (w) => w.cache.incr(w.cacheKey(k), by),
    ),
  ),
  marg.map((a) =>
    cacheOp(
      `wrapped(${lit(MARGS[a])})`,
      ["memo"],
      (_c, o) =>
        resolves(() => {
          const key = lit(MARGS[a]);
          if (!o.memo.has(key)) o.memo.set(key, memoResult(MARGS[a], ++o.memoCalls));
          return o.memo.get(key);
        }),
      (w) => w.memo(MARGS[a]),
    ),
  ),
  marg.map((a) => cacheOp(`wrapped.invalidate(${lit(MARGS[a])})`, ["memo"], (_c, o) => resolves(() => o.memo.delete(lit(MARGS[a]))), (w) => w.memo.invalidate(MARGS[a]))),
  marg.map((a) =>
    cacheOp(
      `wrapped.peek(${lit(MARGS[a])})`,
      [],
      (_c, o) => resolves(() => (o.memo.has(lit(MARGS[a])) ? { value: o.memo.get(lit(MARGS[a])), stale: false } : undefined)),
      (w) => w.memo.peek(MARGS[a]).then((e) => e && { value: e.value, stale: e.stale }),
    ),
  ),
  fc.constant(
    cacheOp(
      "keys() (for await, deduplicated)",
      [],
      (c) => resolves(() => [...c.keys()].sort()),
      async (w) => {
        const symbolic = new Map(CKEYS.map((k) => [w.cacheKey(k), k]));
        const seen = new Set<string>();
        for await (const key of w.cache.keys()) seen.add(symbolic.get(key) ?? key);
        return [...seen].sort();
      },
    ),
  ),
  fc.constant(
    cacheOp(
      "clear()",
      CKEYS.map((k) => `cache:${k}`).concat("memo"),
      (c, o) =>
        resolves(() => {
          const n = c.size + o.memo.size;
          c.clear();
          o.memo.clear();
          return n;
        }),
      (w) => w.cache.clear(),
    ),
  ),
  // Invalid input, and names that UTF-8 cannot carry (they would alias another key).
  fc.constantFrom(
    cacheOp(`set("k1", 1, { ttl: -1 })`, [], () => poisoned("ValidationError"), (w) => w.cache.set("k1", 1, { ttl: -1 })),
    cacheOp(`get("")`, [], () => poisoned("ValidationError"), (w) => w.cache.get("")),
    cacheOp(`set("k\\ud800", 1)`, [], () => poisoned("ValidationError"), (w) => w.cache.set("k\ud800", 1)),
    op(`db.list("{pbt}:\\ud800").push("a")`, "direct", [], () => poisoned("ValidationError"), async (w) => w.db.list("{pbt}:\ud800").push("a")),
    op(`db.autocomplete("\\udc00").add({ id: "p1", title: "Paris" })`, "direct", [], () => poisoned("ValidationError"), async (w) => w.db.autocomplete("\udc00").add({ id: "p1", title: "Paris" })),
    op(`ac.add({ id: "p\\ud800", title: "Paris" })`, "direct", [], () => poisoned("ValidationError"), (w) => w.ac.add({ id: "p\ud800", title: "Paris" })),
    op(`Item.create({ id: "a\\ud800" })`, "direct", [], () => poisoned("ValidationError"), () => PbtItem.create({ id: "a\ud800" })),
  ),
];

/** Observable cache state: the entry at `key`, or the memoized function's entries and run count. */
export async function checkCache(o: Oracle, w: World, what: string): Promise<string | undefined> {
  if (what === "memo") {
    if (w.memoCalls.n !== o.memoCalls) return `the wrapped function ran ${w.memoCalls.n} times, the oracle expects ${o.memoCalls}`;
    for (const a of MARGS) {
      const e = await w.memo.peek(a);
      const key = lit(a);
      const problem = expectValue({ ok: e && { value: e.value, stale: e.stale } }, o.memo.has(key) ? { value: o.memo.get(key), stale: false } : undefined);
      if (problem) return `wrapped.peek(${key}): ${problem}`;
    }
    return undefined;
  }
  const e = await w.cache.getEntry(w.cacheKey(what));
  const problem = expectValue({ ok: e && { value: e.value } }, o.cache.has(what) ? { value: o.cache.get(what) } : undefined);
  return problem && `cache.getEntry(${lit(what)}): ${problem}`;
}

export const CACHE_KEYS = CKEYS;
