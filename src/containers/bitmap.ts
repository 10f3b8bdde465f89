/**
 * `RBitmap`: a Redis string used as an array of bits (bit 0 is the most significant bit of
 * the first byte, as SETBIT numbers them). Ranges follow `Array.prototype.slice` (exclusive
 * end, negative from the end), counted in bytes by default or in bits with `unit: "bit"`.
 */
import { cmd } from "../command";
import { ValidationError } from "../errors";
import { toInteger } from "../reply";
import { requireIntegerAtLeast, requireNonEmpty } from "../validate";
import { RBitField } from "./bitfield";
import { Container } from "./container";
import { inclusiveRange } from "./ranges";

/** A bit range: `slice`-style `start`/`end` in bytes (default) or bits. */
export interface BitRangeOptions {
  readonly start?: number;
  /** Exclusive, like `slice`; default: to the end. */
  readonly end?: number;
  readonly unit?: "byte" | "bit";
}

/** Another bitmap: an `RBitmap`, or the name of one in the same Database. */
export type BitmapRef = RBitmap | string;

/** The largest bit offset Redis accepts (a string is at most 512 MB). */
export const MAX_BIT_OFFSET = 512 * 1024 * 1024 * 8 - 1;

function offsetArg(path: string, offset: number): number {
  const n = requireIntegerAtLeast(path, offset, 0);
  if (n > MAX_BIT_OFFSET) throw new ValidationError({ path, message: `must be ≤ ${MAX_BIT_OFFSET} (a string is at most 512 MB), got ${n}` });
  return n;
}

function bitArg(path: string, bit: unknown): 0 | 1 {
  if (bit === 0 || bit === 1) return bit;
  if (bit === true || bit === false) return bit ? 1 : 0;
  throw new ValidationError({ path, message: `must be 0, 1 or a boolean, got ${String(bit)}` });
}

function unitArg(unit: unknown): "BYTE" | "BIT" {
  if (unit === undefined || unit === "byte") return "BYTE";
  if (unit === "bit") return "BIT";
  throw new ValidationError({ path: "unit", message: `must be "byte" or "bit", got ${String(unit)}` });
}

/** A bitmap at one key. */
export class RBitmap extends Container<string> {
  /** Sets bit `offset` to `bit`; resolves its previous value. Grows the string (zero-filled) as needed. SETBIT. */
  setBit(offset: number, bit: 0 | 1 | boolean): Promise<0 | 1> {
    return this.guard(() => this.command("setbit", [offsetArg("offset", offset), bitArg("bit", bit)], (r) => (toInteger(r) === 1 ? 1 : 0)));
  }

  /** Bit `offset` (0 beyond the end or when the key does not exist). GETBIT. */
  getBit(offset: number): Promise<0 | 1> {
    return this.guard(() => this.command("getbit", [offsetArg("offset", offset)], (r) => (toInteger(r) === 1 ? 1 : 0)));
  }

  private rangeArgs(options: BitRangeOptions): Array<string | number> {
    if (options.start === undefined && options.end === undefined && options.unit === undefined) return [];
    return [...inclusiveRange(options.start, options.end), unitArg(options.unit)];
  }

  /** Number of set bits, in the whole bitmap or in a range. BITCOUNT [start end BYTE|BIT]. */
  count(options: BitRangeOptions = {}): Promise<number> {
    return this.guard(() => this.command("bitcount", this.rangeArgs(options), toInteger));
  }

  /**
   * Position (in bits from the start of the bitmap) of the first bit equal to `bit`, or -1. Looking
   * for a 0 without an `end`, the bitmap counts as zero-padded: a bitmap of all ones answers its
   * length in bits. BITPOS.
   */
  position(bit: 0 | 1 | boolean, options: BitRangeOptions = {}): Promise<number> {
    return this.guard(() => {
      const args: Array<string | number> = [bitArg("bit", bit)];
      if (options.end === undefined && options.unit !== "bit") {
        if (options.start !== undefined) args.push(inclusiveRange(options.start, undefined)[0]);
      } else args.push(...this.rangeArgs(options));
      return this.command("bitpos", args, toInteger);
    });
  }

  /**
   * Stores into this bitmap the AND / OR / XOR of `sources`, or the NOT of one source; resolves
   * the length in bytes of the result (0 deletes this key). On Redis Cluster all keys must share
   * a slot. BITOP.
   */
  store(operation: "and" | "or" | "xor" | "not", ...sources: BitmapRef[]): Promise<number> {
    return this.guard(() => {
      if (!["and", "or", "xor", "not"].includes(operation)) throw new ValidationError({ path: "operation", message: `must be "and", "or", "xor" or "not", got ${String(operation)}` });
      requireNonEmpty("sources", sources);
      if (operation === "not" && sources.length !== 1) throw new ValidationError({ path: "sources", message: "not takes exactly one source" });
      const keys = sources.map((s, i) => this.keyOf(`sources[${i}]`, s, RBitmap));
      return this.run(cmd("bitop", [this.key, ...keys], [operation.toUpperCase(), this.key, ...keys], toInteger));
    });
  }

  /** The raw bytes (undefined when the key does not exist). GET. */
  toBuffer(): Promise<Buffer | undefined> {
    return this.command("get", [], (r) => (r === null || r === undefined ? undefined : Buffer.isBuffer(r) ? r : Buffer.from(String(r), "latin1")), true);
  }

  /** Integer fields at bit offsets of the same key (BITFIELD). */
  fields(): RBitField {
    return new RBitField(this.ctx, this.name, this.codec);
  }
}
