/**
 * Turns a client object `new Database(x)` was given into narwhal's {@link ClientLike}: ioredis
 * clients (and the embedded engine's) are used as they are; node-redis clients and clusters
 * are checked (node-redis-safety.ts) and wrapped (node-redis.ts, node-redis-cluster.ts); Valkey
 * GLIDE clients are wrapped (glide.ts, glide-cluster.ts).
 */
import type { ClientLike } from "../client";
import { assertSafeClient } from "../client-safety";
import type { ConnectionKind } from "./detect";
import { NodeRedisAdapter, nodeRedisAdapter } from "./node-redis";
import { NodeRedisClusterAdapter, nodeRedisClusterAdapter } from "./node-redis-cluster";
import { assertSafeNodeRedis } from "./node-redis-safety";
import { ValidationError } from "../errors";
import { ACCEPTED } from "./detect";
import { glideAdapter } from "./glide";
import { GlideBase } from "./glide-base";
import { glideClusterAdapter } from "./glide-cluster";
import { configOf, isGlideCluster, type GlideNative } from "./glide-shape";
import type { NodeRedisClient } from "./node-redis-shape";
import { isNodeRedisCluster } from "./node-redis-shape";

/** A node-redis client or cluster, as `new Database()`'s parameter type (structural: node-redis is optional). */
export interface NodeRedisLike {
  sendCommand(...args: never[]): unknown;
  readonly isOpen: boolean;
}

/** A Valkey GLIDE client, as `new Database()`'s parameter type (structural: GLIDE is optional). */
export interface GlideLike {
  customCommand(...args: never[]): unknown;
  getPubSubMessage(): unknown;
}

/** The ClientLike for a client object of `kind` ("ioredis", "node-redis" or "glide"); throws ValidationError for an unsafe one. */
export function adaptClient(connection: object, kind: Extract<ConnectionKind, "ioredis" | "node-redis" | "glide">): ClientLike {
  if (connection instanceof GlideBase) return connection;
  if (kind === "glide") return adaptGlide(connection);
  // An adapter narwhal made (db.client of another Database) is checked by its node-redis client.
  if (connection instanceof NodeRedisAdapter) assertSafeNodeRedis(connection.native, false);
  else if (connection instanceof NodeRedisClusterAdapter) assertSafeNodeRedis(connection.native, true);
  else if (kind === "ioredis") assertSafeClient(connection as ClientLike);
  if (kind === "ioredis") {
    return connection as ClientLike;
  }
  if (isNodeRedisCluster(connection)) {
    assertSafeNodeRedis(connection, true);
    return nodeRedisClusterAdapter(connection);
  }
  assertSafeNodeRedis(connection as NodeRedisClient, false);
  return nodeRedisAdapter(connection as NodeRedisClient);
}

/** The adapter of a GLIDE client: a GlideClient or a GlideClusterClient (RESP2 or RESP3) with a readable configuration. */
function adaptGlide(connection: object): ClientLike {
  const name = (connection as { constructor?: { name?: string } }).constructor?.name ?? "GLIDE client";
  const config = configOf(connection);
  if (!config) throw new ValidationError({ path: "connection", message: `got a Valkey GLIDE ${name} whose configuration narwhal cannot read (GLIDE 2.x keeps it in \`config\`; needed to open dedicated connections). ${ACCEPTED}` });
  return isGlideCluster(connection) ? glideClusterAdapter(connection as GlideNative) : glideAdapter(connection as GlideNative);
}
