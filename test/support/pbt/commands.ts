/**
 * The fast-check commands of the model-based API test: one operation issued directly, a batch
 * of 1–5 container/model operations through `db.pipeline` or `db.transaction` (optionally on a
 * cold script cache), and SCRIPT FLUSH. After every command the state it touched is read back
 * through the API and compared with the oracle; a mismatch throws, and fast-check shrinks the
 * sequence and prints it (each command prints as the calls it made).
 */
import fc from "fast-check";
import { codecs } from "../../../src/index";
import { acOps, checkAc } from "./ac-ops";
import { cacheOps, checkCache, CACHE_KEYS } from "./cache-ops";
import type { Op, Oracle, Settled, World } from "./core";
import { expectError, expectValue, settle, tagged } from "./core";
import { counterOps, hashEntries, hashOps, listOps, LISTS } from "./list-hash-ops";
import { checkHandle, checkModel, IDS, modelOps } from "./model-ops";
import { SETS, setOps } from "./set-ops";
import { zorder, ZSETS, zsetOps } from "./zset-ops";

export interface Stats {
  runs: number;
  steps: number;
  /** Operations issued (a batch counts each of its operations). */
  ops: number;
  batches: number;
  flushes: number;
  /** Outcomes by operation and result (`list.push → ok`, `Item.create → UniqueConstraintError`), with ms spent. */
  readonly outcomes: Map<string, { n: number; ms: number }>;
}

function record(stats: Stats, label: string, actual: Settled, ms: number): void {
  let name = label.replace(/rec\[[^\]]*\]/g, "rec").replace(/hash\("hn", \{ codec: codecs\.(\w+) \}\)/g, "hn.$1");
  for (let prev = ""; prev !== name; ) {
    prev = name;
    name = name.replace(/\([^()]*\)/g, "\u0001");
  }
  name = name
    .replace(/\u0001/g, "()")
    .replace(/^(\w+: )?rec\.\w+ = [^;]*; /, "$1")
    .replace(/^(\w+: )?Item\.(query|count)\(\).*$/, "$1Item.$2()");
  const key = `${name} → ${"ok" in actual ? "ok" : actual.err.name}`;
  const entry = stats.outcomes.get(key) ?? { n: 0, ms: 0 };
  entry.n++;
  entry.ms += ms;
  stats.outcomes.set(key, entry);
}

type Cmd = fc.AsyncCommand<Oracle, World>;

/** Reads one piece of observable state and compares it with the oracle. */
async function checkOne(o: Oracle, w: World, key: string): Promise<string | undefined> {
  const colon = key.indexOf(":");
  const kind = colon < 0 ? key : key.slice(0, colon);
  const name = key.slice(colon + 1);
  const db = w.db;
  const compare = (what: string, actual: unknown, expected: unknown) => {
    const problem = expectValue({ ok: actual }, expected);
    return problem && `${what}: ${problem}`;
  };
  switch (kind) {
    case "list":
      return compare(`list(${JSON.stringify(name)}).toArray()`, await db.list(tagged(name)).toArray(), o.lists.get(name) ?? []);
    case "hash":
      return compare(`hash(${JSON.stringify(name)}).toObject()`, hashEntries(await db.hash(tagged(name)).toObject()), hashEntries(Object.fromEntries(o.hash(name))));
    case "counters":
      return compare(
        `hash("hn", { codec: codecs.number }).toObject()`,
        { ...(await db.hash(tagged("hn"), { codec: codecs.number }).toObject()) },
        Object.fromEntries([...o.counters].map(([f, s]) => [f, Number(s)])),
      );
    case "set":
      return compare(`set(${JSON.stringify(name)}).members()`, [...(await db.set(tagged(name)).members())].sort(), [...o.set(name)].sort());
    case "zset":
      return compare(
        `zset(${JSON.stringify(name)}).slice(0, undefined, { withScores: true })`,
        (await db.zset(tagged(name)).slice(0, undefined, { withScores: true })).map(([m, s]) => [m, s === 0 ? 0 : s]),
        zorder(o.zset(name)),
      );
    case "model":
      return checkModel(o);
    case "handle":
      return checkHandle(o, w, name);
    case "cache":
      return checkCache(o, w, name);
    case "memo":
      return checkCache(o, w, "memo");
    case "ac":
      return checkAc(o, w);
    default:
      throw new Error(`test bug: unknown state ${key}`);
  }
}

/** Compares every touched piece of state; resolves the problems found. */
export async function checkState(o: Oracle, w: World, keys: Iterable<string>): Promise<string[]> {
  const problems = await Promise.all([...new Set(keys)].map((k) => checkOne(o, w, k)));
  return problems.filter((p): p is string => p !== undefined);
}

/** Every piece of observable state (run at the end of each sequence). */
export function everything(): string[] {
  return [
    ...LISTS.map((n) => `list:${n}`),
    "hash:h1",
    "counters",
    ...SETS.map((n) => `set:${n}`),
    ...ZSETS.map((n) => `zset:${n}`),
    "model",
    ...IDS.flatMap((id) => [`handle:${id}/0`, `handle:${id}/1`]),
    ...CACHE_KEYS.map((k) => `cache:${k}`),
    "memo",
    "ac",
  ];
}

function fail(label: string, problems: string[]): never {
  throw new Error(`${label}\n  - ${problems.join("\n  - ")}`);
}

class StepCommand implements Cmd {
  constructor(
    private readonly op: Op,
    private readonly stats: Stats,
  ) {}
  check(m: Readonly<Oracle>): boolean {
    return this.op.needs === undefined || m.handles.has(this.op.needs);
  }
  async run(m: Oracle, w: World): Promise<void> {
    this.stats.steps++;
    this.stats.ops++;
    const queued = this.op.plan(m);
    const started = performance.now();
    const actual = await settle(() => this.op.issue(w, w.db));
    record(this.stats, this.op.label, actual, performance.now() - started);
    const problems = [queued.exec(actual), ...(await checkState(m, w, this.op.touches))].filter((p): p is string => p !== undefined);
    if (problems.length > 0) fail(`${this} (${w.backend})`, problems);
  }
  toString(): string {
    return this.op.label;
  }
}

class BatchCommand implements Cmd {
  constructor(
    private readonly mode: "pipeline" | "transaction",
    private readonly ops: Op[],
    private readonly cold: boolean,
    private readonly stats: Stats,
  ) {}
  check(m: Readonly<Oracle>): boolean {
    return this.ops.every((op) => op.needs === undefined || m.handles.has(op.needs));
  }
  async run(m: Oracle, w: World): Promise<void> {
    this.stats.steps++;
    this.stats.batches++;
    this.stats.ops += this.ops.length;
    if (this.cold) await w.flushScripts();
    const queued = this.ops.map((op) => op.plan(m));
    const settled: Array<Promise<Settled>> = [];
    const batch = await settle(() =>
      w.db[this.mode]((b) =>
        this.ops.map((op) => {
          const p = (async () => op.issue(w, b))();
          settled.push(settle(() => p));
          return p;
        }),
      ),
    );
    const actual = await Promise.all(settled);
    this.ops.forEach((op, i) => record(this.stats, `${this.mode}: ${op.label}`, actual[i]!, 0));
    const poison = queued.find((q) => q.poison !== undefined)?.poison;
    const problems: Array<string | undefined> = [];
    if (poison !== undefined) {
      queued.forEach((q, i) => problems.push(q.poison !== undefined || this.ops[i]!.local ? q.exec(actual[i]!) : expectError(actual[i]!, "TransactionError")));
      problems.push(expectError(batch, poison));
    } else {
      queued.forEach((q, i) => problems.push(q.exec(actual[i]!)));
      const failed = actual.some((a) => "err" in a);
      problems.push(failed ? expectError(batch, "TransactionError") : expectValue(batch, actual.map((a) => ("ok" in a ? a.ok : undefined))));
    }
    const found = problems.map((p, i) => p && (i < this.ops.length ? `[${i}] ${this.ops[i]!.label}: ${p}` : `${this.mode} itself: ${p}`));
    found.push(...(await checkState(m, w, this.ops.flatMap((op) => op.touches))));
    const real = found.filter((p): p is string => p !== undefined);
    if (real.length > 0) fail(`${this} (${w.backend})`, real);
  }
  toString(): string {
    return `${this.cold ? "SCRIPT FLUSH; " : ""}db.${this.mode}((tx) => [${this.ops.map((op) => op.label).join("; ")}])`;
  }
}

class FlushCommand implements Cmd {
  constructor(private readonly stats: Stats) {}
  check(): boolean {
    return true;
  }
  async run(_m: Oracle, w: World): Promise<void> {
    this.stats.steps++;
    this.stats.flushes++;
    await w.flushScripts();
  }
  toString(): string {
    return "SCRIPT FLUSH";
  }
}

export interface CommandOptions {
  /** Batches must stay in one slot: containers ({pbt}) and the model live in different slots. */
  readonly cluster: boolean;
  /** SCRIPT FLUSH is injected (never on a server the harness did not start). */
  readonly flush: boolean;
}

/** Operation families; each sequence focuses on a few of them so that state builds up. */
export const FAMILIES = ["list", "hash", "counters", "set", "zset", "model", "cache", "ac", "batch"] as const;
export type Family = (typeof FAMILIES)[number];

/** The command arbitraries: families in `focus` are drawn 8 times as often as the others. */
export function commandArbitraries(stats: Stats, options: CommandOptions, focus: readonly Family[]): Array<fc.Arbitrary<Cmd>> {
  const w = (name: Family, base: number) => base * (focus.includes(name) ? 8 : 1);
  const family = (ops: Array<fc.Arbitrary<Op>>) => fc.oneof(...ops);
  const containers = [
    { weight: w("list", 4), arbitrary: family(listOps) },
    { weight: w("hash", 2), arbitrary: family(hashOps) },
    { weight: w("counters", 2), arbitrary: family(counterOps) },
    { weight: w("set", 2), arbitrary: family(setOps) },
    { weight: w("zset", 3), arbitrary: family(zsetOps) },
  ];
  const container = fc.oneof(...containers);
  const containerWeight = containers.reduce((sum, c) => sum + c.weight, 0);
  const models = { weight: w("model", 8), arbitrary: family(modelOps) };
  const step = (ops: fc.Arbitrary<Op>) => ops.map((op): Cmd => new StepCommand(op, stats));
  const subOps = (ops: fc.Arbitrary<Op>) => fc.array(ops, { minLength: 1, maxLength: 5 });
  const batchOps = options.cluster
    ? fc.oneof({ weight: containerWeight, arbitrary: subOps(container) }, { weight: models.weight, arbitrary: subOps(models.arbitrary) })
    : subOps(fc.oneof({ weight: containerWeight, arbitrary: container }, models));
  const batch = fc
    .tuple(fc.constantFrom("pipeline", "transaction" as const), batchOps, options.flush ? fc.boolean() : fc.constant(false))
    .map(([mode, ops, cold]): Cmd => new BatchCommand(mode, ops, cold, stats));
  const flush = options.flush ? [{ weight: 2, arbitrary: fc.constant<Cmd>(new FlushCommand(stats)) }] : [];
  return [
    fc.oneof(
      ...containers.map((c) => ({ weight: c.weight, arbitrary: step(c.arbitrary) })),
      { weight: models.weight, arbitrary: step(models.arbitrary) },
      { weight: w("cache", 6), arbitrary: step(family(cacheOps)) },
      { weight: w("ac", 4), arbitrary: step(family(acOps)) },
      { weight: w("batch", 8), arbitrary: batch },
      ...flush,
    ),
  ];
}
