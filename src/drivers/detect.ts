/**
 * What `new Database(connection)` was given, decided structurally (no driver is imported to
 * check `instanceof`: ioredis 5 and 6 classes differ, and node-redis is optional).
 *
 * The rule that matters: anything that looks like a client is never taken for ioredis
 * options. Before this check a node-redis client (no `call` method) was read as options and
 * narwhal silently connected to 127.0.0.1:6379, so data went to another server than the one
 * the caller had connected.
 */
import type { ClientLike } from "../client";
import { ValidationError } from "../errors";

/** How narwhal will talk to what it was given. */
export type ConnectionKind = "url" | "options" | "ioredis" | "node-redis" | "glide";

/** Methods or properties that only a client object has (ioredis, node-redis, GLIDE, redis v3…), never ioredis options. */
const CLIENT_MARKERS = ["sendCommand", "connect", "isOpen", "isReady", "multi", "pipeline", "duplicate", "quit", "disconnect", "exec", "customCommand", "createClient"];

/** The accepted forms, named in every refusal. */
export const ACCEPTED =
  "accepted: a redis:// URL, ioredis options (a plain object), an ioredis Redis or Cluster, a node-redis client from createClient() or createCluster() (redis ≥ 5, with RESP: 2 or RESP: 3), a Valkey GLIDE GlideClient or GlideClusterClient, or use Database.memory()";

/** True for the ioredis shape narwhal uses directly (ioredis Redis/Cluster, the embedded engine's MemoryClient). */
export function isIoredisShape(value: object): value is ClientLike {
  const v = value as Record<string, unknown>;
  return typeof v.call === "function" && typeof v.callBuffer === "function" && typeof v.multi === "function" && typeof v.pipeline === "function" && typeof v.duplicate === "function";
}

/** True for anything of node-redis that has `sendCommand` and `isOpen` (client, cluster, pool, sentinel…). */
function isNodeRedisFamily(value: object): boolean {
  return typeof (value as { sendCommand?: unknown }).sendCommand === "function" && "isOpen" in value;
}

/**
 * True for a node-redis (redis ≥ 5) `createClient()` (it has `unref` and `isPubSubActive`) or
 * `createCluster()` (`masters`, `getSlotMaster`) instance. A pool or a sentinel client has
 * other `sendCommand` signatures and is not one of them.
 */
export function isNodeRedisShape(value: object): boolean {
  const v = value as Record<string, unknown>;
  if (!isNodeRedisFamily(value) || typeof v.multi !== "function" || typeof v.duplicate !== "function" || typeof v.connect !== "function") return false;
  const client = typeof v.unref === "function" && "isPubSubActive" in v;
  const cluster = "masters" in v && typeof v.getSlotMaster === "function";
  return client || cluster;
}

/**
 * True for a Valkey GLIDE `GlideClient` or `GlideClusterClient` (their common BaseClient has
 * `customCommand`, `exec` and the pub/sub accessors `getPubSubMessage`/`tryGetPubSubMessage`).
 */
export function isGlideShape(value: object): boolean {
  const v = value as Record<string, unknown>;
  return typeof v.customCommand === "function" && typeof v.exec === "function" && typeof v.tryGetPubSubMessage === "function" && typeof v.getPubSubMessage === "function";
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A short description of `value` for error messages. */
function describe(value: object): string {
  if (isNodeRedisFamily(value)) return "a node-redis object that is neither a createClient() client nor a createCluster() cluster (a pool or a sentinel client?)";
  const markers = CLIENT_MARKERS.filter((m) => m in value);
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  const kind = isPlainObject(value) ? "a plain object" : name && name !== "Object" ? `an instance of ${name}` : "an object";
  return markers.length > 0 ? `${kind} with client members (${markers.join(", ")})` : kind;
}

/**
 * Classifies `connection`, or throws a {@link ValidationError} for an object that is a client
 * (or any class instance) narwhal does not support, naming what it got and what is accepted.
 */
export function connectionKind(connection: unknown): ConnectionKind {
  if (typeof connection === "string") return "url";
  if (typeof connection !== "object" || connection === null) {
    throw new ValidationError({ path: "connection", message: `got ${connection === null ? "null" : typeof connection}; ${ACCEPTED}` });
  }
  if (isIoredisShape(connection)) return "ioredis";
  if (isNodeRedisShape(connection)) return "node-redis";
  if (isGlideShape(connection)) return "glide";
  // ioredis options are a plain object with none of a client's members; anything else would be
  // misread as options (and connect to 127.0.0.1:6379).
  if (isPlainObject(connection) && !CLIENT_MARKERS.some((m) => m in connection)) return "options";
  throw new ValidationError({ path: "connection", message: `got ${describe(connection)}, which is not a client narwhal supports; ${ACCEPTED}` });
}
