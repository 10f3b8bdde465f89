/**
 * The engine's estimate of its own memory use (INFO memory `used_memory`, `maxmemory`): per
 * key, bytes of the JavaScript heap its entry and value occupy, calibrated on Node 20 by
 * measuring `heapUsed + arrayBuffers` around 200k inserts of each kind (a SET of a 10-byte
 * value ≈ 230 B, a hash field ≈ 90 B, a list element ≈ 137 B, a set member ≈ 45 B, a sorted-set
 * member ≈ 250 B). Containers are estimated from their element count and a sample of at most
 * {@link SAMPLES} elements (as Redis's MEMORY USAGE samples), so one estimate costs O(1)
 * whatever the container's size.
 */
import type { Value } from "./values";

/** Elements sampled per container estimate. */
export const SAMPLES = 8;

/** A key's Map entry, its latin1 string and the value's wrapper object. */
const KEY_OVERHEAD = 130;
/** A Buffer object (view, backing store bookkeeping). */
const BUFFER_OVERHEAD = 80;
/** Per element, beyond its bytes. */
const HASH_FIELD = 72;
const LIST_ELEMENT = 127;
const SET_MEMBER = 36;
const ZSET_MEMBER = 240;
const STREAM_ENTRY = 200;
/** A TTL: one entry of the expires Map. */
export const EXPIRE_OVERHEAD = 70;

/** Elements of a container (0 for a string). */
export function elementCount(value: Value): number {
  switch (value.type) {
    case "string":
      return 0;
    case "list":
    case "stream":
      return value.v.length;
    default:
      return value.v.size;
  }
}

/** Average bytes of a container's elements, from its first SAMPLES elements (0 when empty or not sampled). */
export function sampleElementBytes(value: Value): number {
  let total = 0;
  let n = 0;
  switch (value.type) {
    case "hash":
      for (const [f, v] of value.v) {
        total += f.length + v.length;
        if (++n === SAMPLES) break;
      }
      break;
    case "list":
      for (; n < SAMPLES && n < value.v.length; n++) total += value.v.at(n)!.length;
      break;
    case "set":
      for (const m of value.v) {
        total += m.length;
        if (++n === SAMPLES) break;
      }
      break;
    case "zset":
      for (const m of value.v.scores.keys()) {
        total += m.length;
        if (++n === SAMPLES) break;
      }
      break;
    default:
      return 0;
  }
  return n === 0 ? 0 : total / n;
}

const PER_ELEMENT = { hash: HASH_FIELD, list: LIST_ELEMENT, set: SET_MEMBER, zset: ZSET_MEMBER, stream: STREAM_ENTRY } as const;

/**
 * Estimated bytes of `key` holding `value` (without its TTL); `elementBytes` is the sampled
 * average element size ({@link sampleElementBytes}), which callers cache per key.
 */
export function estimateKeyBytes(key: string, value: Value, elementBytes: number): number {
  const base = KEY_OVERHEAD + key.length;
  if (value.type === "string") return base + BUFFER_OVERHEAD + value.v.length;
  // Rounded: the sampled average is fractional, and MEMORY USAGE and INFO's used_memory are integers in Redis.
  return base + Math.round(elementCount(value) * (PER_ELEMENT[value.type] + elementBytes));
}
