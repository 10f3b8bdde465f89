/**
 * Redis Cluster's key → slot function (`CLUSTER KEYSLOT`), exactly as the server computes it
 * (cluster.c `keyHashSlot`): CRC16-CCITT (XMODEM) of the key's bytes modulo 16384, or of its hash
 * tag — the bytes between the first `{` and the first `}` after it — when that tag is non-empty.
 * An empty tag (`{}`) means "no tag": the whole key is hashed, and no later brace counts.
 *
 * Why narwhal has its own: `cluster-key-slot` (used by ioredis 5/6 and node-redis 5) keeps
 * scanning after an empty tag and hashes whatever lies before the next `}` — `"{}}#"` is slot 0
 * there and 11319 on the server — so a key like that was misrouted (node-redis 5 gave up with
 * `MOVED` after 16 rediscoveries) and keys grouped "by slot" could really span several
 * (redis/node-redis#3431, redis/ioredis#2172). It also encodes a lone surrogate as CESU bytes
 * where every client sends U+FFFD. Strings are hashed as the UTF-8 bytes clients send.
 */
import { Buffer } from "node:buffer";

/** How many slots a Redis Cluster has. */
export const SLOT_COUNT = 16384;

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

const OPEN = 0x7b; // "{"
const CLOSE = 0x7d; // "}"

/** CRC16 of `bytes[from, to)`. */
function crc16(bytes: Uint8Array, from: number, to: number): number {
  let crc = 0;
  for (let i = from; i < to; i++) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** CRC16 of the UTF-8 bytes of `text[from, to)` (ASCII hashed in place, anything else encoded first). */
function crc16Text(text: string, from: number, to: number): number {
  let crc = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) {
      const bytes = Buffer.from(text.slice(from, to), "utf8");
      return crc16(bytes, 0, bytes.length);
    }
    crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ code) & 0xff]!;
  }
  return crc;
}

/**
 * The cluster slot of `key` (0 … 16383), as `CLUSTER KEYSLOT` answers. A string is hashed as its
 * UTF-8 bytes (a lone surrogate as U+FFFD, as clients send it); a number as its decimal text.
 */
export function keySlot(key: string | Uint8Array | number): number {
  if (typeof key === "number") key = String(key);
  if (typeof key === "string") {
    // "{" and "}" are single bytes in UTF-8 and no other character's bytes look like them, so
    // the tag's bounds can be found on the UTF-16 text.
    const open = key.indexOf("{");
    if (open >= 0) {
      const close = key.indexOf("}", open + 1);
      if (close > open + 1) return crc16Text(key, open + 1, close) & (SLOT_COUNT - 1);
    }
    return crc16Text(key, 0, key.length) & (SLOT_COUNT - 1);
  }
  const open = key.indexOf(OPEN);
  if (open >= 0) {
    const close = key.indexOf(CLOSE, open + 1);
    if (close > open + 1) return crc16(key, open + 1, close) & (SLOT_COUNT - 1);
  }
  return crc16(key, 0, key.length) & (SLOT_COUNT - 1);
}

let slotKeys: string[] | undefined;

/**
 * A short key of `[0-9a-z]` hashing to `slot`: brace-free, so every client library's slot
 * function agrees on it. Used to route a command by slot through a client that routes by key
 * (node-redis, GLIDE). The table of all 16,384 is built on first use (~170k CRCs, a few ms).
 */
export function slotKey(slot: number): string {
  if (!slotKeys) {
    const keys = new Array<string>(SLOT_COUNT);
    let filled = 0;
    for (let i = 0; filled < SLOT_COUNT; i++) {
      const key = i.toString(36);
      const s = crc16Text(key, 0, key.length) & (SLOT_COUNT - 1);
      if (keys[s] === undefined) {
        keys[s] = key;
        filled++;
      }
    }
    slotKeys = keys;
  }
  return slotKeys[slot]!;
}

/**
 * A key every client library routes to `key`'s true slot: `key` itself when it holds no `{`
 * (no hash tag for anyone to get wrong), else {@link slotKey} of its slot.
 */
export function routingKey<K extends string | Uint8Array>(key: K): K | string {
  const hasBrace = typeof key === "string" ? key.includes("{") : key.includes(OPEN);
  return hasBrace ? slotKey(keySlot(key)) : key;
}
