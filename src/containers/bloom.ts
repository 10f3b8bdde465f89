/**
 * `RBloomFilter<V>`: a Bloom filter in one string key (so one Cluster slot). Sized from the
 * formulas for `capacity` members at false-positive rate `errorRate`:
 *
 *   m (bits)   = ⌈−n · ln p / (ln 2)²⌉        k (hashes) = max(1, round(m / n · ln 2))
 *
 * A member's k bit positions come from two 32-bit MurmurHash3 hashes of its encoded bytes
 * (double hashing, Kirsch–Mitzenmacher: h1 + i·h2 mod m), computed client-side (the scheme is
 * part of the format: the header says `narwhal-bloom:1`); every call is ONE script
 * (`bloom.lua`) that sets or reads them. The key starts with a 32-byte header naming k and m,
 * so opening the same name with other sizes is refused instead of silently giving wrong answers.
 * No false negatives: a member added is always reported present.
 */
import type { Codec } from "../codec";
import { scriptCmd } from "../command";
import { ValidationError } from "../errors";
import { libraryScript } from "../lua/registry";
import { toArray, toInteger } from "../reply";
import type { Context } from "./container";
import { Container } from "./container";

/** Options of `db.bloomFilter(name, …)`. */
export interface BloomFilterOptions<V> {
  /** How many members the filter is sized for. */
  readonly capacity: number;
  /** The false-positive rate wanted at `capacity` members (0 < errorRate < 1), e.g. 0.01. */
  readonly errorRate: number;
  /** How members are encoded (default: strings); it must be canonical (equal members, equal bytes). */
  readonly codec?: Codec<V>;
}

/** Bits before the bit array (the header). */
const HEADER_BITS = 256;
/** The most bits a string can hold after the header (512 MB). */
const MAX_BITS = 512 * 1024 * 1024 * 8 - HEADER_BITS;

/** MurmurHash3 (x86, 32-bit) of `data` with `seed`, as an unsigned integer. */
export function murmur3(data: Uint8Array, seed: number): number {
  let h = seed >>> 0;
  const n = data.length;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = n & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= data[blocks + 2]! << 16;
    if (tail >= 2) k ^= data[blocks + 1]! << 8;
    k ^= data[blocks]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Bit count and hash count for `capacity` members at `errorRate`. */
export function bloomSizing(capacity: number, errorRate: number): { bits: number; hashes: number } {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new ValidationError({ path: "capacity", message: `must be an integer ≥ 1, got ${String(capacity)}` });
  if (typeof errorRate !== "number" || !(errorRate > 0 && errorRate < 1)) throw new ValidationError({ path: "errorRate", message: `must be a number between 0 and 1 (exclusive), got ${String(errorRate)}` });
  const bits = Math.ceil((-capacity * Math.log(errorRate)) / (Math.LN2 * Math.LN2));
  if (bits > MAX_BITS) throw new ValidationError({ path: "capacity", message: `needs ${bits} bits, more than a Redis string holds (${MAX_BITS})` });
  return { bits, hashes: Math.max(1, Math.round((bits / capacity) * Math.LN2)) };
}

/** A Bloom filter whose members pass through a codec. */
export class RBloomFilter<V = string> extends Container<V> {
  readonly capacity: number;
  readonly errorRate: number;
  /** m: bits in the filter. */
  readonly bits: number;
  /** k: bit positions per member. */
  readonly hashes: number;
  private readonly header: string;

  /** @internal Use `db.bloomFilter(name, options)`. */
  constructor(ctx: Context, name: string, codec: Codec<V>, options: BloomFilterOptions<V>) {
    super(ctx, name, codec);
    const { bits, hashes } = bloomSizing(options.capacity, options.errorRate);
    this.capacity = options.capacity;
    this.errorRate = options.errorRate;
    this.bits = bits;
    this.hashes = hashes;
    this.header = `narwhal-bloom:1 k=${hashes} m=${bits}`.padEnd(32, " ");
  }

  /** @internal The k absolute bit offsets of one member. */
  positions(member: V, path: string): number[] {
    const raw = this.encodeMember(path, member);
    const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
    const h1 = murmur3(bytes, 0);
    const h2 = murmur3(bytes, 0x9747b28c) % this.bits || 1;
    const out = new Array<number>(this.hashes);
    let h = h1 % this.bits;
    for (let i = 0; i < this.hashes; i++) {
      out[i] = HEADER_BITS + h;
      h = (h + h2) % this.bits;
    }
    return out;
  }

  private call(mode: "add" | "has", members: readonly V[], path: string): Promise<boolean[]> {
    if (!Array.isArray(members)) throw new ValidationError({ path, message: "must be an array" });
    // Offsets as 4-byte big-endian integers in ONE argument: a call may carry any number of members.
    const packed = Buffer.allocUnsafe(members.length * this.hashes * 4);
    let at = 0;
    members.forEach((m, i) => {
      for (const offset of this.positions(m, `${path}[${i}]`)) at = packed.writeUInt32BE(offset, at);
    });
    if (members.length === 0) return Promise.resolve([]);
    const args = [mode, this.header, this.hashes, packed];
    return this.run(scriptCmd(libraryScript("bloom"), [this.key], args, (r) => toArray(r).map((x) => toInteger(x) === 1)));
  }

  /** Adds a member; true when it was (probably) not there before. One script (bloom.lua). */
  add(member: V): Promise<boolean> {
    return this.guard(() => this.call("add", [member], "member").then((r) => r[0]!));
  }

  /** Adds members in one round trip; per member, true when it was (probably) new. One script. */
  addMany(members: readonly V[]): Promise<boolean[]> {
    return this.guard(() => this.call("add", members, "members"));
  }

  /** False when the member was certainly never added; true when it probably was (false-positive rate ≈ errorRate at capacity). One script. */
  has(member: V): Promise<boolean> {
    return this.guard(() => this.call("has", [member], "member").then((r) => r[0]!));
  }

  /** {@link has} for many members in one round trip. One script. */
  hasMany(members: readonly V[]): Promise<boolean[]> {
    return this.guard(() => this.call("has", members, "members"));
  }
}
