/**
 * Byte-level text helpers shared by the native autocomplete ports, mirroring the Lua: strings
 * are latin1 (one char per byte), characters are UTF-8 sequences measured by their lead byte.
 */

/** A number as narwhal sends it (`String(n)` in JS); Lua's tonumber reads these the same way. */
export const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A non-negative integer count. */
export const COUNT = /^\d+$/;

/** Byte length of the UTF-8 character whose lead byte is `c`, as the Lua scripts count it. */
export function utf8Step(c: number): number {
  return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/** Number of UTF-8 characters in `s` (the Lua `charlen`). */
export function charLength(s: string): number {
  let n = 0;
  for (let k = 0; k < s.length; k += utf8Step(s.charCodeAt(k))) n++;
  return n;
}

/** The first `n` characters of `s`, and whether that is all of `s` (the Lua `charprefix`). */
export function charPrefix(s: string, n: number): { prefix: string; whole: boolean } {
  let k = 0;
  for (let c = 0; k < s.length && c < n; c++) k += utf8Step(s.charCodeAt(k));
  return { prefix: s.slice(0, k), whole: k >= s.length };
}

/** The "score" and "folded words" fields of an item record "score\0folded\0title\0data", or undefined. */
export function recordFields(record: string): { score: string; folded: string } | undefined {
  const a = record.indexOf("\0");
  const b = a < 0 ? -1 : record.indexOf("\0", a + 1);
  if (b < 0) return undefined;
  return { score: record.slice(0, a), folded: record.slice(a + 1, b) };
}

/** The item key ("type\0id") of a list member "folded\0type\0id". */
export function memberKey(member: string): string {
  return member.slice(member.indexOf("\0") + 1);
}

/** The Lua `utf16_len` of UTF-8 bytes: bytes that start a character, plus one per 4-byte character (a surrogate pair in JS). */
export function utf16Length(b: Buffer): number {
  let n = 0;
  for (const byte of b) {
    if (byte < 0x80 || byte > 0xbf) n++;
    if (byte >= 0xf0 && byte <= 0xf7) n++;
  }
  return n;
}
