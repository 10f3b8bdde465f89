/**
 * Measuring helpers of the autocomplete bench: server time per search from SLOWLOG, latency
 * percentiles, throughput at N clients, memory and CPU of a private server.
 */
import { performance } from "node:perf_hooks";
import type { Redis } from "ioredis";

/** The p-quantile of an ascending array (NaN when empty). */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** p50, p99 and max of samples (any order). */
export function summary(samples: ArrayLike<number>): { p50: number; p99: number; max: number } {
  const s = Float64Array.from(samples).sort();
  return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), max: s.length ? s[s.length - 1]! : Number.NaN };
}

type SlowlogEntry = [number, number, number, string[]];
const MARK = "--search-done--";

/**
 * Server time of each search, from SLOWLOG: runs `search(q)` for every query, one at a time,
 * each followed by an ECHO marker, with every command logged; a search's time is the sum of the
 * logged commands named in `count` between two markers (a script's own commands are logged too:
 * count only the EVALSHA). Returns µs per search, in query order.
 */
export async function serverTimes(admin: Redis, count: readonly string[], queries: readonly string[], search: (q: string) => Promise<unknown>): Promise<number[]> {
  await admin.config("SET", "slowlog-max-len", "1000000");
  await admin.config("SET", "slowlog-log-slower-than", "0");
  await admin.slowlog("RESET");
  try {
    for (const q of queries) {
      await search(q);
      await admin.echo(MARK);
    }
    const log = ((await admin.slowlog("GET", 1_000_000)) as SlowlogEntry[]).reverse();
    const out: number[] = [];
    let sum = 0;
    for (const [, , us, args] of log) {
      const name = String(args[0]).toLowerCase();
      if (name === "echo" && args[1] === MARK) {
        out.push(sum);
        sum = 0;
      } else if (count.includes(name)) sum += us;
    }
    return out;
  } finally {
    await admin.config("SET", "slowlog-log-slower-than", "10000");
    await admin.config("SET", "slowlog-max-len", "128");
    await admin.slowlog("RESET");
  }
}

/** Searches per second with `clients` callers in flight, `total` searches over the queries. */
export async function throughput(search: (c: number, q: string) => Promise<unknown>, queries: readonly string[], clients: number, total: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (next < total) {
        const i = next++;
        await search(c, queries[i % queries.length]!);
      }
    }),
  );
  return (total / (performance.now() - started)) * 1000;
}

export async function usedMemory(r: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(String(await r.call("info", "memory")))?.[1] ?? 0);
}

/** Seconds of CPU the server process used so far (user + system). */
export async function serverCpu(r: Redis): Promise<number> {
  const info = String(await r.call("info", "cpu"));
  return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
}

/** "1.23×" */
export const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "–");
