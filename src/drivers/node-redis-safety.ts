/**
 * What narwhal requires of a node-redis client or cluster it is given (the node-redis
 * counterpart of client-safety.ts), refused with a {@link ValidationError} naming the option:
 *
 * 1. An explicit protocol, `RESP: 2` or `RESP: 3`. narwhal reads replies in their RESP2 shapes
 *    (ioredis's); a RESP3 client's replies are mapped back to them (node-redis-resp3.ts), and
 *    narwhal's own pub/sub, CLIENT TRACKING and blocking connections are RESP2 duplicates. The
 *    option is required so that what the adapter decodes never depends on a library default.
 * 2. No `keyPrefix` (node-redis 6): like ioredis's, it does not reach keys built inside scripts
 *    nor SCAN patterns; narwhal's own `prefix` option does.
 * 3. No client-side cache (`clientSideCache`, RESP3 only anyway): its cached replies bypass the
 *    adapter's reply shapes; narwhal's cache has its own local tier.
 *
 * Nothing to require for resends: node-redis never writes a command twice. When a socket closes
 * it rejects the commands already written and, after reconnecting, writes only those still in
 * its offline queue (never sent). `disableOfflineQueue: true` is accepted too (calls while
 * reconnecting then fail at once, reported as not applied).
 */
import { ValidationError } from "../errors";
import type { NodeRedisCluster, NodeRedisClient } from "./node-redis-shape";

function refuse(message: string): never {
  throw new ValidationError({ path: "connection", message });
}

/** Throws when a node-redis client (`cluster`: a cluster) does not meet narwhal's requirements. */
export function assertSafeNodeRedis(client: NodeRedisClient | NodeRedisCluster, cluster: boolean): void {
  const what = cluster ? "this node-redis cluster" : "this node-redis client";
  const create = cluster ? "createCluster({ rootNodes, RESP: 2 })" : "createClient({ RESP: 2, … })";
  const options = cluster ? (client as NodeRedisCluster)._options : (client as NodeRedisClient).options;
  if (options?.RESP !== 2 && options?.RESP !== 3) {
    refuse(`${what} speaks the library's default protocol; narwhal needs it named: create it with ${create} (or RESP: 3)`);
  }
  const defaults = cluster ? (client as NodeRedisCluster)._options?.defaults : undefined;
  if (options?.keyPrefix || defaults?.keyPrefix) {
    refuse(`${what} has a keyPrefix, which does not reach keys built inside scripts nor SCAN patterns; drop it and use narwhal's \`prefix\` option instead`);
  }
  if (options?.clientSideCache || defaults?.clientSideCache) {
    refuse(`${what} has a clientSideCache, whose replies bypass narwhal; drop it (narwhal's cache has its own local tier)`);
  }
}
