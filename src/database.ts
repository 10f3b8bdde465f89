/**
 * `Database`: owns (or borrows) an ioredis client, applies the key prefix, opens
 * containers, runs scripts, transactions and pipelines.
 */
import { Redis as IORedis, Cluster as IOCluster } from "ioredis";
import type { Cluster, Redis, RedisOptions } from "ioredis";
import type { ClientLike } from "./client";
import { isClusterClient } from "./client";
import { SAFE_CLUSTER_OPTIONS, SAFE_REDIS_OPTIONS } from "./client-safety";
import type { Executor } from "./command";
import { ValidationError } from "./errors";
import { BatchExecutor, DirectExecutor } from "./executors";
import { DedicatedConnections } from "./dedicated-connections";
import { ConnectionWatch } from "./connection-watch";
import { connectionKind } from "./drivers/detect";
import { adaptClient } from "./drivers/adapt";
import type { GlideLike, NodeRedisLike } from "./drivers/adapt";
import { KeySpace } from "./keys";
import { Scope } from "./scope";
import type { ScriptFunction, ScriptOptions } from "./script";
import { scriptFunction } from "./script";
import { Batch, runBatch } from "./batch";
import { MemoryClient } from "./memory/facade";
import type { MemoryClientOptions } from "./memory/facade";
import type { BatchResult } from "./batch";
import { Autocomplete } from "./autocomplete/autocomplete";
import type { AutocompleteOptions } from "./autocomplete/options";
import { Cache } from "./cache/cache";
import { closeCoherencesOf } from "./cache/coherence";
import type { CacheOptions } from "./cache/options";
import { Counter, Lock, RateLimiter, Semaphore } from "./coordination";
import type { CounterOptions, DistributedLockOptions, RateLimiterOptions, SemaphoreOptions } from "./coordination";
import { Synced } from "./sync/synced";
import type { SyncedOptions } from "./sync/options";

/**
 * What `new Database()` accepts: a URL, ioredis options, an existing ioredis `Redis`/`Cluster`,
 * or a node-redis (redis ≥ 5) client from `createClient({ RESP: 2 })` / `createCluster({ …, RESP: 2 })`.
 */
export type Connection = string | RedisOptions | Redis | Cluster | ClientLike | NodeRedisLike | GlideLike;

/** Options of `new Database()`. */
export interface DatabaseOptions {
  /** Namespace of every key narwhal creates (`"app"` → `app:…`); default none. Must not contain braces. */
  readonly prefix?: string;
  /** For clients narwhal creates: ms to wait for a connection (default 5000). */
  readonly connectTimeout?: number;
  /**
   * For clients narwhal creates: ms to wait for any reply before failing (default 5000). A
   * blocking pop waits its own timeout plus this, on a connection of its own.
   */
  readonly commandTimeout?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * A Redis database seen through narwhal: a client, a key prefix, and factories for
 * containers, scripts, transactions and pipelines. Works with standalone Redis, Redis
 * Cluster and the embedded engine alike.
 */
export class Database extends Scope {
  /** The underlying client (ioredis `Redis`/`Cluster`, the adapter over a node-redis client, or the embedded engine's facade). */
  readonly client: ClientLike;
  /** The key builder for this Database's prefix. */
  readonly keys: KeySpace;
  /** True when the client is a Redis Cluster. */
  readonly isCluster: boolean;
  /** @internal */
  readonly executor: Executor;
  private readonly direct: DirectExecutor;
  private owned: boolean;
  private readonly dedicated: DedicatedConnections;
  private readonly watch: ConnectionWatch | undefined;
  private lastConnectionError: string | undefined;
  private closed = false;

  /**
   * @param connection a `redis://` URL, ioredis options, an ioredis `Redis`/`Cluster`, or a
   *   node-redis client/cluster (narwhal then never closes it). Default: `redis://127.0.0.1:6379`.
   *   An ioredis client must not resend unanswered commands nor have a `keyPrefix` (see
   *   client-safety.ts): create it with `{ autoResendUnfulfilledCommands: false }` (a Cluster:
   *   with {@link createCluster}). A node-redis one must speak RESP2 (`RESP: 2`) and have no
   *   `keyPrefix` (drivers/node-redis-safety.ts).
   * @param options prefix and timeouts.
   * @throws ValidationError for such a client, for any other client object or class instance
   *   (it would otherwise be read as ioredis options), `keyPrefix` in options, or bad timeouts.
   */
  constructor(connection: Connection = "redis://127.0.0.1:6379", options: DatabaseOptions = {}) {
    super();
    this.keys = new KeySpace(options.prefix ?? "");
    const connectTimeout = options.connectTimeout ?? DEFAULT_TIMEOUT_MS;
    const commandTimeout = options.commandTimeout ?? DEFAULT_TIMEOUT_MS;
    for (const [path, value] of [["connectTimeout", connectTimeout], ["commandTimeout", commandTimeout]] as const) {
      if (!Number.isFinite(value) || value <= 0) throw new ValidationError({ path, message: "must be a positive number of milliseconds" });
    }
    const kind = connectionKind(connection);
    if (kind === "ioredis" || kind === "node-redis" || kind === "glide") {
      // A client the caller made (node-redis, GLIDE: wrapped in an adapter); narwhal never closes it.
      this.client = adaptClient(connection as object, kind);
      this.owned = false;
    } else {
      if (typeof connection === "object" && connection !== null && (connection as RedisOptions).keyPrefix) {
        throw new ValidationError({ path: "connection.keyPrefix", message: "ioredis does not apply keyPrefix to script-built keys or SCAN; use narwhal's `prefix` option instead" });
      }
      // Fail fast when Redis is unreachable: bounded connect and reply times; a command queued
      // while connecting fails with the first failed attempt (maxRetriesPerRequest 0), and while
      // the client is down calls are refused at once (connection-watch.ts); never resend a
      // command after a reconnect (client-safety.ts).
      const defaults: RedisOptions = {
        connectTimeout,
        commandTimeout,
        maxRetriesPerRequest: 0,
        retryStrategy: (times: number) => Math.min(times * 200, 2000),
      };
      const client =
        typeof connection === "string"
          ? new IORedis(connection, { ...defaults, ...SAFE_REDIS_OPTIONS })
          : new IORedis({ ...defaults, ...(connection as RedisOptions), ...SAFE_REDIS_OPTIONS });
      this.client = client as unknown as ClientLike;
      this.owned = true;
      // Without a listener ioredis logs "Unhandled error event"; we keep the cause for error messages instead.
      client.on("error", (error: Error) => {
        this.lastConnectionError = error.message;
      });
    }
    this.isCluster = isClusterClient(this.client);
    const server = () => this.describeServer();
    // Standalone clients (ioredis, node-redis): fail fast while down, settle the commands a closed
    // connection loses (connection-watch.ts). A Cluster's nodes never reconnect; their lost commands reject.
    const watched = !this.isCluster && !(this.client instanceof MemoryClient);
    this.watch = watched ? ConnectionWatch.of(this.client, server, this.owned ? connectTimeout : undefined) : undefined;
    this.direct = new DirectExecutor(this.client, server, this.watch);
    this.executor = this.direct;
    const clientTimeout = (this.client as { options?: { commandTimeout?: number } }).options?.commandTimeout;
    this.dedicated = new DedicatedConnections(this.client, server, clientTimeout ?? commandTimeout);
  }

  /**
   * A Database on narwhal's embedded in-process engine (no server): Redis 7.0 semantics,
   * its own data. Pass `engine` to share one engine between Databases (each gets its own
   * client session), `scripting` to give a new engine a Lua host. `close()` ends the client.
   */
  static memory(options: DatabaseOptions & MemoryClientOptions = {}): Database {
    const db = new Database(new MemoryClient(options) as unknown as ClientLike, options);
    db.owned = true;
    return db;
  }

  /** `host:port`, socket path, or the cluster's startup nodes, plus the last connection error seen. */
  describeServer(): string {
    const c = this.client as unknown as { options?: { host?: string; port?: number; path?: string }; startupNodes?: unknown[] };
    let where: string;
    if (this.isCluster) where = `cluster ${JSON.stringify(c.startupNodes ?? [])}`;
    else if (c.options?.path) where = c.options.path;
    else if (c.options?.host !== undefined) where = `${c.options.host}:${c.options.port ?? 6379}`;
    else where = "redis";
    return this.lastConnectionError ? `${where} (last connection error: ${this.lastConnectionError})` : where;
  }

  /** @internal Sends through `send()` failing fast while down and settling lost replies honestly (connection-watch.ts). */
  track<T>(send: () => Promise<T>, label: string): Promise<T> {
    return this.watch ? this.watch.run(send, label) : send();
  }

  /**
   * @internal Runs `fn` on a connection of its own (for a command that blocks up to
   * `blockSeconds`, 0 = forever); see dedicated-connections.ts.
   */
  withDedicatedConnection<T>(fn: (executor: Executor) => Promise<T>, blockSeconds: number): Promise<T> {
    if (this.closed) return Promise.reject(new ValidationError({ path: "database", message: "this Database is closed" }));
    return this.dedicated.run(fn, blockSeconds);
  }

  /**
   * A user-defined Lua script as a typed async function, run with EVALSHA (NOSCRIPT →
   * EVAL) in one round trip. Keys passed to the function are container names: the prefix is
   * applied. On Cluster all keys must share a slot (else `CrossSlotError`, checked
   * client-side). Use `fn.on(tx)` inside a transaction or pipeline.
   */
  script<TResult = unknown>(options: ScriptOptions<TResult>): ScriptFunction<TResult> {
    return scriptFunction(this, options);
  }

  /**
   * A memoizing cache over this Database: `get`/`set`/… under `<prefix>:<namespace>:<key>`,
   * `wrap(fn)` and `@cached` entries under `<prefix>:<namespace>:<name>:<digest>`. The default
   * codec is `codecs.typed()`; `ttl` 0 or absent means entries never expire. Opened on the
   * Database only: cache traffic never joins a transaction.
   */
  cache<V = unknown>(options: CacheOptions<V> = {}): Cache<V> {
    return new Cache<V>(this, options);
  }

  /**
   * Runs `fn` with a handle whose containers queue their commands into ONE MULTI/EXEC.
   * Their promises settle after EXEC, so `fn` must not await them; return them instead:
   * an array or plain object of promises returned by `fn` is resolved for you.
   * If `fn` throws, nothing is sent. If any command fails inside EXEC (Redis does not roll
   * back), its own promise rejects and the transaction rejects with a `TransactionError`.
   * On Cluster every key must share one slot (`CrossSlotError`).
   */
  transaction<R>(fn: (tx: Batch) => R | Promise<R>): Promise<BatchResult<R>> {
    return runBatch(new Batch(this, new BatchExecutor(this.client, true, () => this.describeServer(), this.watch)), fn);
  }

  /** Like {@link transaction} but sent as a pipeline: one round trip, not atomic. */
  pipeline<R>(fn: (p: Batch) => R | Promise<R>): Promise<BatchResult<R>> {
    return runBatch(new Batch(this, new BatchExecutor(this.client, false, () => this.describeServer(), this.watch)), fn);
  }

  /**
   * A search-as-you-type index named `name` (all its keys under the hash tag
   * `{<prefix>:ac:<name>}`, so it works on Redis Cluster). `Data` is the type of the payload
   * stored with each item (JSON by default).
   */
  autocomplete<Data = unknown>(name: string, options: AutocompleteOptions<Data> = {}): Autocomplete<Data> {
    return new Autocomplete<Data>(this, name, options);
  }

  /**
   * A distributed lock (keys under `{<prefix>:lock:<name>}`): `acquire()` → a handle with a
   * fencing token, `lost` signal, `extend()` and `release()`; `using(fn)`; `tryAcquire()`. One
   * script per call; waiters are woken by releases. See src/coordination/lock.ts.
   */
  lock(name: string, options: DistributedLockOptions = {}): Lock {
    return new Lock(this, name, options);
  }

  /** A counting semaphore of `limit` slots with the same handles as {@link lock} (server-clock expiry). */
  semaphore(name: string, options: SemaphoreOptions): Semaphore {
    return new Semaphore(this, name, options);
  }

  /** A rate limiter (sliding window, token bucket or GCRA) deciding on the server's clock, one script per call. */
  rateLimiter(name: string, options: RateLimiterOptions): RateLimiter {
    return new RateLimiter(this, name, options);
  }

  /** An exact integer counter at `<prefix>:<name>` (INCRBY), with an optional sliding idle ttl. */
  counter(name: string, options: CounterOptions = {}): Counter {
    return new Counter(this, name, options);
  }

  /**
   * A namespace of keys shared by every process that opens it (keys under
   * `{<prefix>:sync:<name>}`): `get` is synchronous from a local mirror kept coherent by
   * CLIENT TRACKING; each write is one `sync-write` script, or waits in a bounded journal
   * while Redis is down. See src/sync/synced.ts for the conflict rule.
   */
  synced<T extends object = Record<string, unknown>>(name: string, options: SyncedOptions<T> = {}): Synced<T> {
    return new Synced<T>(this, name, options);
  }

  /**
   * Closes the connections narwhal opened (QUIT), including the invalidation connections of its
   * caches' and autocomplete indexes' local tiers; a client passed in by the caller stays open.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dedicated.closeAll();
    closeCoherencesOf(this); // the invalidation connections of its caches' and indexes' local tiers
    if (!this.owned) return;
    try {
      await this.client.quit();
    } catch {
      // Already disconnected (e.g. Redis was unreachable): make sure no reconnect timer survives.
      this.client.disconnect();
    }
  }
}

/**
 * Creates an ioredis Cluster for `new Database(cluster)`, so users need not import ioredis,
 * with the options narwhal requires (no resend of a command whose connection closed:
 * `retryDelayOnFailover: 0`, nodes with `autoResendUnfulfilledCommands: false`).
 */
export function createCluster(nodes: ConstructorParameters<typeof IOCluster>[0], options: ConstructorParameters<typeof IOCluster>[1] = {}): Cluster {
  return new IOCluster(nodes, { ...options, ...SAFE_CLUSTER_OPTIONS, redisOptions: { ...options.redisOptions, ...SAFE_REDIS_OPTIONS } });
}
