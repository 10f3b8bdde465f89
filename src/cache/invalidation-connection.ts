/**
 * Where the local tiers' invalidation connections come from (cache/coherence.ts): a duplicate
 * of the Database's client (of each master's on Cluster) with the options below, or, for a
 * driver whose own connections cannot receive invalidations (Valkey GLIDE), the connection of
 * narwhal's own that its adapter supplies (`ClientLike.invalidationConnection`).
 */
import type { ClientLike } from "../client";
import { SAFE_REDIS_OPTIONS } from "../client-safety";
import type { SubscribingClient } from "./tracking-connection";

/** An ioredis Cluster as coherence.ts reads it: its masters and its read routing. */
export interface ClusterLike extends ClientLike {
  nodes(role: string): Array<ClientLike & { options: { host?: string; port?: number } }>;
  options?: { scaleReads?: unknown };
}

/** Options of the invalidation connections: RESP2, no resend, no reconnect of their own (see tracking-connection.ts). */
const CONNECTION_OPTIONS = { ...SAFE_REDIS_OPTIONS, protocol: 2, retryStrategy: () => null, autoResubscribe: false, lazyConnect: false, connectionName: undefined, enableOfflineQueue: true };

/** A new invalidation connection to the server of `client` (a standalone client or one Cluster node). */
export function openInvalidationConnection(client: ClientLike): SubscribingClient {
  return client.invalidationConnection?.() ?? (client.duplicate(CONNECTION_OPTIONS) as ClientLike & Pick<SubscribingClient, "subscribe">);
}
