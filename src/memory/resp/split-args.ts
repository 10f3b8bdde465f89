/**
 * Redis's sdssplitargs over raw bytes, for inline requests: words separated by blanks,
 * "double quotes" with `\n \r \t \b \a \xHH` escapes, 'single quotes' with `\'`; quotes may
 * start inside a word (`a"b c"` is one word); a closing quote must be followed by a blank
 * or the end. Works on bytes so that every byte (0x80–0xFF included) passes through as is.
 */
import { Buffer } from "node:buffer";

/** C's isspace: space, \t, \n, \v, \f, \r. */
const isSpace = (c: number | undefined) => c === 32 || (c !== undefined && c >= 9 && c <= 13);
const isHex = (c: number | undefined) => c !== undefined && ((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102));
const hexValue = (c: number) => (c <= 57 ? c - 48 : (c | 32) - 87);
const ESCAPES: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 97: 7 };

/** The words of `buf[start, end)`; undefined for unbalanced quotes (Redis: "Protocol error: unbalanced quotes in request"). */
export function splitArgs(buf: Buffer, start: number, end: number): Buffer[] | undefined {
  const args: Buffer[] = [];
  // The line is a C string to Redis: a NUL byte ends it.
  const nul = buf.indexOf(0, start);
  if (nul >= 0 && nul < end) end = nul;
  const at = (i: number) => (i < end ? buf[i] : undefined);
  let p = start;
  for (;;) {
    while (p < end && isSpace(buf[p])) p++;
    if (p >= end) return args;
    const word: number[] = [];
    const plainFrom = p;
    let plainEnd = p;
    let inDouble = false;
    let inSingle = false;
    let done = false;
    let fast = true; // an unquoted word is sliced, not copied byte by byte
    while (!done) {
      const c = at(p);
      if (inDouble) {
        if (c === 92 /* \ */ && at(p + 1) === 120 /* x */ && isHex(at(p + 2)) && isHex(at(p + 3))) {
          word.push(hexValue(buf[p + 2]!) * 16 + hexValue(buf[p + 3]!));
          p += 3;
        } else if (c === 92 && at(p + 1) !== undefined) {
          p++;
          const e = buf[p]!;
          word.push(ESCAPES[e] ?? e);
        } else if (c === 34 /* " */) {
          if (at(p + 1) !== undefined && !isSpace(at(p + 1))) return undefined;
          done = true;
        } else if (c === undefined) return undefined;
        else word.push(c);
      } else if (inSingle) {
        if (c === 92 && at(p + 1) === 39 /* ' */) {
          p++;
          word.push(39);
        } else if (c === 39) {
          if (at(p + 1) !== undefined && !isSpace(at(p + 1))) return undefined;
          done = true;
        } else if (c === undefined) return undefined;
        else word.push(c);
      } else if (c === undefined || c === 32 || c === 10 || c === 13 || c === 9) {
        plainEnd = p;
        done = true;
      } else if (c === 34 || c === 39) {
        if (fast) {
          for (let i = plainFrom; i < p; i++) word.push(buf[i]!);
          fast = false;
        }
        if (c === 34) inDouble = true;
        else inSingle = true;
      } else if (!fast) word.push(c);
      if (p < end) p++;
    }
    args.push(fast ? Buffer.from(buf.subarray(plainFrom, plainEnd)) : Buffer.from(word));
  }
}
