/**
 * `npm run bench -- coordination`: locks and rate limiters against the Node packages people use
 * for them, on one private redis-server over loopback TCP (every client on the same transport):
 *   - lock acquire + release, uncontended, one call at a time (interleaved rounds: every
 *     contender sees the same machine conditions): narwhal `db.lock()`, redis-semaphore's
 *     Mutex, redlock 4 (single server), and the raw floor (SET NX PX + a compare-and-delete
 *     EVALSHA with ioredis);
 *   - the same lock contended by 10 workers, on one shared client (one process) and on 10
 *     clients (10 processes' worth): acquisitions per second, the wait of each acquisition, and
 *     how evenly the workers got the lock (narwhal wakes one waiter per process on release and
 *     serves a process's waiters in order; the others poll);
 *   - rate-limit checks: narwhal's three algorithms against rate-limiter-flexible's
 *     RateLimiterRedis (a fixed window), one at a time and 50 in flight, keys drawn from 1,000
 *     users with a fixed seed; the floor is one raw INCR.
 * Round trips per call are socket writes counted on the client (auto-pipelining off). Ratios are
 * against the raw floor measured in the same run; absolute times on shared machines are noise.
 */
import { Redis } from "ioredis";
import { RateLimiterRedis } from "rate-limiter-flexible";
import { Mutex } from "redis-semaphore";
import Redlock from "redlock";
import { Database } from "../src/database";
import { rng } from "../test/support/random";
import { countRoundTrips, interleaved, privateRedis, table, time } from "./support";

const SINGLE = Number(process.env.BENCH_SINGLE ?? 1500);
const CONTENDED = Number(process.env.BENCH_CONTENDED ?? 600);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 10_000);
const WORKERS = 10;
const USERS = 1000;

type Op = (i: number) => Promise<unknown>;

function pct(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

/** p50 / p99 / max of sorted µs samples, and the ratio of the p50 to `base`. */
function stats(sorted: Float64Array, base?: Float64Array): Array<number | string> {
  const p50 = pct(sorted, 0.5);
  return [p50, pct(sorted, 0.99), sorted[sorted.length - 1]!, base ? `${(p50 / pct(base, 0.5)).toFixed(2)}×` : "1.00×"];
}

export default async function bench(): Promise<void> {
  const server = await privateRedis();
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(server.port, "127.0.0.1", { autoResendUnfulfilledCommands: false });
    clients.push(c);
    return c;
  };
  const dbs: Database[] = [];
  const database = () => {
    const db = new Database(client(), { prefix: "bench" });
    dbs.push(db);
    return db;
  };
  try {
    // ---- uncontended acquire + release -------------------------------------------------------
    const raw = client();
    raw.defineCommand("unlock", { numberOfKeys: 1, lua: 'if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0' });
    const unlock = (raw as unknown as { unlock: (k: string, t: string) => Promise<number> }).unlock.bind(raw);
    const db = database();
    const lock = db.lock("solo", { ttlMs: 10_000 });
    const semClient = client();
    const redlockClient = client();
    const redlock = new Redlock([redlockClient as never], { retryCount: 0, driftFactor: 0.01 });
    const lockOps: Record<string, { op: Op; client: Redis }> = {
      "raw ioredis: SET NX PX + EVALSHA compare-and-delete": {
        client: raw,
        op: async (i) => {
          if ((await raw.set("raw:solo", `t${i}`, "PX", 10_000, "NX")) !== "OK") throw new Error("raw lock taken");
          await unlock("raw:solo", `t${i}`);
        },
      },
      "narwhal db.lock(): acquire() + release()": {
        client: db.client as unknown as Redis,
        op: async () => {
          const handle = await lock.acquire({ waitMs: 0 });
          await handle.release();
        },
      },
      "redis-semaphore 5 Mutex: acquire() + release()": {
        client: semClient,
        op: async () => {
          const mutex = new Mutex(semClient, "rs:solo", { lockTimeout: 10_000, acquireAttemptsLimit: 1, refreshInterval: 0 });
          await mutex.acquire();
          await mutex.release();
        },
      },
      "redlock 4 (1 server): lock() + unlock()": {
        client: redlockClient,
        op: async () => {
          const held = await redlock.lock("rl:solo", 10_000);
          await held.unlock();
        },
      },
    };
    const lockNames = Object.keys(lockOps);
    const trips: Record<string, number> = {};
    for (const name of lockNames) {
      const { op, client: c } = lockOps[name]!;
      await op(0); // loads scripts
      trips[name] = await countRoundTrips(c, () => op(1));
    }
    const lockSamples = await interleaved(lockNames.map((n) => lockOps[n]!.op), { iterations: SINGLE, warmup: 200 });
    table(
      `lock acquire + release, uncontended, 1 in flight (${SINGLE} interleaved calls each)`,
      ["contender", "round trips", "p50 µs", "p99 µs", "max µs", "× raw (p50)"],
      lockNames.map((name, k) => [name, String(trips[name]!), ...stats(lockSamples[k]!, lockSamples[0])]),
    );

    // ---- contended: WORKERS workers, one lock ------------------------------------------------
    // Two workloads: a tight loop (release, then at once acquire again: the releaser usually wins,
    // waiters starve), and a realistic one (hold 2 ms, then 2 ms of other work before the next
    // acquire: a waiter should get the lock as soon as it is released).
    type Acquire = () => Promise<() => Promise<unknown>>;
    /** Contenders; `shared`: every worker on one client (one process), else a client each. */
    const contenders = (shared: boolean): Array<[string, () => Acquire]> => {
      const narwhalDb = shared ? database() : undefined;
      const semShared = shared ? client() : undefined;
      const redlockShared = shared ? new Redlock([client() as never], { retryCount: -1, retryDelay: 10, retryJitter: 5 }) : undefined;
      return [
        [
          "narwhal db.lock() (woken by release)",
          () => {
            const l = (narwhalDb ?? database()).lock("busy", { ttlMs: 10_000, waitMs: 60_000 });
            return async () => {
              const h = await l.acquire();
              return () => h.release();
            };
          },
        ],
        [
          "redis-semaphore 5 Mutex (retryInterval 10 ms)",
          () => {
            const c = semShared ?? client();
            return async () => {
              const m = new Mutex(c, "rs:busy", { lockTimeout: 10_000, acquireTimeout: 60_000, retryInterval: 10, refreshInterval: 0 });
              await m.acquire();
              return () => m.release();
            };
          },
        ],
        [
          "redlock 4 (retryDelay 10 ms, jitter 5 ms)",
          () => {
            const r = redlockShared ?? new Redlock([client() as never], { retryCount: -1, retryDelay: 10, retryJitter: 5 });
            return async () => {
              const held = await r.lock("rl:busy", 10_000);
              return () => held.unlock();
            };
          },
        ],
      ];
    };
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const scenarios = [
      ["10 workers on ONE client (one process)", true, "hold 2 ms, 2 ms of other work between acquisitions", 2, 2],
      ["10 workers on 10 clients (10 processes' worth, one event loop)", false, "hold 2 ms, 2 ms of other work between acquisitions", 2, 2],
      ["10 workers on 10 clients", false, "tight loop: release, then acquire again at once", 0, 0],
    ] as const;
    for (const [setup, shared, label, holdMs, pauseMs] of scenarios) {
      const rows: Array<Array<string | number>> = [];
      for (const [name, make] of contenders(shared)) {
        const workers = Array.from({ length: WORKERS }, make);
        const waits: number[] = [];
        const perWorker = workers.map(() => 0);
        let done = 0;
        const started = performance.now();
        await Promise.all(
          workers.map(async (acquire, w) => {
            while (done < CONTENDED) {
              const t = performance.now();
              const release = await acquire();
              waits.push((performance.now() - t) * 1000);
              done++;
              perWorker[w]!++;
              if (holdMs) await sleep(holdMs);
              await release();
              if (pauseMs) await sleep(pauseMs);
            }
          }),
        );
        const rate = done / ((performance.now() - started) / 1000);
        const sorted = Float64Array.from(waits).sort();
        rows.push([name, Math.round(rate), pct(sorted, 0.5), pct(sorted, 0.99), sorted[sorted.length - 1]!, `${Math.min(...perWorker)}–${Math.max(...perWorker)}`]);
      }
      const base = rows[0]![1] as number;
      table(
        `one lock, ${setup}, ${CONTENDED} acquisitions in all; ${label} (wait = time in acquire())`,
        ["contender", "acquisitions/s", "× narwhal", "wait p50 µs", "wait p99 µs", "wait max µs", "acquisitions per worker (min–max)"],
        rows.map(([name, rate, ...rest]) => [name!, rate!, `${((rate as number) / base).toFixed(2)}×`, ...rest]),
      );
    }

    // ---- rate limiting -----------------------------------------------------------------------
    const random = rng(14);
    const users = Array.from({ length: PARALLEL + SINGLE + 1000 }, () => `user:${Math.floor(random() * USERS)}`);
    const rlfClient = client();
    const rlf = new RateLimiterRedis({ storeClient: rlfClient, keyPrefix: "rlf", points: 100, duration: 10 });
    const rlDb = database();
    const limiters = {
      "sliding-window": rlDb.rateLimiter("sw", { limit: 100, windowMs: 10_000 }),
      "token-bucket": rlDb.rateLimiter("tb", { limit: 100, windowMs: 10_000, algorithm: "token-bucket" }),
      gcra: rlDb.rateLimiter("gcra", { limit: 100, windowMs: 10_000, algorithm: "gcra" }),
    };
    const incrClient = client();
    const rateOps: Record<string, { op: Op; client: Redis }> = {
      "raw ioredis INCR (floor: one command)": { client: incrClient, op: (i) => incrClient.incr(`raw:${users[i % users.length]}`) },
      "narwhal rateLimiter sliding-window (exact log)": { client: rlDb.client as unknown as Redis, op: (i) => limiters["sliding-window"].consume(users[i % users.length]!) },
      "narwhal rateLimiter token-bucket": { client: rlDb.client as unknown as Redis, op: (i) => limiters["token-bucket"].consume(users[i % users.length]!) },
      "narwhal rateLimiter gcra": { client: rlDb.client as unknown as Redis, op: (i) => limiters.gcra.consume(users[i % users.length]!) },
      "rate-limiter-flexible 11 RateLimiterRedis (fixed window)": { client: rlfClient, op: (i) => rlf.consume(users[i % users.length]!).catch((r: unknown) => r) },
    };
    const rateNames = Object.keys(rateOps);
    const rateTrips: Record<string, number> = {};
    for (const name of rateNames) {
      const { op, client: c } = rateOps[name]!;
      await op(0);
      rateTrips[name] = await countRoundTrips(c, () => op(1));
    }
    const rateSamples = await interleaved(rateNames.map((n) => rateOps[n]!.op), { iterations: SINGLE, warmup: 200 });
    const rows: Array<Array<string | number>> = [];
    let floorOps = 0;
    for (let k = 0; k < rateNames.length; k++) {
      const name = rateNames[k]!;
      let next = 0;
      const t = await time(() => rateOps[name]!.op(next++), { iterations: PARALLEL, concurrency: 50, warmup: 500 });
      if (k === 0) floorOps = t.opsPerSec;
      rows.push([name, String(rateTrips[name]!), ...stats(rateSamples[k]!, rateSamples[0]), Math.round(t.opsPerSec), `${(t.opsPerSec / floorOps).toFixed(2)}×`]);
    }
    table(
      `rate-limit check (consume 1 of 100 per 10 s), keys from ${USERS} users (seed 14): ${SINGLE} interleaved calls at 1 in flight, then ${PARALLEL} calls at 50 in flight`,
      ["contender", "round trips", "p50 µs", "p99 µs", "max µs", "× floor (p50)", "50 in flight: checks/s", "× floor"],
      rows,
    );
  } finally {
    for (const db of dbs) await db.close();
    for (const c of clients) c.disconnect();
    await server.stop();
  }
}
