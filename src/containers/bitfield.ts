/**
 * `RBitField`: signed (`i1`–`i64`) and unsigned (`u1`–`u63`) integers of any width at any
 * bit offset of one string key, with Redis's overflow rules: `wrap` (modular, the default),
 * `sat` (clamp to the type's range) or `fail` (the write is skipped and answers `null`).
 * Offsets are bit numbers, or `"#n"` for the n-th field of the type's width.
 *
 * Values come back as JavaScript numbers (ioredis parses integer replies as doubles), so
 * fields wider than 53 bits are exact only up to ±2^53.
 */
import { ValidationError } from "../errors";
import { toArray } from "../reply";
import { Container } from "./container";

/** A field type: `i<bits>` (1–64) or `u<bits>` (1–63). */
export type BitFieldType = `i${number}` | `u${number}`;
/** What an increment or a set does when the value does not fit the type. */
export type BitFieldOverflow = "wrap" | "sat" | "fail";
/** A bit offset, or `"#n"`: the n-th field of the type's width (offset n × bits). */
export type BitFieldOffset = number | `#${number}`;

const TYPE = /^(?:i(?:[1-9]|[1-5]\d|6[0-4])|u(?:[1-9]|[1-5]\d|6[0-3]))$/;

function typeArg(type: unknown): string {
  if (typeof type !== "string" || !TYPE.test(type)) throw new ValidationError({ path: "type", message: `must be i1–i64 or u1–u63, got ${JSON.stringify(type)}` });
  return type;
}

function offsetArg(offset: unknown): string | number {
  if (typeof offset === "number" && Number.isSafeInteger(offset) && offset >= 0) return offset;
  if (typeof offset === "string" && /^#\d{1,15}$/.test(offset)) return offset;
  throw new ValidationError({ path: "offset", message: `must be a bit offset ≥ 0 or "#<index>", got ${JSON.stringify(offset)}` });
}

function valueArg(path: string, value: unknown): string {
  if (typeof value === "bigint" && value >= -(2n ** 63n) && value < 2n ** 63n) return value.toString();
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  throw new ValidationError({ path, message: `must be a safe integer or a 64-bit bigint, got ${String(value)}` });
}

function overflowArg(overflow: unknown): string {
  if (overflow === "wrap" || overflow === "sat" || overflow === "fail") return overflow.toUpperCase();
  throw new ValidationError({ path: "overflow", message: `must be "wrap", "sat" or "fail", got ${JSON.stringify(overflow)}` });
}

function toValue(r: unknown): number | null {
  return r === null || r === undefined ? null : Number(r);
}

/** Several BITFIELD operations sent as one command (see {@link RBitField.batch}). */
export class BitFieldBatch {
  /** @internal */
  readonly args: Array<string | number> = [];
  /** @internal */
  readonly writes: boolean[] = [];

  /** Reads a field. */
  get(type: BitFieldType, offset: BitFieldOffset): this {
    this.args.push("GET", typeArg(type), offsetArg(offset));
    this.writes.push(false);
    return this;
  }

  /** Writes a field; the result is its previous value (`null` on a `fail` overflow). */
  set(type: BitFieldType, offset: BitFieldOffset, value: number | bigint): this {
    this.args.push("SET", typeArg(type), offsetArg(offset), valueArg("value", value));
    this.writes.push(true);
    return this;
  }

  /** Adds to a field; the result is its new value (`null` on a `fail` overflow). */
  incrBy(type: BitFieldType, offset: BitFieldOffset, by: number | bigint): this {
    this.args.push("INCRBY", typeArg(type), offsetArg(offset), valueArg("by", by));
    this.writes.push(true);
    return this;
  }

  /** The overflow rule of the following `set`/`incrBy` operations (default `wrap`). */
  overflow(mode: BitFieldOverflow): this {
    this.args.push("OVERFLOW", overflowArg(mode));
    return this;
  }
}

/** Integer fields of a string key. */
export class RBitField extends Container<string> {
  /** The field's value (0 beyond the end or when the key does not exist). BITFIELD_RO … GET. */
  get(type: BitFieldType, offset: BitFieldOffset): Promise<number> {
    return this.guard(() => this.command("bitfield_ro", ["GET", typeArg(type), offsetArg(offset)], (r) => toValue(toArray(r)[0]) ?? 0));
  }

  /** Writes the field; resolves its previous value, or `null` when `overflow: "fail"` refused the value. BITFIELD [OVERFLOW] SET. */
  set(type: BitFieldType, offset: BitFieldOffset, value: number | bigint, options: { readonly overflow?: BitFieldOverflow } = {}): Promise<number | null> {
    return this.guard(() => this.exec(this.batch(options.overflow).set(type, offset, value)).then((r) => r[0] ?? null));
  }

  /** Adds `by` to the field; resolves the new value, or `null` when `overflow: "fail"` refused it. BITFIELD [OVERFLOW] INCRBY. */
  incrBy(type: BitFieldType, offset: BitFieldOffset, by: number | bigint, options: { readonly overflow?: BitFieldOverflow } = {}): Promise<number | null> {
    return this.guard(() => this.exec(this.batch(options.overflow).incrBy(type, offset, by)).then((r) => r[0] ?? null));
  }

  /** A batch of operations, run in order in ONE command by {@link exec}. */
  batch(overflow?: BitFieldOverflow): BitFieldBatch {
    const b = new BitFieldBatch();
    if (overflow !== undefined) b.overflow(overflow);
    return b;
  }

  /** Runs a batch; resolves one result per get/set/incrBy (BITFIELD_RO when it only reads). BITFIELD. */
  exec(batch: BitFieldBatch): Promise<Array<number | null>> {
    return this.guard(() => {
      if (!(batch instanceof BitFieldBatch)) throw new ValidationError({ path: "batch", message: "must come from bitField.batch()" });
      const name = batch.writes.some(Boolean) ? "bitfield" : "bitfield_ro";
      return this.command(name, batch.args, (r) => toArray(r).map(toValue));
    });
  }
}
