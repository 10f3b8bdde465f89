/**
 * A Database on the driver the run selects, for the suites that connect to a server of their
 * own (a fault proxy, a closed or blackholed port, a redis-server they kill and restart) rather
 * than through {@link describeBackends}:
 *
 * - ioredis (default): narwhal builds its own ioredis client from host/port and the timeouts,
 *   as an application passing options does.
 * - `NARWHAL_DRIVER=node-redis` (`NARWHAL_NODE_REDIS=5|6`, `NARWHAL_NODE_REDIS_RESP=2|3`): a
 *   node-redis client with the same timeouts (`socket.connectTimeout`, `commandOptions.timeout`,
 *   and on node-redis 6 `rejectInFlight: true`, so the timeout covers a command already written,
 *   as ioredis's commandTimeout does; node-redis 5 has no such option) and the same reconnect
 *   delay, handed to `new Database(client)`.
 * - `NARWHAL_DRIVER=glide` (`NARWHAL_GLIDE_RESP=2|3`): a GLIDE GlideClient (`requestTimeout` the command timeout,
 *   `advancedConfiguration.connectionTimeout` the connect timeout, the reconnect delay as
 *   GLIDE's `connectionBackoff`), created in the background by narwhal's adapter (GLIDE
 *   creates clients asynchronously; a closed port leaves it `reconnecting`). Unix sockets:
 *   GLIDE connects over TCP only.
 *
 * Close with {@link closeDatabase}: narwhal never closes a client it was given.
 */
import { createClient as createClient6 } from "redis";
import { createClient as createClient5 } from "redis5";
import { GlideClient } from "@valkey/valkey-glide";
import { Database } from "../../src/database";
import { openGlide } from "../../src/drivers/glide";
import type { GlideClientClass } from "../../src/drivers/glide-shape";
import { driver, glideResp, nodeRedisMajor, nodeRedisResp } from "./driver-env";

export interface DriverDatabaseOptions {
  readonly prefix?: string;
  /** ms to establish a connection (default narwhal's). */
  readonly connectTimeout?: number;
  /** ms for a reply (default narwhal's). */
  readonly commandTimeout?: number;
  /** ms between reconnect attempts (default the driver's own backoff). */
  readonly reconnectDelay?: number;
}

const createClient = (nodeRedisMajor === 5 ? createClient5 : createClient6) as unknown as typeof createClient6;
/** narwhal's default connect and command timeout (database.ts), for the node-redis client. */
const DEFAULT_TIMEOUT_MS = 5000;

/** A Database on the selected driver for the server at 127.0.0.1:`port` (or a unix socket `path`). */
export function driverDatabase(where: { port: number } | { path: string }, options: DriverDatabaseOptions = {}): Database {
  const { prefix, connectTimeout, commandTimeout, reconnectDelay } = options;
  const timeouts = { ...(prefix !== undefined ? { prefix } : {}), ...(connectTimeout !== undefined ? { connectTimeout } : {}), ...(commandTimeout !== undefined ? { commandTimeout } : {}) };
  if (driver === "glide") {
    if ("path" in where) throw new Error("GLIDE connects over TCP only: no unix socket path");
    return new Database(glideConnection(where.port, { connectTimeout, commandTimeout, reconnectDelay }) as never, timeouts);
  }
  if (driver !== "node-redis") {
    const target = "path" in where ? { path: where.path } : { host: "127.0.0.1", port: where.port };
    return new Database({ ...target, ...(reconnectDelay !== undefined ? { retryStrategy: () => reconnectDelay } : {}) }, timeouts);
  }
  const socket = {
    ...("path" in where ? { path: where.path } : { host: "127.0.0.1", port: where.port }),
    connectTimeout: connectTimeout ?? DEFAULT_TIMEOUT_MS,
    ...(reconnectDelay !== undefined ? { reconnectStrategy: () => reconnectDelay } : {}),
  };
  const client = createClient({
    RESP: nodeRedisResp,
    socket: socket as { host: string; port: number },
    commandOptions: { timeout: commandTimeout ?? DEFAULT_TIMEOUT_MS, ...(nodeRedisMajor === 6 ? { rejectInFlight: true } : {}) },
  });
  // Connection errors reach narwhal through the adapter; an EventEmitter throws an unheard 'error'.
  client.on("error", () => undefined);
  client.connect().catch(() => undefined);
  return new Database(client, timeouts);
}

/** A GLIDE adapter (RESP2) for 127.0.0.1:`port`, its client created in the background. */
export function glideConnection(port: number, options: { connectTimeout?: number; commandTimeout?: number; reconnectDelay?: number; clientName?: string } = {}) {
  const { connectTimeout, commandTimeout, reconnectDelay, clientName } = options;
  return openGlide(GlideClient as unknown as GlideClientClass, {
    addresses: [{ host: "127.0.0.1", port }],
    // GLIDE's ProtocolVersion: 1 = RESP2, 0 = RESP3.
    protocol: glideResp === 3 ? 0 : 1,
    requestTimeout: commandTimeout ?? DEFAULT_TIMEOUT_MS,
    advancedConfiguration: { connectionTimeout: connectTimeout ?? DEFAULT_TIMEOUT_MS },
    ...(reconnectDelay !== undefined ? { connectionBackoff: { numberOfRetries: 1000, factor: reconnectDelay, exponentBase: 1 } } : {}),
    ...(clientName !== undefined ? { clientName } : {}),
  });
}

/** Closes `db` and its client, whoever built it (a given node-redis client is not closed by `db.close()`). */
export async function closeDatabase(db: Database): Promise<void> {
  try {
    await db.close();
  } finally {
    db.client.disconnect();
  }
}
