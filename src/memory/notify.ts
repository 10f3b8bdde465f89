/**
 * Keyspace notifications as Redis 7.0 (notify.c): `notify-keyspace-events` holds a flags integer
 * built from Redis's class letters (K E g $ l s h z x e t m d n A), and every modification
 * publishes `__keyspace@<db>__:<key>` → event and `__keyevent@<db>__:<event>` → key to the
 * engine's publish listeners (the `narwhal serve` hub, the MemoryClients' hub), synchronously,
 * inside the command, as Redis does. With the flags at 0 (the default) a command pays one
 * integer test per event site: no string or Buffer is built.
 */
import { Buffer } from "node:buffer";

/** Redis's NOTIFY_* classes (server.h). */
export const NOTIFY_KEYSPACE = 1 << 0;
export const NOTIFY_KEYEVENT = 1 << 1;
export const NOTIFY_GENERIC = 1 << 2;
export const NOTIFY_STRING = 1 << 3;
export const NOTIFY_LIST = 1 << 4;
export const NOTIFY_SET = 1 << 5;
export const NOTIFY_HASH = 1 << 6;
export const NOTIFY_ZSET = 1 << 7;
export const NOTIFY_EXPIRED = 1 << 8;
export const NOTIFY_EVICTED = 1 << 9;
export const NOTIFY_STREAM = 1 << 10;
export const NOTIFY_KEY_MISS = 1 << 11;
export const NOTIFY_MODULE = 1 << 13;
export const NOTIFY_NEW = 1 << 14;
/** `A`: every class but `m` (key miss) and `n` (new key), as in Redis. */
export const NOTIFY_ALL = NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

const LETTERS: ReadonlyArray<readonly [string, number]> = [
  ["A", NOTIFY_ALL], ["g", NOTIFY_GENERIC], ["$", NOTIFY_STRING], ["l", NOTIFY_LIST], ["s", NOTIFY_SET], ["h", NOTIFY_HASH],
  ["z", NOTIFY_ZSET], ["x", NOTIFY_EXPIRED], ["e", NOTIFY_EVICTED], ["K", NOTIFY_KEYSPACE], ["E", NOTIFY_KEYEVENT],
  ["t", NOTIFY_STREAM], ["m", NOTIFY_KEY_MISS], ["d", NOTIFY_MODULE], ["n", NOTIFY_NEW],
];

/** Redis's keyspaceEventsStringToFlags: the flags, or -1 for a character that names no class (case-sensitive). */
export function keyspaceEventsToFlags(classes: string): number {
  let flags = 0;
  for (const c of classes) {
    const entry = LETTERS.find(([letter]) => letter === c);
    if (!entry) return -1;
    flags |= entry[1];
  }
  return flags;
}

/** Redis's keyspaceEventsFlagsToString: CONFIG GET's normalised text (`A` when every class is on, then K, E, m). */
export function keyspaceEventsToString(flags: number): string {
  let out = "";
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out = "A";
  else {
    for (const [letter, bit] of [["g", NOTIFY_GENERIC], ["$", NOTIFY_STRING], ["l", NOTIFY_LIST], ["s", NOTIFY_SET], ["h", NOTIFY_HASH], ["z", NOTIFY_ZSET], ["x", NOTIFY_EXPIRED], ["e", NOTIFY_EVICTED], ["t", NOTIFY_STREAM], ["d", NOTIFY_MODULE], ["n", NOTIFY_NEW]] as const) {
      if (flags & bit) out += letter;
    }
  }
  if (flags & NOTIFY_KEYSPACE) out += "K";
  if (flags & NOTIFY_KEYEVENT) out += "E";
  if (flags & NOTIFY_KEY_MISS) out += "m";
  return out;
}

/** Receives each notification as a PUBLISH would: channel, message. */
export type PublishListener = (channel: Buffer, message: Buffer) => void;

/** An engine's notification settings and the pub/sub hubs it publishes to. */
export class KeyspaceNotifier {
  /** `notify-keyspace-events` as Redis's flags integer; 0 = off (the default). */
  flags = 0;
  private readonly listeners = new Set<PublishListener>();

  /** Adds a hub; returns the function that removes it. */
  listen(listener: PublishListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Redis's notifyKeyspaceEvent(type, event, key, dbid): `key` is the engine's latin1 key identity. */
  emit(type: number, event: string, key: string, db: number): void {
    const flags = this.flags;
    if ((flags & type) === 0 || (flags & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT)) === 0) return;
    const keyBytes = Buffer.from(key, "latin1");
    const eventBytes = Buffer.from(event, "latin1");
    if (flags & NOTIFY_KEYSPACE) this.publish(Buffer.concat([Buffer.from(`__keyspace@${db}__:`), keyBytes]), eventBytes);
    if (flags & NOTIFY_KEYEVENT) this.publish(Buffer.from(`__keyevent@${db}__:${event}`, "latin1"), keyBytes);
  }

  private publish(channel: Buffer, message: Buffer): void {
    for (const listener of this.listeners) listener(channel, message);
  }
}

/**
 * A command's event on `key` in the selected database (Redis's notifyKeyspaceEvent(type, event,
 * c->argv[i], c->db->id)): one integer test when notifications are off.
 */
export function notify(ctx: { readonly db: { readonly index: number; readonly notifier: KeyspaceNotifier } }, type: number, event: string, key: string): void {
  const notifier = ctx.db.notifier;
  if (notifier.flags & type) notifier.emit(type, event, key, ctx.db.index);
}

/**
 * Commands whose key lookups are Redis 7.0's read lookups (lookupKeyRead: a miss is a `keymiss`
 * event with the `m` class): the `readonly` commands of redis-server 7.0.15's COMMAND with keys
 * (OBJECT and MEMORY USAGE look up without notifying), and the write commands that read their
 * source keys that way (GETDEL/GETEX/GETSET, the STORE variants, SORT, COPY, BITOP, PFMERGE,
 * XREADGROUP, XACK, XCLAIM, XAUTOCLAIM).
 */
export const READ_LOOKUPS: ReadonlySet<string> = new Set(
  (
    "bitcount bitfield_ro bitpos dump exists expiretime get getbit getrange hexists hget hgetall hkeys hlen hmget hrandfield hscan hstrlen hvals " +
    "lcs lindex llen lpos lrange mget pexpiretime pfcount pttl scard sdiff sinter sintercard sismember smembers smismember sort_ro srandmember sscan " +
    "strlen substr sunion touch ttl type xinfo|consumers xinfo|groups xinfo|stream xlen xpending xrange xread xrevrange zcard zcount zdiff zinter " +
    "zintercard zlexcount zmscore zrandmember zrange zrangebylex zrangebyscore zrank zrevrange zrevrangebylex zrevrangebyscore zrevrank zscan zscore zunion " +
    "getdel getex getset sinterstore sunionstore sdiffstore zunionstore zinterstore zdiffstore zrangestore sort copy bitop pfmerge xreadgroup xack xclaim xautoclaim"
  ).split(" "),
);
