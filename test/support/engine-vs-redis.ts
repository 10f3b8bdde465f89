/**
 * Two sides for byte-exact engine-vs-Redis checks: the harness's private redis-server (a
 * logical DB no other suite uses, flushed by the suite) and the real engine served over RESP
 * in-process (what `narwhal serve` runs), both through ioredis with `stringNumbers` so 64-bit
 * integers arrive as their exact decimal text.
 */
import { Redis } from "ioredis";
import { expect, inject } from "vitest";
import { createEngine } from "../../src/memory/create-engine";
import type { CreateEngineOptions } from "../../src/memory/create-engine";
import type { Engine } from "../../src/memory/engine";
import { startServer, type RunningServer } from "../../src/memory/resp";
import { startStandalone } from "./servers";

/** DB 13 of the private redis-server belongs to the suites using this helper. */
export const EXACT_DB = 13;

export interface ExactSides {
  readonly redis: Redis;
  readonly engine: Engine;
  readonly memory: Redis;
  readonly server: RunningServer;
  close(): Promise<void>;
}

/** Why the Redis side cannot run here (undefined: it can). */
export function redisUnavailable(): string | undefined {
  const standalone = inject("standalone");
  if (!standalone) return "no redis-server on PATH and no REDIS_URL";
  if (standalone.external && process.env.NARWHAL_TEST_ALLOW_FLUSH !== "1") return "REDIS_URL is external and NARWHAL_TEST_ALLOW_FLUSH is not 1 (the suite flushes DB 13)";
  return undefined;
}

/** Connects to the harness's redis-server (DB 13), or to `privateServer` (a suite that changes server settings),  and serves a new engine on a free loopback port. */
export async function openSides(options: CreateEngineOptions = {}, privateServer?: { path: string }): Promise<ExactSides> {
  const standalone = privateServer ?? inject("standalone")!;
  const clientOptions = { db: EXACT_DB, maxRetriesPerRequest: 1, stringNumbers: true };
  const redis = "url" in standalone && standalone.url ? new Redis(standalone.url, clientOptions) : new Redis({ path: standalone.path, ...clientOptions });
  const engine = createEngine(options);
  const server = await startServer({ port: 0, dispatcher: engine, createSession: () => engine.createSession(), closeSession: (s) => engine.closeSession(s), log: () => undefined });
  const memory = new Redis({ port: server.port, host: "127.0.0.1", db: EXACT_DB, maxRetriesPerRequest: 1, stringNumbers: true });
  await Promise.all([redis.flushdb(), memory.flushdb()]);
  return {
    redis,
    engine,
    memory,
    server,
    async close() {
      await redis.flushdb().catch(() => undefined);
      redis.disconnect();
      memory.disconnect();
      await server.close();
      engine.close();
    },
  };
}

/**
 * Like {@link openSides}, on a redis-server of its own (stopped by `close()`): for suites that
 * flush, change server-wide state, or must not share DB 13 with the suites running beside them.
 */
export async function openPrivateSides(options: CreateEngineOptions = {}): Promise<ExactSides & { readonly socket: string }> {
  const server = await startStandalone();
  const sides = await openSides(options, { path: server.socket });
  return {
    ...sides,
    socket: server.socket,
    async close() {
      await sides.close();
      await server.stop();
    },
  };
}

/** One command's reply as comparable text: errors as `!message`, Buffers as latin1. */
export async function reply(client: Redis, ...argv: Array<string | number>): Promise<unknown> {
  try {
    return show(await client.call(String(argv[0]), ...argv.slice(1).map(String)));
  } catch (error) {
    return `!${(error as Error).message}`;
  }
}

function show(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString("latin1");
  if (Array.isArray(value)) return value.map(show);
  return value;
}

/** Runs `commands` on redis-server, then on the engine, and expects the same replies in order; resolves redis-server's. */
export async function sameReplies(sides: ExactSides, commands: ReadonlyArray<ReadonlyArray<string | number>>): Promise<unknown[]> {
  const out: Record<"redis" | "memory", unknown[]> = { redis: [], memory: [] };
  for (const side of ["redis", "memory"] as const) for (const c of commands) out[side].push(await reply(sides[side], ...c));
  expect(out.memory).toEqual(out.redis);
  return out.redis;
}
