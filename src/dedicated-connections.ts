/**
 * Connections of their own for blocking commands (BLPOP/BRPOP), so a blocked call never
 * stalls the Database's shared connection, kept in a small pool.
 *
 * Rules (issue 9, defects 2 and 10):
 * - A blocking call settles within its blocking timeout plus the client's command timeout,
 *   whatever the server does: narwhal's own deadline, not the client's `commandTimeout`
 *   (which a Cluster's `redisOptions` would apply to a BLPOP longer than it).
 * - A connection whose call failed or missed its deadline is disconnected, never reused: the
 *   server may still hold its BLPOP, and would hand the next pushed element to that orphan,
 *   whose reply nobody reads.
 * - Each connection has an `error` listener (ioredis prints "Unhandled error event" otherwise)
 *   and, like the Database's client, never resends a command after a reconnect.
 */
import type { ClientLike } from "./client";
import { isClusterClient } from "./client";
import { SAFE_CLUSTER_OPTIONS, SAFE_REDIS_OPTIONS } from "./client-safety";
import type { Executor } from "./command";
import { ConnectionError } from "./errors";
import { DirectExecutor } from "./executors";

const MAX_IDLE = 4;

interface ClusterOptionsShape {
  readonly redisOptions?: Record<string, unknown>;
}

export class DedicatedConnections {
  private readonly idle: ClientLike[] = [];
  private readonly open = new Set<ClientLike>();
  private closed = false;

  constructor(
    private readonly client: ClientLike,
    private readonly server: () => string,
    /** ms a blocking call may take beyond its own timeout. */
    private readonly graceMs: number,
  ) {}

  /**
   * Runs `fn` on a dedicated connection, for a command that blocks up to `blockSeconds`
   * (0 = forever: no deadline). Rejects with a {@link ConnectionError} when no reply came
   * within `blockSeconds` + the command timeout, and closes that connection.
   */
  async run<T>(fn: (executor: Executor) => Promise<T>, blockSeconds: number): Promise<T> {
    const connection = this.idle.pop() ?? this.connect();
    this.open.add(connection);
    let reusable = false;
    try {
      const result = await this.withDeadline(fn(new DirectExecutor(connection, this.server)), blockSeconds, connection);
      reusable = true;
      return result;
    } finally {
      if (reusable && !this.closed && this.idle.length < MAX_IDLE) {
        this.idle.push(connection);
      } else {
        this.open.delete(connection);
        connection.disconnect();
      }
    }
  }

  /** Disconnects every dedicated connection (Database.close). */
  closeAll(): void {
    this.closed = true;
    for (const connection of this.open) connection.disconnect();
    this.open.clear();
    this.idle.length = 0;
  }

  /** A new connection: no client-side command timeout (the deadline is ours), no resend. */
  private connect(): ClientLike {
    let connection: ClientLike;
    if (isClusterClient(this.client)) {
      // Cluster.duplicate(startupNodes, options): the first argument is NOT the options.
      const options = (this.client as unknown as { options?: ClusterOptionsShape }).options ?? {};
      const redisOptions = { ...options.redisOptions, commandTimeout: undefined, ...SAFE_REDIS_OPTIONS };
      connection = this.client.duplicate([], { ...options, ...SAFE_CLUSTER_OPTIONS, redisOptions });
    } else {
      connection = this.client.duplicate({ commandTimeout: undefined, ...SAFE_REDIS_OPTIONS });
    }
    connection.on("error", () => undefined);
    return connection;
  }

  private withDeadline<T>(call: Promise<T>, blockSeconds: number, connection: ClientLike): Promise<T> {
    if (blockSeconds === 0) return call;
    const ms = Math.ceil(blockSeconds * 1000) + this.graceMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The server may still be blocked for this connection: cut it so it cannot take an element.
        connection.disconnect();
        reject(new ConnectionError(this.server(), `blocking call: no reply within ${ms} ms (its timeout plus the command timeout); its connection was closed`, { mayHaveApplied: true }));
      }, ms);
      call.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
