/**
 * `npm run bench -- cache`: the hit path of `cache.wrap()` against
 *   - raw ioredis `getBuffer` + the same typed codec decode (the floor: one GET, one decode),
 *   - cache-manager 7 `wrap()` over its Redis store (`@keyv/redis`, node-redis underneath),
 * one call at a time and 100 in flight, on one private redis-server over loopback TCP (every
 * client on the same transport). A second baseline is raw ioredis with `enableAutoPipelining`
 * (the fair comparison under concurrency: narwhal batches the GETs of one tick into an MGET); then the stampede case: 1,000 concurrent calls on a cold key
 * and how many times `fn` ran. Ratios are against raw GET+decode measured in the same run,
 * in interleaved rounds (median of rounds), because absolute times on shared machines are noise.
 * Single-call ratios use the median latency: on a loaded machine, multi-ms stalls caused by
 * other processes land on any contender at random and swing the means.
 */
import { createKeyv } from "@keyv/redis";
import { createCache } from "cache-manager";
import { Redis } from "ioredis";
import { Database } from "../src/database";
import { typedCodec } from "../src/codec-typed";
import { privateRedis, table, time } from "./support";
import type { Timing } from "./support";

const KEYS = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SINGLE = Number(process.env.BENCH_SINGLE ?? 3000);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 20000);

function user(id: number) {
  return {
    id,
    name: `User ${id}`,
    email: `user${id}@example.com`,
    createdAt: new Date(1_700_000_000_000 + id),
    roles: ["reader", "writer"],
    prefs: { theme: "dark", lang: "en", notifications: { email: true, sms: false } },
    score: id * 1.5,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

type Op = (i: number) => Promise<unknown>;

/** Runs every contender once per round, in turn, and keeps the median of each metric. */
async function rounds(ops: Record<string, Op>, options: { iterations: number; concurrency: number }) {
  const samples: Record<string, Array<Timing & { cpuUs: number }>> = Object.fromEntries(Object.keys(ops).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, op] of Object.entries(ops)) {
      const cpu = process.cpuUsage();
      const t = await time(op, { ...options, warmup: 0 });
      const used = process.cpuUsage(cpu);
      samples[name]!.push({ ...t, cpuUs: (used.user + used.system) / options.iterations });
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, ts]) => [
      name,
      {
        meanUs: median(ts.map((t) => t.meanUs)),
        opsPerSec: median(ts.map((t) => t.opsPerSec)),
        p50Us: median(ts.map((t) => t.p50Us ?? NaN)),
        p99Us: median(ts.map((t) => t.p99Us ?? NaN)),
        cpuUs: median(ts.map((t) => t.cpuUs)),
      },
    ]),
  ) as Record<string, Required<Timing> & { cpuUs: number }>;
}

export default async function bench(): Promise<void> {
  const server = await privateRedis();
  const url = `redis://127.0.0.1:${server.port}`;
  const raw = new Redis(server.port, "127.0.0.1");
  const rawAuto = new Redis(server.port, "127.0.0.1", { enableAutoPipelining: true });
  // narwhal refuses clients that resend unanswered commands after a reconnect (ioredis's default).
  const db = new Database(new Redis(server.port, "127.0.0.1", { autoResendUnfulfilledCommands: false }), { prefix: "bench" });
  const db2 = new Database(new Redis(server.port, "127.0.0.1", { autoResendUnfulfilledCommands: false }), { prefix: "bench" });
  const keyv = createKeyv(url);
  const cm = createCache({ stores: [keyv] });
  try {
    const codec = typedCodec<ReturnType<typeof user>>();
    const cache = db.cache({ namespace: "c", ttl: 600 });
    let computed = 0;
    const load = async (id: number) => {
      computed++;
      return user(id);
    };
    const getUser = cache.wrap(load, { name: "getUser" });
    const cmGetUser = (id: number) => cm.wrap(`user:${id}`, () => load(id), 600_000);

    // Warm every key in all three.
    const pipeline = raw.pipeline();
    for (let id = 0; id < KEYS; id++) pipeline.set(`raw:user:${id}`, codec.encode(user(id)) as Buffer, "EX", 600);
    await pipeline.exec();
    for (let id = 0; id < KEYS; id++) {
      await getUser(id);
      await cmGetUser(id);
    }
    const before = computed;

    const ops: Record<string, Op> = {
      "raw ioredis GET + typed decode": async (i) => codec.decode((await raw.getBuffer(`raw:user:${i % KEYS}`))!),
      "raw ioredis (enableAutoPipelining) GET + typed decode": async (i) => codec.decode((await rawAuto.getBuffer(`raw:user:${i % KEYS}`))!),
      "narwhal wrap() hit": (i) => getUser(i % KEYS),
      "cache-manager 7 wrap() hit (@keyv/redis)": (i) => cmGetUser(i % KEYS),
    };
    // BENCH_ONLY=narwhal,raw ioredis GET keeps the contenders whose name contains one of the words.
    const only = process.env.BENCH_ONLY?.split(",").map((w) => w.trim());
    if (only) for (const name of Object.keys(ops)) if (!only.some((w) => name.includes(w))) delete ops[name];
    for (const op of Object.values(ops)) for (let i = 0; i < 2000; i++) await op(i); // JIT warm-up
    const single = await rounds(ops, { iterations: SINGLE, concurrency: 1 });
    const parallel = await rounds(ops, { iterations: PARALLEL, concurrency: 100 });
    if (computed !== before) throw new Error(`hits recomputed ${computed - before} values`);

    const base1 = single["raw ioredis GET + typed decode"] ?? Object.values(single)[0]!;
    const baseN = parallel["raw ioredis GET + typed decode"] ?? Object.values(parallel)[0]!;
    table(
      `hit path, ${ROUNDS} interleaved rounds (median), ${KEYS} warm keys, value = a 7-field user object with a Date`,
      ["contender", "1 in flight: p50 µs", "× raw (p50)", "mean µs", "p99 µs", "client CPU µs/op", "100 in flight: ops/s", "× raw time", "client CPU µs/op", "× raw CPU"],
      Object.keys(ops).map((name) => [
        name,
        single[name]!.p50Us,
        `${(single[name]!.p50Us / base1.p50Us).toFixed(2)}×`,
        single[name]!.meanUs,
        single[name]!.p99Us,
        single[name]!.cpuUs,
        parallel[name]!.opsPerSec,
        `${(baseN.opsPerSec / parallel[name]!.opsPerSec).toFixed(2)}×`,
        parallel[name]!.cpuUs,
        `${(parallel[name]!.cpuUs / baseN.cpuUs).toFixed(2)}×`,
      ]),
    );

    // Stampede: 1,000 concurrent calls on a cold key.
    const stampede = async (label: string, run: (key: number) => Promise<unknown>[]) => {
      const key = 1_000_000 + Math.floor(Math.random() * 1e6);
      let executions = 0;
      slow = async (id: number) => {
        executions++;
        await new Promise((r) => setTimeout(r, 20));
        return user(id);
      };
      const start = performance.now();
      await Promise.all(run(key));
      return [label, executions, performance.now() - start] as [string, number, number];
    };
    let slow: (id: number) => Promise<ReturnType<typeof user>> = load;
    const viaSlow = (id: number) => slow(id);
    const one = cache.wrap(viaSlow, { name: "stampede" });
    const locked1 = cache.wrap(viaSlow, { name: "stampedeLocked", lock: true });
    const locked2 = db2.cache({ namespace: "c", ttl: 600 }).wrap(viaSlow, { name: "stampedeLocked", lock: true });
    const unlocked2 = db2.cache({ namespace: "c", ttl: 600 }).wrap(viaSlow, { name: "stampede" });
    const rows = [
      await stampede("narwhal wrap() (single flight)", (k) => Array.from({ length: 1000 }, () => one(k))),
      await stampede("narwhal wrap(), 2 Database instances, no lock", (k) => Array.from({ length: 1000 }, (_, i) => (i % 2 ? one(k) : unlocked2(k)))),
      await stampede("narwhal wrap({ lock: true }), 2 Database instances", (k) => Array.from({ length: 1000 }, (_, i) => (i % 2 ? locked1(k) : locked2(k)))),
      await stampede("cache-manager 7 wrap()", (k) => Array.from({ length: 1000 }, () => cm.wrap(`user:${k}`, () => slow(k), 600_000))),
      await stampede("no cache coordination (1,000 plain calls)", (k) => Array.from({ length: 1000 }, () => slow(k))),
    ];
    table("stampede: 1,000 concurrent calls on a cold key (fn takes 20 ms)", ["contender", "fn executions", "wall ms"], rows);
  } finally {
    raw.disconnect();
    rawAuto.disconnect();
    for (const d of [db, db2]) {
      await d.close();
      d.client.disconnect();
    }
    await keyv.disconnect().catch(() => undefined);
    await server.stop();
  }
}
