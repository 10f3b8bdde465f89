/**
 * Opening a MULTI or pipeline whose keys all hash to one cluster slot.
 *
 * An ioredis Cluster routes a batch by its own slot function (`cluster-key-slot`), which gets
 * keys with an empty hash tag followed by another `}` wrong (see slot.ts): a batch of such keys
 * is refused ("All keys in the pipeline should belong to the same slots allocation group") or
 * sent to another master than the slot's. When ioredis's slot and Redis's disagree on any key
 * of the batch, it goes straight to the connection of the master ioredis knows for the true
 * slot (a MOVED is then reported, not followed: the slot is migrating). Every other batch, and
 * every batch on another client, is the client's own.
 */
import calculateSlot from "cluster-key-slot";
import type { ClientBatch, ClientLike } from "./client";
import { isClusterClient } from "./client";
import { keySlot } from "./slot";

/** The part of an ioredis Cluster this module reads: its slot table and its masters. */
interface IoredisClusterLike extends ClientLike {
  /** ioredis's slot table: for each slot, the `host:port` of its master first. */
  slots: Array<string[] | undefined>;
  nodes(role: "master"): Array<ClientLike & { options: { host?: string; port?: number } }>;
}

function isIoredisCluster(client: ClientLike): client is IoredisClusterLike {
  const c = client as Partial<IoredisClusterLike> & { driver?: string };
  return isClusterClient(client) && c.driver === undefined && Array.isArray(c.slots) && typeof c.nodes === "function";
}

/**
 * @internal True when the key's first `{` is followed at once by `}`: the only keys whose slot
 * `cluster-key-slot` can get wrong (narwhal refuses lone surrogates, its other difference), so
 * the only ones worth a second CRC here.
 */
export function hasEmptyHashTag(key: string): boolean {
  const open = key.indexOf("{");
  return open >= 0 && key.charCodeAt(open + 1) === 0x7d;
}

/**
 * The client that should run a batch over `keys` (all of one slot, checked by the caller):
 * `client` itself, or on an ioredis Cluster that would misroute them, the slot's master.
 */
export function batchClient(client: ClientLike, keys: readonly string[]): ClientLike {
  if (keys.length === 0 || !isIoredisCluster(client)) return client;
  const slot = keySlot(keys[0]!);
  if (keys.every((key) => !hasEmptyHashTag(key) || calculateSlot(key) === slot)) return client;
  const owner = client.slots[slot]?.[0];
  const master = owner === undefined ? undefined : client.nodes("master").find((n) => `${n.options.host}:${n.options.port}` === owner);
  return master ?? client;
}

/** A MULTI (`atomic`) or pipeline for commands over `keys` (see {@link batchClient}). */
export function openBatch(client: ClientLike, atomic: boolean, keys: readonly string[]): ClientBatch {
  const target = batchClient(client, keys);
  return atomic ? target.multi() : target.pipeline();
}
