/**
 * Lua 5.1 has no integer division (`//`), bitwise operators (`& | ~ << >>`) or labels (`::`).
 * Redis rejects scripts that use them with a syntax error; fengari (5.3) would run them. This
 * scan finds those tokens outside strings and comments and rewrites them so fengari's parser
 * sees what 5.1's lexer sees: two tokens for `//`, `<<`, `>>`, `::` (a space between them), and
 * for `&`, `|`, `~`, a single character no 5.3 grammar rule accepts either (a control byte,
 * mapped back to the original character in the error message). Lines are unchanged, so the
 * compile error fengari reports is 5.1's, at the same line.
 */
import { Buffer } from "node:buffer";

/** The control bytes standing for `&`, `|` and `~` in a rewritten script. */
const STAND_INS: Record<number, number> = { 38: 1, 124: 2, 126: 3 };
const ORIGINALS = ["&", "|", "~"];

const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57);

/** The level of a long bracket `[==[` at i (its `=` count), or -1. */
function longBracket(s: Uint8Array, i: number): number {
  if (s[i] !== 91) return -1;
  let j = i + 1;
  while (s[j] === 61) j++;
  return s[j] === 91 ? j - i - 1 : -1;
}

/** The index after the long string/comment body opened at i with `level` (or the end). */
function skipLong(s: Uint8Array, i: number, level: number): number {
  const close = `]${"=".repeat(level)}]`;
  const at = Buffer.from(s.buffer, s.byteOffset, s.byteLength).indexOf(close, i + level + 2, "latin1");
  return at < 0 ? s.length : at + close.length;
}

/** Positions of the 5.3-only tokens: [index, kind] where kind is "pair" (insert a space after index) or "single". */
function findTokens(s: Uint8Array): Array<[number, "pair" | "single"]> {
  const found: Array<[number, "pair" | "single"]> = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === 45 && s[i + 1] === 45) {
      const level = longBracket(s, i + 2);
      if (level >= 0) i = skipLong(s, i + 2, level);
      else while (i < s.length && s[i] !== 10) i++;
    } else if (c === 34 || c === 39) {
      i++;
      while (i < s.length && s[i] !== c && s[i] !== 10) i += s[i] === 92 ? 2 : 1;
      i++;
    } else if (c === 91 && longBracket(s, i) >= 0) {
      i = skipLong(s, i, longBracket(s, i));
    } else if (isIdentStart(c)) {
      while (i < s.length && isIdentPart(s[i]!)) i++;
    } else if ((c >= 48 && c <= 57) || (c === 46 && s[i + 1]! >= 48 && s[i + 1]! <= 57)) {
      // A numeral: digits, letters, points, and a sign right after an exponent mark.
      i++;
      while (i < s.length) {
        const d = s[i]!;
        if (isIdentPart(d) || d === 46) i++;
        else if ((d === 43 || d === 45) && (s[i - 1]! | 0x20) === 101) i++;
        else if ((d === 43 || d === 45) && (s[i - 1]! | 0x20) === 112) i++;
        else break;
      }
    } else if ((c === 47 || c === 60 || c === 62 || c === 58) && s[i + 1] === c) {
      found.push([i, "pair"]);
      i += 2;
    } else if (c === 38 || c === 124 || (c === 126 && s[i + 1] !== 61)) {
      found.push([i, "single"]);
      i++;
    } else i += c === 126 ? 2 : 1;
  }
  return found;
}

export interface Rewritten {
  source: Uint8Array;
  /** Maps fengari's compile error message back to the script's own characters. */
  message(text: string): string;
}

/** The script as fengari must compile it to behave like Lua 5.1, or null when it needs no change. */
export function rewriteLua53Tokens(source: Uint8Array): Rewritten | null {
  if (!source.some((c) => c === 47 || c === 60 || c === 62 || c === 58 || c === 38 || c === 124 || c === 126)) return null;
  const tokens = findTokens(source);
  if (tokens.length === 0) return null;
  const pairs = tokens.filter(([, kind]) => kind === "pair").length;
  const out = new Uint8Array(source.length + pairs);
  let from = 0;
  let to = 0;
  for (const [at, kind] of tokens) {
    out.set(source.subarray(from, at), to);
    to += at - from;
    if (kind === "pair") {
      out[to++] = source[at]!;
      out[to++] = 32;
      from = at + 1;
    } else {
      out[to++] = STAND_INS[source[at]!]!;
      from = at + 1;
    }
  }
  out.set(source.subarray(from), to);
  return {
    source: out,
    message: (text) => text.replace(/'<\\([123])>'/g, (_, n: string) => `'${ORIGINALS[Number(n) - 1]}'`),
  };
}
