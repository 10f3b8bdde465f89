/**
 * `npm run bench -- cache-local`: the local tier (issue 12), on one private redis-server over
 * its unix socket, against baselines measured in the same run:
 *
 * 1. Hit path, in one process: a plain `Map.get` (sync), narwhal's local hit (`cache.get`,
 *    and a `wrap()`ed function), BentoCache's memory-tier hit (L1 memory + L2 Redis + bus,
 *    its defaults), and narwhal's Redis hit (no local tier) for scale. Timed in batches of 1,000
 *    calls, contenders interleaved batch by batch; p50/p99 of the per-call time over the batches.
 *    Also the cost of the `narwhal:cache:hit` diagnostics channel with and without a subscriber.
 * 2. Cross-process invalidation latency, 1,000 writes: a forked process writes the key (raw
 *    SET with ioredis for narwhal, `bento.set` for BentoCache); the time until this process has
 *    dropped its local copy (narwhal: the invalidation processed; BentoCache: its bus message
 *    received), on the machine's monotonic clock.
 * 3. Stampede: 1,000 concurrent calls (500 per process, 2 processes, common start) of a 20 ms
 *    function on a cold key: function executions and wall time.
 */
import { fork } from "node:child_process";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { fileURLToPath } from "node:url";
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { redisBusDriver, redisDriver } from "bentocache/drivers/redis";
import { narwhalModule } from "./narwhal-module";
import { fmt, privateRedis, table } from "./support";

const BATCH = 1000;
const BATCHES = Number(process.env.BENCH_BATCHES ?? 200);
const WRITES = Number(process.env.BENCH_WRITES ?? 1000);
const KEYS = 1000;

function user(id: number) {
  return { id, name: `User ${id}`, email: `user${id}@example.com`, createdAt: new Date(1_700_000_000_000 + id), roles: ["reader", "writer"], prefs: { theme: "dark", lang: "en" }, score: id * 1.5 };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** A forked process answering commands (bench/cache-local-child.ts). */
function child() {
  const proc = fork(fileURLToPath(new URL("./cache-local-child.ts", import.meta.url)), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let next = 0;
  const waiting = new Map<number, (v: unknown) => void>();
  proc.on("message", (m: { id: number; result?: unknown; error?: string }) => {
    const done = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) throw new Error(m.error);
    done?.(m.result);
  });
  return {
    send: <T>(cmd: unknown): Promise<T> =>
      new Promise<T>((resolve) => {
        const id = next++;
        waiting.set(id, resolve as (v: unknown) => void);
        proc.send({ id, cmd });
      }),
    kill: () => proc.kill(),
  };
}

export default async function run(): Promise<void> {
  const redis = await privateRedis();
  const prefix = "bl";
  const { Database, CACHE_CHANNELS, source } = await narwhalModule();
  console.log(`\nnarwhal loaded from ${source}`);
  const db = new Database({ path: redis.socket }, { prefix });
  const other = child();
  const bento = new BentoCache({
    default: "multi",
    stores: {
      multi: bentostore()
        .useL1Layer(memoryDriver({ maxItems: 10_000 }))
        .useL2Layer(redisDriver({ connection: { path: redis.socket } as never, prefix: `${prefix}-bento` }))
        .useBus(redisBusDriver({ connection: { path: redis.socket } as never })),
    },
  });
  try {
    await other.send({ op: "init", socket: redis.socket, prefix });
    const local = db.cache<ReturnType<typeof user>>({ namespace: "local", local: { maxEntries: 10_000 } });
    const remote = db.cache<ReturnType<typeof user>>({ namespace: "remote" });
    for (let i = 0; i < 200 && local.localState !== "up"; i++) await new Promise((r) => setTimeout(r, 5));
    const map = new Map<string, ReturnType<typeof user>>();
    const wrappedLocal = local.wrap(async (id: number) => user(id), { name: "user", ttl: 600 });
    const wrappedRemote = remote.wrap(async (id: number) => user(id), { name: "user", ttl: 600 });
    for (let i = 0; i < KEYS; i++) {
      map.set(`u${i}`, user(i));
      await local.set(`u${i}`, user(i));
      await bento.set({ key: `u${i}`, value: user(i) });
      await wrappedLocal(i);
      await wrappedRemote(i);
    }
    // Warm the local copies (a first read after our own write goes to Redis).
    for (let round = 0; round < 3; round++) for (let i = 0; i < KEYS; i++) {
      await local.get(`u${i}`);
      await wrappedLocal(i);
      await bento.get({ key: `u${i}` });
    }
    const keys = Array.from({ length: KEYS }, (_, i) => `u${i}`);
    let sink: unknown;
    const contenders: Array<[string, (i: number) => unknown]> = [
      ["Map.get (sync, baseline)", (i) => (sink = map.get(keys[i % KEYS]!))],
      ["narwhal local hit: await cache.get(k)", (i) => local.get(keys[i % KEYS]!)],
      ["narwhal local hit: await wrapped(id)", (i) => wrappedLocal(i % KEYS)],
      ["BentoCache memory-tier hit: await bento.get({ key })", (i) => bento.get({ key: keys[i % KEYS]! })],
      ["narwhal Redis hit, no local tier: await wrapped(id)", (i) => wrappedRemote(i % KEYS)],
    ];
    const listener = () => undefined;
    const samples = contenders.map(() => [] as number[]);
    const withSubscriber: number[] = [];
    for (let b = 0; b < BATCHES; b++) {
      for (let c = 0; c < contenders.length; c++) {
        const [, op] = contenders[(b + c) % contenders.length]!;
        const index = (b + c) % contenders.length;
        const slow = index === contenders.length - 1;
        const n = slow ? BATCH / 10 : BATCH;
        const t = process.hrtime.bigint();
        for (let i = 0; i < n; i++) {
          const r = op(i);
          if (r instanceof Promise) await r;
        }
        samples[index]!.push(Number(process.hrtime.bigint() - t) / n);
      }
      subscribe(CACHE_CHANNELS.hit, listener);
      const t = process.hrtime.bigint();
      for (let i = 0; i < BATCH; i++) await local.get(keys[i % KEYS]!);
      withSubscriber.push(Number(process.hrtime.bigint() - t) / BATCH);
      unsubscribe(CACHE_CHANNELS.hit, listener);
    }
    void sink;
    const rows = contenders.map(([name], i) => {
      const s = samples[i]!.sort((a, b) => a - b);
      return [name, fmt(pct(s, 0.5)), fmt(pct(s, 0.99)), fmt(1e9 / (s.reduce((x, y) => x + y, 0) / s.length))];
    });
    const sub = withSubscriber.sort((a, b) => a - b);
    rows.push(["narwhal local hit with a `narwhal:cache:hit` subscriber", fmt(pct(sub, 0.5)), fmt(pct(sub, 0.99)), fmt(1e9 / (sub.reduce((x, y) => x + y, 0) / sub.length))]);
    table(`hit path, ${BATCHES} interleaved batches of ${BATCH} calls (Redis hit: ${BATCH / 10}), ${KEYS} keys, value = a 7-field user object`, ["contender", "ns/call p50", "ns/call p99", "calls/s"], rows);
    const nw = pct(samples[1]!, 0.5);
    const bc = pct(samples[3]!, 0.5);
    console.log(`\nlocal hit ${fmt(nw)} ns (p50): ${(bc / nw).toFixed(1)}× faster than BentoCache's memory-tier hit; ${(nw / pct(samples[0]!, 0.5)).toFixed(1)}× the time of a plain synchronous Map.get`);

    // 2. Cross-process invalidation latency.
    const latencies = { narwhal: [] as number[], bento: [] as number[] };
    const inv = local.redisKey("hot");
    let evicted: bigint | undefined;
    const onInvalidate = (m: unknown) => {
      if ((m as { keys: string[] | null }).keys?.includes(inv)) evicted = process.hrtime.bigint();
    };
    subscribe(CACHE_CHANNELS.invalidate, onInvalidate);
    let received: bigint | undefined;
    bento.on("bus:message:received", () => (received = process.hrtime.bigint()));
    await local.set("hot", user(0));
    for (let i = 0; i < WRITES; i++) {
      // A local copy, stable for 1 ms (our own SET's invalidation has come and gone).
      for (;;) {
        await local.get("hot");
        if (!localHas(local, inv)) continue;
        await new Promise((r) => setTimeout(r, 1));
        if (localHas(local, inv)) break;
      }
      evicted = undefined;
      const t0 = BigInt(await other.send<string>({ op: "write", key: inv, value: String(i) }));
      while (evicted === undefined) await new Promise((r) => setImmediate(r));
      latencies.narwhal.push(Number(evicted - t0) / 1000);
      await local.set("hot", user(i)); // a valid entry again
      await bento.get({ key: "hot" });
      received = undefined;
      const b0 = BigInt(await other.send<string>({ op: "bento-write", key: "hot", value: String(i) }));
      while (received === undefined) await new Promise((r) => setImmediate(r));
      latencies.bento.push(Number(received - b0) / 1000);
    }
    unsubscribe(CACHE_CHANNELS.invalidate, onInvalidate);
    const lat = (xs: number[]) => {
      const s = xs.sort((a, b) => a - b);
      return [fmt(pct(s, 0.5)), fmt(pct(s, 0.99)), fmt(s.at(-1))];
    };
    table(`cross-process invalidation: the other process writes, this one's local copy is gone (${WRITES} writes, µs)`, ["contender", "p50 µs", "p99 µs", "max µs"], [
      ["narwhal (CLIENT TRACKING BCAST; raw SET from the other process)", ...lat(latencies.narwhal)],
      ["BentoCache bus (bento.set in the other process → pub/sub message received)", ...lat(latencies.bento)],
    ]);

    // 3. Stampede: ROUNDS rounds per contender, interleaved, each on a cold key of its own.
    const ROUNDS = 7;
    const kinds = ["lock", "nolock", "bento", "plain"] as const;
    const walls: Record<(typeof kinds)[number], number[]> = { lock: [], nolock: [], bento: [], plain: [] };
    const executions: Record<(typeof kinds)[number], number[]> = { lock: [], nolock: [], bento: [], plain: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of kinds) {
        const key = `stampede-${kind}-${round}-${Date.now()}`;
        let runs = 0;
        const fn = async () => {
          runs++;
          await new Promise((r) => setTimeout(r, 20));
          return { ok: true };
        };
        const call =
          kind === "plain"
            ? fn
            : kind === "bento"
            ? () => bento.getOrSet({ key, factory: fn, ttl: "1m" })
            : (() => {
                const w = db.cache({ namespace: "stampede" }).wrap(fn, { name: key, ttl: 60, lock: kind === "lock" ? { ttl: 5, wait: 5 } : false });
                return () => w();
              })();
        const startAt = process.hrtime.bigint() + 100_000_000n;
        const theirs = other.send<{ runs: number; end: string }>({ op: "stampede", kind, key, calls: 500, startAt: String(startAt), fnMs: 20 });
        while (process.hrtime.bigint() < startAt - 2_000_000n) await new Promise((r) => setTimeout(r, 1));
        while (process.hrtime.bigint() < startAt) {
          // common start
        }
        await Promise.all(Array.from({ length: 500 }, () => call()));
        const ours = process.hrtime.bigint();
        const them = await theirs;
        const end = ours > BigInt(them.end) ? ours : BigInt(them.end);
        walls[kind].push(Number(end - startAt) / 1e6);
        executions[kind].push(runs + them.runs);
      }
    }
    const labels = {
      lock: "narwhal wrap({ lock: true }): waiters woken by the entry's invalidation",
      nolock: "narwhal wrap() without lock (in-process single flight only)",
      bento: "BentoCache getOrSet (L1 + L2 + bus)",
      plain: "no cache: the 1,000 calls run fn itself (the floor of this machine)",
    };
    const rowsStampede = kinds.map((kind) => {
      const w = [...walls[kind]].sort((a, b) => a - b);
      const e = executions[kind];
      return [labels[kind], `${Math.min(...e)}–${Math.max(...e)}`, fmt(pct(w, 0.5)), fmt(w[0]), fmt(w.at(-1)), `${(pct(w, 0.5)! / 20).toFixed(2)}×`];
    });
    table(`stampede: 1,000 concurrent calls from 2 processes (500 each, common start) on a cold key, fn takes 20 ms; ${ROUNDS} interleaved rounds`, ["contender", "fn executions per round", "wall ms p50", "min", "max", "p50 × fn's 20 ms"], rowsStampede);
  } finally {
    await other.send({ op: "exit" }).catch(() => undefined);
    other.kill();
    await bento.disconnect().catch(() => undefined);
    await db.close();
    await redis.stop();
  }
}

/** True when `cache` holds a local copy of `redisKey` (bench only: peeks at the store). */
function localHas(cache: { local?: { store: { get(k: string): unknown } } }, redisKey: string): boolean {
  return cache.local?.store.get(redisKey) !== undefined;
}
