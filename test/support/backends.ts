/**
 * The backends every behavioural suite runs on. A suite is written once with
 * {@link describeBackends} and runs on each backend: standalone redis-server, a 3-master
 * cluster and the embedded memory engine. The server backends' Databases get ioredis 6
 * clients, or ioredis 5 (`NARWHAL_IOREDIS=5`), or node-redis 6 (`NARWHAL_DRIVER=node-redis`) or 5
 * (`NARWHAL_DRIVER=node-redis NARWHAL_NODE_REDIS=5`), RESP2 or, with `NARWHAL_NODE_REDIS_RESP=3`,
 * RESP3, or Valkey GLIDE (`NARWHAL_DRIVER=glide`: a RESP2 GlideClient on standalone over TCP, a
 * RESP2 GlideClusterClient on the cluster; RESP3 with `NARWHAL_GLIDE_RESP=3`). Each suite gets a Database
 * with a prefix of its own, so suites never see each other's keys and nothing is flushed.
 */
import { randomBytes } from "node:crypto";
import { Redis as Redis6, Cluster as Cluster6 } from "ioredis";
import { Redis as Redis5, Cluster as Cluster5 } from "ioredis5";
import { createClient as createClient6, createCluster as createCluster6 } from "redis";
import { createClient as createClient5, createCluster as createCluster5 } from "redis5";
import { afterAll, beforeAll, describe, inject } from "vitest";
import type { ClientLike } from "../../src/client";
import { Database } from "../../src/database";
import { nodeRedisAdapter } from "../../src/drivers/node-redis";
import { nodeRedisClusterAdapter } from "../../src/drivers/node-redis-cluster";
import type { NodeRedisClient, NodeRedisCluster } from "../../src/drivers/node-redis-shape";
import { createEngine } from "../../src/memory/create-engine";
import { GlideClusterClient } from "@valkey/valkey-glide";
import { glideConnection } from "./driver-database";
import { openGlideCluster } from "../../src/drivers/glide-cluster";
import type { GlideClientClass } from "../../src/drivers/glide-shape";
import { MemoryClient } from "../../src/memory/facade";

export type BackendName = "standalone" | "cluster" | "memory";

/** Capabilities a suite may require; a backend that lacks one skips that suite by name, with the reason. */
export type Feature = "lua" | "connections" | "tracking";

export interface Backend {
  readonly name: BackendName;
  /** Why it cannot run here, or undefined when it can. */
  readonly unavailable?: string;
  /** Features this backend lacks, with the reason (suites requiring them are skipped by name). */
  readonly lacks?: Partial<Record<Feature, string>>;
  /**
   * A new client of this backend; the caller closes it. `name` sets the connection name
   * (CLIENT SETNAME, restored on reconnect), so a test can kill its own connections only.
   */
  client(name?: string): ClientLike;
  /** A client for asserting raw state (ioredis whatever the driver); default {@link client}. */
  rawClient?(name?: string): ClientLike;
}

/** Which ioredis major the suites use: `NARWHAL_IOREDIS=5` selects ioredis 5 (CI runs both). */
export const ioredisMajor = process.env.NARWHAL_IOREDIS === "5" ? 5 : 6;
// The two majors' classes have incompatible constructor types; the suites only need these shapes.
type AnyRedisCtor = new (...args: unknown[]) => unknown;
const RedisClass = (ioredisMajor === 5 ? Redis5 : Redis6) as unknown as AnyRedisCtor;
const ClusterClass = (ioredisMajor === 5 ? Cluster5 : Cluster6) as unknown as AnyRedisCtor;

export { driver, nodeRedisMajor, nodeRedisResp } from "./driver-env";
import { driver, glideResp, nodeRedisMajor, nodeRedisResp } from "./driver-env";

// The two majors' factories have incompatible option types; the suites pass the options both accept.
const createClient = (nodeRedisMajor === 5 ? createClient5 : createClient6) as unknown as typeof createClient6;
const createCluster = (nodeRedisMajor === 5 ? createCluster5 : createCluster6) as unknown as typeof createCluster6;

/** A connected node-redis client (its adapter: the suites call `.call()`/`.on()` on clients); `new Database(adapter)` checks the node-redis client under it. */
function nodeRedisStandalone(where: { url?: string; path?: string }, name?: string): ClientLike {
  const client = createClient({ RESP: nodeRedisResp, name, url: where.url, socket: where.path ? { path: where.path, tls: false as const } : undefined });
  const adapter = nodeRedisAdapter(client as unknown as NodeRedisClient);
  client.connect().catch(() => undefined);
  return adapter;
}

function nodeRedisCluster(nodes: Array<{ host: string; port: number }>, name?: string): ClientLike {
  const cluster = createCluster({ RESP: nodeRedisResp, rootNodes: nodes.map((n) => ({ socket: { host: n.host, port: n.port } })), defaults: { name } });
  const adapter = nodeRedisClusterAdapter(cluster as unknown as NodeRedisCluster);
  cluster.connect().catch(() => undefined);
  return adapter;
}

/** A GLIDE adapter for the standalone server (GLIDE connects over TCP: a unix-socket server is reached by the TCP port the harness also opens). */
function glideStandalone(where: { url?: string; path?: string; port?: number }, name?: string): ClientLike {
  const port = where.port ?? (where.url ? Number(new URL(where.url).port) : undefined);
  if (port === undefined) throw new Error("GLIDE needs the standalone server's TCP port");
  return glideConnection(port, { commandTimeout: 10000, clientName: name }) as unknown as ClientLike;
}

/** A GLIDE cluster adapter for the test cluster, its GlideClusterClient created in the background. */
function glideCluster(nodes: Array<{ host: string; port: number }>, name?: string): ClientLike {
  return openGlideCluster(GlideClusterClient as unknown as GlideClientClass, {
    addresses: nodes,
    // GLIDE's ProtocolVersion: 1 = RESP2, 0 = RESP3.
    protocol: glideResp === 3 ? 0 : 1,
    requestTimeout: 10000,
    ...(name !== undefined ? { clientName: name } : {}),
  }) as unknown as ClientLike;
}

/** What the suite's Database is given: for node-redis the node-redis client itself (detection and safety checks included). */
export function connectionOf(client: ClientLike): ClientLike {
  return ((client as { native?: ClientLike }).native ?? client) as ClientLike;
}

export function backends(): Backend[] {
  const standalone = inject("standalone");
  const cluster = inject("cluster");
  // narwhal refuses clients that resend unanswered commands after a reconnect (client-safety.ts).
  const quiet = { maxRetriesPerRequest: 1, commandTimeout: 10000, autoResendUnfulfilledCommands: false };
  const ioStandalone = (name?: string) =>
    (standalone?.url
      ? new RedisClass(standalone.url, { ...quiet, connectionName: name })
      : new RedisClass({ path: standalone?.path, ...quiet, connectionName: name })) as unknown as ClientLike;
  const ioCluster = (name?: string) => new ClusterClass(cluster?.nodes ?? [], { retryDelayOnFailover: 0, redisOptions: { ...quiet, connectionName: name } }) as unknown as ClientLike;
  const nodeRedis = driver === "node-redis";
  const glide = driver === "glide";
  const standaloneClient = nodeRedis ? (name?: string) => nodeRedisStandalone(standalone ?? {}, name) : glide ? (name?: string) => glideStandalone(standalone ?? {}, name) : ioStandalone;
  return [
    {
      name: "standalone",
      unavailable: standalone ? undefined : "no redis-server on PATH and no REDIS_URL",
      client: standaloneClient,
      rawClient: ioStandalone,
    },
    {
      name: "cluster",
      unavailable: cluster ? undefined : "no redis-server on PATH and no REDIS_CLUSTER_URL",
      client: nodeRedis ? (name) => nodeRedisCluster(cluster?.nodes ?? [], name) : glide ? (name) => glideCluster(cluster?.nodes ?? [], name) : ioCluster,
      rawClient: ioCluster,
    },
    memoryBackend(),
  ];
}

/** The embedded engine: one engine per suite, every client a session on it (so `raw` sees `db`'s data). */
function memoryBackend(): Backend {
  const engine = createEngine();
  const lacks: Partial<Record<Feature, string>> = {
    connections: "in-process clients have no network connection for CLIENT KILL to cut",
  };
  if (!engine.scripting) lacks.lua = "the embedded engine has no Lua host on this build (EVAL/EVALSHA answer an error; see README, Backends → embedded engine)";
  return { name: "memory", lacks, client: () => new MemoryClient({ engine }) as unknown as ClientLike };
}

export interface SuiteOptions {
  /** Features the suite needs; backends lacking one skip the suite, naming the reason. */
  readonly requires?: readonly Feature[];
}

export interface SuiteContext {
  readonly backend: Backend;
  /** A Database with a prefix unique to this suite. */
  readonly db: Database;
  /** A second, plain client for asserting the raw Redis state. */
  readonly raw: ClientLike;
  /** The suite's key prefix. */
  readonly prefix: string;
}

/** Deletes every key under `prefix` (SCAN + UNLINK), on every master of a cluster. */
async function cleanup(raw: ClientLike, prefix: string): Promise<void> {
  const nodes = (raw as unknown as { nodes?: (role: string) => ClientLike[] }).nodes?.("master") ?? [raw];
  for (const node of nodes) {
    for (const pattern of [`${prefix}:*`, `{${prefix}:*`]) {
      let cursor = "0";
      do {
        const [next, keys] = (await node.call("scan", cursor, "MATCH", pattern, "COUNT", 1000)) as [string, string[]];
        cursor = next;
        for (const key of keys) await node.call("unlink", key);
      } while (cursor !== "0");
    }
  }
}

/** Runs `body` once per backend, inside `describe("<title> [<backend>]")`. */
export function describeBackends(title: string, body: (ctx: () => SuiteContext) => void, options: SuiteOptions = {}): void {
  for (const backend of backends()) {
    // The driver is named when it is not the default, so a report says what ran.
    const label = driver === "node-redis" ? `node-redis ${nodeRedisMajor}${nodeRedisResp === 3 ? " RESP3" : ""}` : driver === "glide" ? `GLIDE${glideResp === 3 ? " RESP3" : ""}` : driver;
    const name = driver !== "ioredis" && backend.name !== "memory" ? `${title} [${backend.name}, ${label}]` : `${title} [${backend.name}]`;
    if (backend.unavailable) {
      describe.skip(`${name}: not run, ${backend.unavailable}`, () => body(() => ({}) as SuiteContext));
      continue;
    }
    const missing = (options.requires ?? []).filter((f) => backend.lacks?.[f] !== undefined);
    if (missing.length > 0) {
      describe.skip(`${name}: not run, needs ${missing.map((f) => `${f} (${backend.lacks![f]})`).join(", ")}`, () => body(() => ({}) as SuiteContext));
      continue;
    }
    describe(name, () => {
      let ctx: SuiteContext | undefined;
      beforeAll(async () => {
        const prefix = `t${randomBytes(4).toString("hex")}`;
        const db = new Database(connectionOf(backend.client()), { prefix });
        const raw = backend.rawClient?.() ?? backend.client();
        ctx = { backend, db, raw, prefix };
      });
      afterAll(async () => {
        if (!ctx) return;
        await cleanup(ctx.raw, ctx.prefix);
        await ctx.db.close();
        ctx.db.client.disconnect();
        ctx.raw.disconnect();
      });
      body(() => {
        if (!ctx) throw new Error("suite context used outside a test");
        return ctx;
      });
    });
  }
}
