/**
 * `npm run bench -- synced`: `db.synced()` (issue 13) on a private redis-server over loopback.
 *   - a local `get` against `Map.get` on a Map holding the same 1,000 entries, keys drawn with a
 *     fixed seed; rounds alternate between the two (same machine conditions), and the ratio of
 *     the median round is reported with p50 / p99 / max ns per read;
 *   - `set` while connected: socket writes per call on the Database's client (auto-pipelining
 *     off: one write = one round trip), split into the write's own `sync-write` and the
 *     `sync-pull` the mirror sends when the invalidation of that write reaches it, and its latency against the floor of one raw HSET, and
 *     one raw EVALSHA of a script doing the same HINCRBY + HSET + ZADD, interleaved.
 * Ratios are against baselines measured in the same run; absolute times here are noise.
 */
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { Database } from "../src/database";
import { libraryScript } from "../src/lua/registry";
import { rng } from "../test/support/random";
import { interleaved, privateRedis, table } from "./support";

const ENTRIES = 1000;
const READS = Number(process.env.BENCH_SYNCED_READS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_SYNCED_ROUNDS ?? 21);
const WRITES = Number(process.env.BENCH_SYNCED_WRITES ?? 1500);

/** Socket writes on `client` while `fn` runs, by the script they carry (`sync-write`, `sync-pull`, other). */
async function tripsBy(client: unknown, fn: () => Promise<unknown>): Promise<Record<string, number>> {
  const stream = (client as { stream: { write: (...args: unknown[]) => boolean } }).stream;
  const original = stream.write;
  const counts: Record<string, number> = { "sync-write": 0, "sync-pull": 0, other: 0 };
  const shas = ["sync-write", "sync-pull"].map((name) => [name, libraryScript(name as "sync-write").sha] as const);
  stream.write = function (this: unknown, ...args: unknown[]) {
    const text = String(args[0]);
    counts[shas.find(([, sha]) => text.includes(sha))?.[0] ?? "other"]!++;
    return original.apply(this, args);
  };
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 100)); // the invalidation and the re-read it causes
  } finally {
    stream.write = original;
  }
  return counts;
}

function pct(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

export default async function bench(): Promise<void> {
  const server = await privateRedis();
  const raw = new Redis(server.port, "127.0.0.1", { autoResendUnfulfilledCommands: false });
  const db = new Database(new Redis(server.port, "127.0.0.1", { autoResendUnfulfilledCommands: false }), { prefix: "bench" });
  const mem = db.synced<Record<string, { n: number; s: string }>>("settings");
  try {
    await mem.ready();
    const map = new Map<string, { n: number; s: string }>();
    const entries: Record<string, { n: number; s: string }> = {};
    for (let i = 0; i < ENTRIES; i++) entries[`key:${i}`] = { n: i, s: `value ${i}` };
    await mem.update(entries);
    for (const [k, v] of Object.entries(entries)) map.set(k, v);
    const random = rng(1313);
    const keys = Array.from({ length: READS }, () => `key:${Math.floor(random() * ENTRIES)}`);

    // ---- local reads -------------------------------------------------------------------------
    let sink = 0;
    const round = (read: (k: string) => { n: number } | undefined): number => {
      const t = performance.now();
      for (let i = 0; i < READS; i++) sink += read(keys[i]!)?.n ?? 0;
      return ((performance.now() - t) * 1e6) / READS; // ns per read
    };
    const viaMap = (k: string) => map.get(k);
    const viaSynced = (k: string) => mem.get(k);
    for (let i = 0; i < 3; i++) (round(viaMap), round(viaSynced)); // warm up (JIT)
    const mapNs: number[] = [];
    const syncedNs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) (mapNs.push(round(viaMap)), syncedNs.push(round(viaSynced)));
      else (syncedNs.push(round(viaSynced)), mapNs.push(round(viaMap)));
    }
    const ratios = syncedNs.map((s, r) => s / mapNs[r]!).sort((a, b) => a - b);
    mapNs.sort((a, b) => a - b);
    syncedNs.sort((a, b) => a - b);
    const row = (name: string, ns: number[], ratio: string) => [name, pct(ns, 0.5).toFixed(1), pct(ns, 0.99).toFixed(1), ns[ns.length - 1]!.toFixed(1), ratio];
    table(
      `local read, ${READS.toLocaleString("en-US")} reads × ${ROUNDS} rounds over ${ENTRIES} keys (ns per read, per round)`,
      ["read", "p50 ns", "p99 ns", "max ns", "ratio (median of per-round ratios)"],
      [row("Map.get", mapNs, "1.00×"), row("mem.get (synced mirror)", syncedNs, `${pct(ratios, 0.5).toFixed(2)}×`)],
    );
    if (sink === 42) console.log(""); // keeps the reads from being optimized away

    // ---- writes while connected --------------------------------------------------------------
    await new Promise((r) => setTimeout(r, 200)); // quiet: no re-read of the bulk load in flight
    const trips = await tripsBy(db.client, () => mem.set("key:1", { n: -1, s: "one" }));
    const tripsUpdate = await tripsBy(db.client, () => mem.update({ "key:2": { n: -2, s: "two" }, "key:3": { n: -3, s: "three" } }));
    const fmtTrips = (t: Record<string, number>) => `${t["sync-write"]} sync-write (+ ${t["sync-pull"]} sync-pull on its invalidation, ${t.other} other)`;
    const floorSha = (await raw.script("LOAD", "local v = redis.call('HINCRBY', KEYS[2], 'n', 1) redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) redis.call('ZADD', KEYS[3], v, ARGV[1]) return v")) as string;
    const [hset, evalsha, set] = await interleaved(
      [
        (i) => raw.hset("floor:d", `key:${i % ENTRIES}`, JSON.stringify({ n: i, s: "x" })),
        (i) => raw.evalsha(floorSha, 3, "{f}:d", "{f}:m", "{f}:v", `key:${i % ENTRIES}`, JSON.stringify({ n: i, s: "x" })),
        (i) => mem.set(`key:${i % ENTRIES}`, { n: i, s: "x" }),
      ],
      { iterations: WRITES },
    );
    const us = (s: Float64Array, base: Float64Array) => [pct(s, 0.5).toFixed(0), pct(s, 0.99).toFixed(0), s[s.length - 1]!.toFixed(0), `${(pct(s, 0.5) / pct(base, 0.5)).toFixed(2)}×`];
    table(
      `write while connected, ${WRITES} calls each, interleaved (µs)`,
      ["write", "round trips", "p50 µs", "p99 µs", "max µs", "p50 ratio to HSET"],
      [
        ["raw ioredis HSET (floor)", 1, ...us(hset!, hset!)],
        ["raw EVALSHA: HINCRBY + HSET + ZADD", 1, ...us(evalsha!, hset!)],
        ["mem.set (sync-write script, op id recorded)", fmtTrips(trips), ...us(set!, hset!)],
        ["mem.update of 2 keys", fmtTrips(tripsUpdate), "–", "–", "–", "–"],
      ],
    );
    if (mem.status().pending !== 0) throw new Error(`writes left pending: ${JSON.stringify(mem.status())}`);
  } finally {
    await mem.close();
    await db.close();
    (db.client as unknown as Redis).disconnect(); // a client passed in stays open on db.close()
    raw.disconnect();
    await server.stop();
  }
}
