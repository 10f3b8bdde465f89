/**
 * Binary-safe key and member identities. Keys, hash fields and set/zset members are kept
 * as latin1 strings: one char per byte, so every byte sequence round-trips exactly and JS
 * string comparison orders them like Redis's memcmp.
 */
import { Buffer } from "node:buffer";

const char = String.fromCharCode;

/**
 * A Buffer as its latin1 identity string. Keys and members up to 24 bytes (most of them) are
 * built by one String.fromCharCode call with one argument per byte: a JS builtin that makes the
 * string in place, where `toString` crosses into C++ through the API-call machinery — that
 * crossing was ~8% of the server's time under `redis-benchmark -P 16 -t mset` (perf). The switch
 * stops at 24 bytes: the gain shrinks with length (~40% of a decode at 16–20 bytes, ~20% at 32).
 */
export function id(b: Buffer): string {
  switch (b.length) {
    case 0:
      return "";
    case 1:
      return char(b[0]!);
    case 2:
      return char(b[0]!, b[1]!);
    case 3:
      return char(b[0]!, b[1]!, b[2]!);
    case 4:
      return char(b[0]!, b[1]!, b[2]!, b[3]!);
    case 5:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!);
    case 6:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!);
    case 7:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!);
    case 8:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!);
    case 9:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!);
    case 10:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!);
    case 11:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!);
    case 12:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!);
    case 13:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!);
    case 14:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!);
    case 15:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!);
    case 16:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!);
    case 17:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!);
    case 18:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!);
    case 19:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!);
    case 20:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!);
    case 21:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!);
    case 22:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!);
    case 23:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!, b[22]!);
    case 24:
      return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!, b[22]!, b[23]!);
    default:
      return b.toString("latin1");
  }
}

/**
 * An identity string back to the bytes it stands for. Up to 32 characters by a loop into a
 * pooled Buffer (~60 ns against Buffer.from's ~100, which writes through C++); storing a char
 * code keeps its low byte, as Buffer.from's latin1 encoder does for a code above 255.
 */
export function bytes(s: string): Buffer {
  const n = s.length;
  if (n > 32) return Buffer.from(s, "latin1");
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = s.charCodeAt(i);
  return b;
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
