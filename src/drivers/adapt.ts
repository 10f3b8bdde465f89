/**
 * Turns a client object `new Database(x)` was given into narwhal's {@link ClientLike}: ioredis
 * clients (and the embedded engine's) are used as they are; node-redis clients and clusters
 * are checked (node-redis-safety.ts) and wrapped (node-redis.ts, node-redis-cluster.ts).
 */
import type { ClientLike } from "../client";
import { assertSafeClient } from "../client-safety";
import type { ConnectionKind } from "./detect";
import { NodeRedisAdapter, nodeRedisAdapter } from "./node-redis";
import { NodeRedisClusterAdapter, nodeRedisClusterAdapter } from "./node-redis-cluster";
import { assertSafeNodeRedis } from "./node-redis-safety";
import type { NodeRedisClient } from "./node-redis-shape";
import { isNodeRedisCluster } from "./node-redis-shape";

/** A node-redis client or cluster, as `new Database()`'s parameter type (structural: node-redis is optional). */
export interface NodeRedisLike {
  sendCommand(...args: never[]): unknown;
  readonly isOpen: boolean;
}

/** The ClientLike for a client object of `kind` ("ioredis" or "node-redis"); throws ValidationError for an unsafe one. */
export function adaptClient(connection: object, kind: Extract<ConnectionKind, "ioredis" | "node-redis">): ClientLike {
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
