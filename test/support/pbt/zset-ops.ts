/**
 * Generated RZSet operations for the model-based API test, each with its oracle twin (a Map
 * member → score, ordered by score then UTF-8 bytes as Redis orders it).
 */
import fc from "fast-check";
import type { RZSet, ZAddOptions } from "../../../src/index";
import type { Op, Oracle, Queued } from "./core";
import { byteCompare, lit, op, poisoned, resolves, tagged } from "./core";

const args = (xs: readonly unknown[]) => xs.map(lit).join(", ");

export const ZSETS = ["z1", "z2"] as const;
const ZMEMBERS = ["a", "b", "c", "é", ""];
const zsetName = fc.constantFrom(...ZSETS);
const zmember = fc.constantFrom(...ZMEMBERS);
const score = fc.constantFrom(-Infinity, -2, -0.5, 0, -0, 1, 1.5, 3, Infinity);
const rank = fc.option(fc.integer({ min: -4, max: 4 }), { nil: undefined });
/** -0 and 0 are one score to Redis; compare scores without that distinction. */
const nz = (x: number) => (x === 0 ? 0 : x);
type Pair = [string, number];

/** Members in Redis order: score, then UTF-8 bytes. */
export function zorder(z: Map<string, number>): Pair[] {
  return [...z].sort(([a, x], [b, y]) => (x < y ? -1 : x > y ? 1 : byteCompare(a, b)));
}

function zaddOracle(z: Map<string, number>, pairs: ReadonlyArray<readonly [string, number]>, o: ZAddOptions): number {
  let added = 0;
  let changed = 0;
  for (const [m, s] of pairs) {
    const cur = z.get(m);
    if (cur === undefined) {
      if (o.xx) continue;
      z.set(m, nz(s));
      added++;
    } else {
      if (o.nx || (o.gt && !(s > cur)) || (o.lt && !(s < cur)) || s === cur) continue;
      z.set(m, nz(s));
      changed++;
    }
  }
  return o.ch ? added + changed : added;
}

interface Bounds {
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
}
const inRange = (s: number, min: number, max: number, b: Bounds) => (b.minExclusive ? s > min : s >= min) && (b.maxExclusive ? s < max : s <= max);
const bounds = fc.record({ minExclusive: fc.boolean(), maxExclusive: fc.boolean() }, { requiredKeys: [] });
const addOptions = fc.constantFrom<ZAddOptions>({}, { nx: true }, { xx: true }, { gt: true }, { lt: true }, { xx: true, gt: true }, { xx: true, lt: true }, { ch: true }, { gt: true, ch: true });
const scored = (pairs: Pair[]) => pairs.map(([m, s]): Pair => [m, nz(s)]);

function zsetOp(name: string, call: string, plan: (z: Map<string, number>, o: Oracle) => Queued, issue: (z: RZSet<string>) => Promise<unknown>, touches: string[] = []): Op {
  return op(`zset(${lit(name)}).${call}`, "container", [`zset:${name}`, ...touches], (o) => plan(o.zset(name), o), (_w, scope) => issue(scope.zset(tagged(name))));
}

/**
 * ZUNIONSTORE/ZINTERSTORE: Redis visits the sources smallest first (a stable sort by size) and
 * aggregates in that order; the order matters for a sum of +inf and -inf (NaN, stored as 0).
 */
function combine(kind: "union" | "inter", sources: Array<Map<string, number>>, weights: number[], aggregate: "sum" | "min" | "max"): Map<string, number> {
  const out = new Map<string, number>();
  const ordered = sources.map((src, i) => ({ src, weight: weights[i]! })).sort((a, b) => a.src.size - b.src.size);
  ordered.forEach(({ src, weight }) => {
    for (const [m, s] of src) {
      const v = s * weight;
      const cur = out.get(m);
      if (cur === undefined) out.set(m, v);
      else if (aggregate === "sum") out.set(m, Number.isNaN(cur + v) ? 0 : cur + v);
      else out.set(m, aggregate === "min" ? Math.min(cur, v) : Math.max(cur, v));
    }
  });
  if (kind === "inter") for (const m of [...out.keys()]) if (!sources.every((s) => s.has(m))) out.delete(m);
  for (const [m, s] of out) out.set(m, nz(s));
  return out;
}

export const zsetOps: Array<fc.Arbitrary<Op>> = [
  fc.tuple(zsetName, zmember, score, addOptions).map(([n, m, s, opt]) => zsetOp(n, `add(${lit(m)}, ${lit(s)}, ${lit(opt)})`, (z) => resolves(() => zaddOracle(z, [[m, s]], opt)), (z) => z.add(m, s, opt))),
  fc.tuple(zsetName, fc.array(fc.tuple(zmember, score), { minLength: 1, maxLength: 3 }), addOptions).map(([n, pairs, opt]) =>
    zsetOp(n, `add(${lit(pairs)}, ${lit(opt)})`, (z) => resolves(() => zaddOracle(z, pairs, opt)), (z) => z.add(pairs, opt)),
  ),
  fc.tuple(zsetName, zmember).map(([n, m]) => zsetOp(n, `score(${lit(m)})`, (z) => resolves(() => z.get(m)), (z) => z.score(m).then((s) => (s === undefined ? s : nz(s))))),
  fc.tuple(zsetName, zmember, fc.constantFrom(1, -0.5, 2)).map(([n, m, by]) =>
    zsetOp(n, `incr(${lit(m)}, ${by})`, (z) => resolves(() => z.set(m, nz((z.get(m) ?? 0) + by)).get(m)), (z) => z.incr(m, by).then(nz)),
  ),
  fc.tuple(zsetName, zmember, fc.boolean()).map(([n, m, reverse]) =>
    zsetOp(
      n,
      `rank(${lit(m)}, { reverse: ${reverse} })`,
      (z) =>
        resolves(() => {
          const order = zorder(z).map(([x]) => x);
          if (reverse) order.reverse();
          const i = order.indexOf(m);
          return i < 0 ? undefined : i;
        }),
      (z) => z.rank(m, { reverse }),
    ),
  ),
  fc.tuple(zsetName, fc.array(zmember, { minLength: 1, maxLength: 3 })).map(([n, ms]) =>
    zsetOp(n, `delete(${args(ms)})`, (z) => resolves(() => ms.filter((m) => z.delete(m)).length), (z) => z.delete(...ms)),
  ),
  fc.tuple(zsetName, zmember).map(([n, m]) => zsetOp(n, `has(${lit(m)})`, (z) => resolves(() => z.has(m)), (z) => z.has(m))),
  zsetName.map((n) => zsetOp(n, "size()", (z) => resolves(() => z.size), (z) => z.size())),
  fc.tuple(zsetName, score, score, bounds).map(([n, a, b, bo]) =>
    zsetOp(n, `count(${lit(a)}, ${lit(b)}, ${lit(bo)})`, (z) => resolves(() => [...z.values()].filter((s) => inRange(s, a, b, bo)).length), (z) => z.count(a, b, bo)),
  ),
  fc.tuple(zsetName, rank, rank, fc.boolean(), fc.boolean()).map(([n, a, b, reverse, withScores]) =>
    zsetOp(
      n,
      `slice(${lit(a)}, ${lit(b)}, { reverse: ${reverse}, withScores: ${withScores} })`,
      (z) =>
        resolves(() => {
          const order = zorder(z);
          if (reverse) order.reverse();
          const page = order.slice(a, b);
          return withScores ? page : page.map(([m]) => m);
        }),
      (z) => (withScores ? z.slice(a, b, { reverse, withScores: true }).then(scored) : z.slice(a, b, { reverse })),
    ),
  ),
  fc
    .tuple(zsetName, score, score, bounds, fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }), fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined }), fc.boolean(), fc.boolean())
    .map(([n, min, max, bo, offset, count, reverse, withScores]) => {
      const opts = { ...bo, ...(offset === undefined ? {} : { offset }), ...(count === undefined || count < 0 ? {} : { count }), reverse };
      return zsetOp(
        n,
        `rangeByScore(${lit(min)}, ${lit(max)}, ${lit({ ...opts, withScores })})`,
        (z) =>
          resolves(() => {
            const order = zorder(z).filter(([, s]) => inRange(s, min, max, bo));
            if (reverse) order.reverse();
            const from = opts.offset ?? 0;
            const page = opts.count === undefined ? order.slice(from) : order.slice(from, from + opts.count);
            return withScores ? page : page.map(([m]) => m);
          }),
        (z) => (withScores ? z.rangeByScore(min, max, { ...opts, withScores: true }).then(scored) : z.rangeByScore(min, max, opts)),
      );
    }),
  fc.tuple(zsetName, fc.boolean(), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined })).map(([n, max, count]) => {
    const method = max ? "popMax" : "popMin";
    return zsetOp(
      n,
      `${method}(${count ?? ""})`,
      (z) =>
        resolves(() => {
          const order = zorder(z);
          if (max) order.reverse();
          const taken = order.slice(0, count ?? 1);
          for (const [m] of taken) z.delete(m);
          return count === undefined ? taken[0] : taken;
        }),
      (z) => (count === undefined ? z[method]().then((p) => (p === undefined ? p : scored([p])[0])) : z[method](count).then(scored)),
    );
  }),
  fc.tuple(zsetName, fc.integer({ min: -4, max: 4 }), rank).map(([n, a, b]) =>
    zsetOp(n, `removeRangeByRank(${a}, ${lit(b)})`, (z) => resolves(() => zorder(z).slice(a, b).filter(([m]) => z.delete(m)).length), (z) => z.removeRangeByRank(a, b)),
  ),
  fc.tuple(zsetName, score, score, bounds).map(([n, a, b, bo]) =>
    zsetOp(
      n,
      `removeRangeByScore(${lit(a)}, ${lit(b)}, ${lit(bo)})`,
      (z) => resolves(() => [...z].filter(([m, s]) => inRange(s, a, b, bo) && z.delete(m)).length),
      (z) => z.removeRangeByScore(a, b, bo),
    ),
  ),
  fc
    .tuple(zsetName, fc.constantFrom("union", "inter" as const), zsetName, fc.array(zsetName, { minLength: 1, maxLength: 2 }), fc.constantFrom(1, 2, -1), fc.constantFrom("sum", "min", "max" as const))
    .map(([n, kind, dest, os, w, aggregate]) => {
      const weights = [w, ...os.map((_, i) => (i === 0 ? 1 : 2))];
      const method = `${kind}Store` as const;
      return zsetOp(
        n,
        `${method}(${lit(tagged(dest))}, ${lit(os.map(tagged))}, { weights: ${lit(weights)}, aggregate: ${lit(aggregate)} })`,
        (z, o) =>
          resolves(() => {
            const result = combine(kind, [z, ...os.map((x) => o.zset(x))], weights, aggregate);
            const target = o.zset(dest);
            target.clear();
            for (const [m, sc] of result) target.set(m, sc);
            return null;
          }),
        (z) => z[method](tagged(dest), os.map(tagged), { weights, aggregate }).then(() => null),
        [`zset:${dest}`],
      );
    }),
  fc.oneof(
    fc.tuple(zsetName, zmember).map(([n, m]) => zsetOp(n, `add(${lit(m)}, NaN)`, () => poisoned("ValidationError"), (z) => z.add(m, Number.NaN))),
    fc.tuple(zsetName, zmember).map(([n, m]) => zsetOp(n, `add(${lit(m)}, 1, { nx: true, gt: true })`, () => poisoned("ValidationError"), (z) => z.add(m, 1, { nx: true, gt: true }))),
  ),
];
