/**
 * Binary-safe key and member identities. Keys, hash fields and set/zset members are kept
 * as latin1 strings: one char per byte, so every byte sequence round-trips exactly and JS
 * string comparison orders them like Redis's memcmp.
 */
import { Buffer } from "node:buffer";

/** A Buffer as its latin1 identity string. */
export function id(buf: Buffer): string {
  return buf.toString("latin1");
}

/** An identity string back to the bytes it stands for. */
export function bytes(s: string): Buffer {
  return Buffer.from(s, "latin1");
}

/** Case-insensitive ASCII equality of an argument with a lower-case keyword. */
export function is(arg: Buffer | undefined, keyword: string): boolean {
  if (arg === undefined || arg.length !== keyword.length) return false;
  for (let i = 0; i < keyword.length; i++) {
    let c = arg[i]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== keyword.charCodeAt(i)) return false;
  }
  return true;
}

/** An argument lower-cased as an ASCII string (for option and command names). */
export function lower(arg: Buffer): string {
  return arg.toString("latin1").toLowerCase();
}
