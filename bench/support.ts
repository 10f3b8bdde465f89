/**
 * Shared benchmark helpers: a private redis-server, timed loops (single call and N in
 * flight), round-trip counting, and a markdown table printer. Benchmarks report ratios
 * against a baseline measured in the same run; absolute times on shared machines are noise.
 */
import { tracingChannel } from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";
import { rng } from "../test/support/random";
import { startStandalone } from "../test/support/servers";

export interface PrivateRedis {
  readonly socket: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts a throwaway redis-server (unix socket + loopback port, no persistence). */
export async function privateRedis(extraArgs: string[] = []): Promise<PrivateRedis> {
  return startStandalone(extraArgs);
}

export interface Timing {
  /** Operations per second. */
  readonly opsPerSec: number;
  /** Mean microseconds per operation (wall time / ops). */
  readonly meanUs: number;
  /** CPU time (user + system) of this process per operation, µs: steadier than wall time on a shared machine. */
  readonly cpuUs: number;
  /** Per-operation latency percentiles in µs (only for concurrency 1). */
  readonly p50Us?: number;
  readonly p99Us?: number;
}

/**
 * Runs `op` `iterations` times with `concurrency` calls in flight (1 = strictly sequential),
 * after `warmup` untimed calls. `op(i)` gets the call index.
 */
export async function time(
  op: (i: number) => Promise<unknown>,
  { iterations = 2000, concurrency = 1, warmup = 200 }: { iterations?: number; concurrency?: number; warmup?: number } = {},
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await op(i);
  if (concurrency === 1) {
    const samples = new Float64Array(iterations);
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < iterations; i++) {
      const t = performance.now();
      await op(i);
      samples[i] = (performance.now() - t) * 1000;
    }
    const total = performance.now() - start;
    const used = process.cpuUsage(cpu);
    samples.sort();
    return {
      opsPerSec: (iterations / total) * 1000,
      meanUs: (total * 1000) / iterations,
      cpuUs: (used.user + used.system) / iterations,
      p50Us: samples[Math.floor(iterations * 0.5)],
      p99Us: samples[Math.min(iterations - 1, Math.floor(iterations * 0.99))],
    };
  }
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < iterations) await op(next++);
    }),
  );
  const total = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { opsPerSec: (iterations / total) * 1000, meanUs: (total * 1000) / iterations, cpuUs: (used.user + used.system) / iterations };
}

/**
 * Per-call latencies (µs, sorted ascending) of several operations measured round-robin: call i
 * of every operation runs back to back, so all of them see the same machine conditions. On a
 * VM whose round trip moves between modes (CPU idle states), this keeps ratios between
 * contenders meaningful where separate timed loops would not. The order is shuffled each
 * round (seeded): a rotating order gives every contender the same predecessor, and a call
 * right after one on another client pays for that client's leftover work (node-redis's
 * deferred write, timers): ~1–2 µs, enough to flip a 1.05× ratio (issue 16).
 */
export async function interleaved(
  ops: ReadonlyArray<(i: number) => Promise<unknown>>,
  { iterations = 1500, warmup = 200 }: { iterations?: number; warmup?: number } = {},
): Promise<Float64Array[]> {
  for (let i = 0; i < warmup; i++) for (const op of ops) await op(i);
  const samples = ops.map(() => new Float64Array(iterations));
  const order = ops.map((_, j) => j);
  const random = rng(16); // seeded: the same shuffles on every run
  for (let i = 0; i < iterations; i++) {
    shuffle(order, random);
    for (const j of order) {
      const t = performance.now();
      await ops[j]!(i);
      samples[j]![i] = (performance.now() - t) * 1000;
    }
  }
  return samples.map((s) => s.sort());
}

/** Fisher–Yates shuffle of `xs` in place. */
export function shuffle(xs: number[], random: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}

/** Something with a socket-like `stream` (an ioredis Redis client). */
interface WithStream {
  stream?: { write: (...args: unknown[]) => boolean };
}

/**
 * Counts socket writes on a connected ioredis client while `fn` runs: with auto-pipelining
 * off, ioredis writes once per command and once per pipeline/MULTI, so this is the number
 * of round trips `fn` made. On narwhal's node-redis adapter, see {@link countNodeRedisWrites}.
 */
export async function countRoundTrips(client: unknown, fn: () => Promise<unknown>): Promise<number> {
  const native = (client as { driver?: string; native?: { _clientId?: string } }).driver === "node-redis" ? (client as { native: { _clientId?: string } }).native : undefined;
  if (native) return countNodeRedisWrites(native, fn);
  if ((client as { driver?: string }).driver === "glide") return countGlideRequests(client as { native?: GlideRequests }, fn);
  const stream = (client as WithStream).stream;
  if (!stream) throw new Error("client has no connected stream (connect it first)");
  const original = stream.write;
  let writes = 0;
  stream.write = function (this: unknown, ...args: unknown[]) {
    writes++;
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    stream.write = original;
  }
  return writes;
}

interface GlideRequests {
  customCommand: (...args: unknown[]) => unknown;
  exec: (...args: unknown[]) => unknown;
}

/**
 * Counts the requests narwhal's GLIDE adapter makes while `fn` runs: GLIDE writes to its Rust
 * core, not to Redis's socket, and the core sends each `customCommand` as one command and each
 * `exec` (a Batch: MULTI/EXEC or a pipeline) in one write, so each is one round trip to Redis.
 */
async function countGlideRequests(adapter: { native?: GlideRequests }, fn: () => Promise<unknown>): Promise<number> {
  const native = adapter.native;
  if (!native) throw new Error("GLIDE client not created yet (send a command first)");
  const { customCommand, exec } = native;
  let requests = 0;
  native.customCommand = function (this: unknown, ...args: unknown[]) {
    requests++;
    return customCommand.apply(this, args);
  };
  native.exec = function (this: unknown, ...args: unknown[]) {
    requests++;
    return exec.apply(this, args);
  };
  try {
    await fn();
  } finally {
    native.customCommand = customCommand;
    native.exec = exec;
  }
  return requests;
}

/** Formats a number with 3 significant digits. */
export function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return "–";
  if (n >= 1000) return Math.round(n).toLocaleString("en-US");
  return n.toPrecision(3);
}

/** Prints a markdown table. */
export function table(title: string, header: string[], rows: Array<Array<string | number>>): void {
  console.log(`\n### ${title}\n`);
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const row of rows) console.log(`| ${row.map((c) => (typeof c === "number" ? fmt(c) : c)).join(" | ")} |`);
}

/**
 * Counts the socket writes a node-redis client makes while `fn` runs. node-redis writes every
 * command queued before its next `setImmediate` in one corked write; its diagnostics channels
 * (`node-redis:command`, `node-redis:batch`) report each command and batch as it is queued, with
 * the client's id. So each queueing that finds no write already scheduled is one write: the
 * count mirrors node-redis's own scheduling, as the ioredis count mirrors its `stream.write`s.
 */
async function countNodeRedisWrites(native: { _clientId?: string }, fn: () => Promise<unknown>): Promise<number> {
  const id = native._clientId;
  if (id === undefined) throw new Error("node-redis client has no _clientId (node-redis ≥ 6 needed to count its writes)");
  let writes = 0;
  let scheduled = false;
  const start = (context: unknown) => {
    if ((context as { clientId?: string }).clientId !== id || scheduled) return;
    writes++;
    scheduled = true;
    setImmediate(() => (scheduled = false));
  };
  const channels = [tracingChannel("node-redis:command"), tracingChannel("node-redis:batch")];
  const handlers = { start };
  for (const c of channels) c.subscribe(handlers as never);
  try {
    await fn();
  } finally {
    for (const c of channels) c.unsubscribe(handlers as never);
  }
  return writes;
}
