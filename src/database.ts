/**
 * `Database`: owns (or borrows) an ioredis client, applies the key prefix, opens
 * containers, runs scripts, transactions and pipelines.
 */
import { Redis as IORedis, Cluster as IOCluster } from "ioredis";
import type { Cluster, Redis, RedisOptions } from "ioredis";
import type { ClientLike } from "./client";
import { isClusterClient } from "./client";
import type { Executor } from "./command";
import { ValidationError } from "./errors";
import { BatchExecutor, DirectExecutor } from "./executors";
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
import type { CacheOptions } from "./cache/options";

/** What `new Database()` accepts: a URL, ioredis options, or an existing ioredis `Redis`/`Cluster`. */
export type Connection = string | RedisOptions | Redis | Cluster | ClientLike;

/** Options of `new Database()`. */
export interface DatabaseOptions {
  /** Namespace of every key narwhal creates (`"app"` → `app:…`); default none. Must not contain braces. */
  readonly prefix?: string;
  /** For clients narwhal creates: ms to wait for a connection (default 5000). */
  readonly connectTimeout?: number;
  /** For clients narwhal creates: ms to wait for any reply before failing (default 5000). Blocking pops use their own connection without this limit. */
  readonly commandTimeout?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
const MAX_IDLE_DEDICATED = 4;

function isClientLike(value: unknown): value is ClientLike {
  return typeof value === "object" && value !== null && typeof (value as ClientLike).call === "function" && typeof (value as ClientLike).multi === "function";
}

/**
 * A Redis database seen through narwhal: a client, a key prefix, and factories for
 * containers, scripts, transactions and pipelines. Works with standalone Redis, Redis
 * Cluster and the embedded engine alike.
 */
export class Database extends Scope {
  /** The underlying client (ioredis `Redis`/`Cluster`, or the embedded engine's facade). */
  readonly client: ClientLike;
  /** The key builder for this Database's prefix. */
  readonly keys: KeySpace;
  /** True when the client is a Redis Cluster. */
  readonly isCluster: boolean;
  /** @internal */
  readonly executor: Executor;
  private readonly direct: DirectExecutor;
  private owned: boolean;
  private readonly idle: ClientLike[] = [];
  private readonly dedicated = new Set<ClientLike>();
  private lastConnectionError: string | undefined;
  private closed = false;

  /**
   * @param connection a `redis://` URL, ioredis options, or an ioredis `Redis`/`Cluster`
   *   (narwhal then never closes it). Default: `redis://127.0.0.1:6379`.
   * @param options prefix and timeouts.
   */
  constructor(connection: Connection = "redis://127.0.0.1:6379", options: DatabaseOptions = {}) {
    super();
    this.keys = new KeySpace(options.prefix ?? "");
    const connectTimeout = options.connectTimeout ?? DEFAULT_TIMEOUT_MS;
    const commandTimeout = options.commandTimeout ?? DEFAULT_TIMEOUT_MS;
    for (const [path, value] of [["connectTimeout", connectTimeout], ["commandTimeout", commandTimeout]] as const) {
      if (!Number.isFinite(value) || value <= 0) throw new ValidationError({ path, message: "must be a positive number of milliseconds" });
    }
    if (isClientLike(connection)) {
      this.client = connection;
      this.owned = false;
    } else {
      // Fail fast when Redis is unreachable: one retry per command, bounded connect and reply times.
      const defaults: RedisOptions = {
        connectTimeout,
        commandTimeout,
        maxRetriesPerRequest: 1,
        retryStrategy: (times: number) => Math.min(times * 200, 2000),
      };
      const client =
        typeof connection === "string" ? new IORedis(connection, defaults) : new IORedis({ ...defaults, ...(connection as RedisOptions) });
      this.client = client as unknown as ClientLike;
      this.owned = true;
      // Without a listener ioredis logs "Unhandled error event"; we keep the cause for error messages instead.
      client.on("error", (error: Error) => {
        this.lastConnectionError = error.message;
      });
    }
    this.isCluster = isClusterClient(this.client);
    this.direct = new DirectExecutor(this.client, () => this.describeServer());
    this.executor = this.direct;
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

  /** @internal Runs `fn` on a connection of its own (for blocking commands), then returns it to a small pool. */
  async withDedicatedConnection<T>(fn: (executor: Executor) => Promise<T>): Promise<T> {
    const connection = this.idle.pop() ?? this.client.duplicate({ commandTimeout: undefined });
    this.dedicated.add(connection);
    try {
      return await fn(new DirectExecutor(connection, () => this.describeServer()));
    } finally {
      if (this.closed || this.idle.length >= MAX_IDLE_DEDICATED) {
        this.dedicated.delete(connection);
        connection.disconnect();
      } else {
        this.idle.push(connection);
      }
    }
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
    return runBatch(new Batch(this, new BatchExecutor(this.client, true, () => this.describeServer())), fn);
  }

  /** Like {@link transaction} but sent as a pipeline: one round trip, not atomic. */
  pipeline<R>(fn: (p: Batch) => R | Promise<R>): Promise<BatchResult<R>> {
    return runBatch(new Batch(this, new BatchExecutor(this.client, false, () => this.describeServer())), fn);
  }

  /**
   * A search-as-you-type index named `name` (all its keys under the hash tag
   * `{<prefix>:ac:<name>}`, so it works on Redis Cluster). `Data` is the type of the payload
   * stored with each item (JSON by default).
   */
  autocomplete<Data = unknown>(name: string, options: AutocompleteOptions<Data> = {}): Autocomplete<Data> {
    return new Autocomplete<Data>(this, name, options);
  }

  /** Closes the connections narwhal opened (QUIT); a client passed in by the caller stays open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.dedicated) c.disconnect();
    this.dedicated.clear();
    this.idle.length = 0;
    if (!this.owned) return;
    try {
      await this.client.quit();
    } catch {
      // Already disconnected (e.g. Redis was unreachable): make sure no reconnect timer survives.
      this.client.disconnect();
    }
  }
}

/** Creates an ioredis Cluster for `new Database(cluster)`; a thin re-export so users need not import ioredis. */
export function createCluster(nodes: ConstructorParameters<typeof IOCluster>[0], options?: ConstructorParameters<typeof IOCluster>[1]): Cluster {
  return new IOCluster(nodes, options);
}
