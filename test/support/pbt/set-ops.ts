/**
 * Generated RSet operations for the model-based API test, each with its oracle twin (a JS
 * Set). Random picks (SPOP, SRANDMEMBER) are checked for membership and then applied as
 * observed.
 */
import fc from "fast-check";
import type { RSet, Scope } from "../../../src/index";
import type { Op, Oracle, Queued } from "./core";
import { byteCompare, expectValue, expectWith, lit, op, poisoned, resolves, tagged } from "./core";

export const SETS = ["s1", "s2", "s3"] as const;
const MEMBERS = ["a", "b", "", "🍕"];
const setName = fc.constantFrom(...SETS);
const member = fc.constantFrom(...MEMBERS);
const members = (min: number) => fc.array(member, { minLength: min, maxLength: 3 });
const others = fc.array(setName, { minLength: 1, maxLength: 2 });
const args = (xs: readonly unknown[]) => xs.map(lit).join(", ");
const sorted = (xs: Iterable<string>) => [...xs].sort(byteCompare);

function setOp(name: string, call: string, plan: (s: Set<string>, o: Oracle) => Queued, issue: (s: RSet<string>, scope: Scope) => Promise<unknown>, touches: string[] = []): Op {
  return op(`set(${lit(name)}).${call}`, "container", [`set:${name}`, ...touches], (o) => plan(o.set(name), o), (_w, scope) => issue(scope.set(tagged(name)), scope));
}

function algebra(kind: "union" | "intersection" | "difference", first: Set<string>, rest: Array<Set<string>>): Set<string> {
  if (kind === "union") return new Set([first, ...rest].flatMap((s) => [...s]));
  if (kind === "intersection") return new Set([...first].filter((m) => rest.every((s) => s.has(m))));
  return new Set([...first].filter((m) => rest.every((s) => !s.has(m))));
}

/** Random picks: `count` distinct members of `s` (all of them when fewer), in any order. */
function picks(s: Set<string>, count: number, remove: boolean): Queued {
  return {
    exec: (actual) =>
      expectWith(actual, (v) => {
        const got = v as string[];
        if (!Array.isArray(got) || new Set(got).size !== got.length || got.length !== Math.min(count, s.size)) return `expected ${Math.min(count, s.size)} distinct members of ${lit(sorted(s))}`;
        if (got.some((m) => !s.has(m))) return `expected members of ${lit(sorted(s))}`;
        if (remove) for (const m of got) s.delete(m);
        return undefined;
      }),
  };
}

const add = fc.tuple(setName, members(1)).map(([n, ms]) => setOp(n, `add(${args(ms)})`, (s) => resolves(() => ms.filter((m) => !s.has(m) && s.add(m)).length), (s) => s.add(...ms)));

export const setOps: Array<fc.Arbitrary<Op>> = [
  add,
  add,
  fc.tuple(setName, members(1)).map(([n, ms]) => setOp(n, `delete(${args(ms)})`, (s) => resolves(() => ms.filter((m) => s.delete(m)).length), (s) => s.delete(...ms))),
  fc.tuple(setName, member).map(([n, m]) => setOp(n, `has(${lit(m)})`, (s) => resolves(() => s.has(m)), (s) => s.has(m))),
  fc.tuple(setName, members(1)).map(([n, ms]) => setOp(n, `hasMany(${lit(ms)})`, (s) => resolves(() => ms.map((m) => s.has(m))), (s) => s.hasMany(ms))),
  setName.map((n) => setOp(n, "size()", (s) => resolves(() => s.size), (s) => s.size())),
  setName.map((n) => setOp(n, "members()", (s) => resolves(() => sorted(s)), (s) => s.members().then(sorted))),
  setName.map((n) =>
    setOp(
      n,
      "pop()",
      (s) => ({
        exec: (actual) => {
          if (s.size === 0) return expectValue(actual, undefined);
          return expectWith(actual, (m) => (typeof m === "string" && s.delete(m) ? undefined : `expected a member of ${lit(sorted(s))}`));
        },
      }),
      (s) => s.pop(),
    ),
  ),
  fc.tuple(setName, fc.integer({ min: 1, max: 3 })).map(([n, c]) => setOp(n, `pop(${c})`, (s) => picks(s, c, true), (s) => s.pop(c))),
  setName.map((n) =>
    setOp(
      n,
      "random()",
      (s) => ({
        exec: (actual) => (s.size === 0 ? expectValue(actual, undefined) : expectWith(actual, (m) => (s.has(m as string) ? undefined : `expected a member of ${lit(sorted(s))}`))),
      }),
      (s) => s.random(),
    ),
  ),
  fc.tuple(setName, fc.integer({ min: 1, max: 3 })).map(([n, c]) => setOp(n, `random(${c})`, (s) => picks(s, c, false), (s) => s.random(c))),
  fc.tuple(setName, fc.constantFrom("union", "intersection", "difference" as const), others).map(([n, kind, os]) =>
    setOp(n, `${kind}(${args(os.map(tagged))})`, (s, o) => resolves(() => sorted(algebra(kind, s, os.map((x) => o.set(x))))), (s) => s[kind](...os.map(tagged)).then(sorted)),
  ),
  fc.tuple(setName, fc.constantFrom("union", "intersection", "difference" as const), setName, others).map(([n, kind, dest, os]) => {
    const method = `${kind}Store` as const;
    return setOp(
      n,
      `${method}(${args([dest, ...os].map(tagged))})`,
      (s, o) =>
        resolves(() => {
          const result = algebra(kind, s, os.map((x) => o.set(x)));
          // In place: later operations of the same batch hold this Set.
          const target = o.set(dest);
          target.clear();
          for (const m of result) target.add(m);
          return null;
        }),
      (s) => s[method](tagged(dest), ...os.map(tagged)).then(() => null),
      [`set:${dest}`],
    );
  }),
  fc.tuple(setName, member, setName).map(([n, m, dest]) =>
    setOp(
      n,
      `move(${lit(m)}, ${lit(tagged(dest))})`,
      (s, o) =>
        resolves(() => {
          if (!s.has(m)) return false;
          s.delete(m);
          o.set(dest).add(m);
          return true;
        }),
      (s) => s.move(m, tagged(dest)),
      [`set:${dest}`],
    ),
  ),
  fc.oneof(
    setName.map((n) => setOp(n, "add()", () => poisoned("ValidationError"), (s) => s.add())),
    setName.map((n) => setOp(n, `add("a", "\\ud800")`, () => poisoned("ValidationError"), (s) => s.add("a", "\ud800"))),
  ),
];
