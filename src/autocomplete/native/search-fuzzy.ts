/**
 * The fuzzy part of the native autocomplete-search port: the variants of the last query word
 * at edit distance 1, exactly as `../autocomplete-search-lib.lua` builds them (deletion,
 * transposition, substitution, insertion; substituted/inserted characters are those found at
 * that position in indexed words, at most 64; the first character is never replaced).
 */

/** UTF-8 characters as the Lua pattern "[%z\1-\127\194-\244][\128-\191]*" splits them. */
const UTF8_CHAR = /[\x00-\x7f\xc2-\xf4][\x80-\xbf]*/g;

/**
 * The variants of `last` worth searching: not extending `last` itself, and none extending a
 * shorter kept variant (it could match nothing more). `lexcount(prefix)` counts indexed words
 * with that prefix; `nextChars(head)` gives the characters that follow `head` in indexed words
 * (byte order, at most 64).
 */
export function fuzzyVariants(last: string, lexcount: (q: string) => number, nextChars: (head: string) => string[]): string[] {
  const chars = last.match(UTF8_CHAR) ?? [];
  const n = chars.length;
  // join(a, b, extra, c, d): chars a..b, extra, chars c..d (1-based, inclusive, as table.concat).
  const join = (a: number, b: number, extra: string, c: number, d: number) => chars.slice(a - 1, Math.max(a - 1, b)).join("") + extra + chars.slice(c - 1, Math.max(c - 1, d)).join("");
  const seen = new Set<string>();
  const list: string[] = [];
  const variant = (v: string) => {
    if (v !== "" && !seen.has(v) && v.slice(0, last.length) !== last) {
      seen.add(v);
      list.push(v);
    }
  };
  for (let k = 1; k <= n; k++) {
    const head = join(1, k - 1, "", 1, 0);
    if (k > 1 && lexcount(head) === 0) break;
    variant(join(1, k - 1, "", k + 1, n));
    if (k < n) variant(join(1, k - 1, chars[k]! + chars[k - 1]!, k + 2, n));
    if (k > 1) {
      for (const ch of nextChars(head)) {
        if (ch !== chars[k - 1]) variant(head + ch + join(k + 1, n, "", 1, 0));
        variant(head + ch + join(k, n, "", 1, 0));
      }
    }
  }
  // Shortest first, equal lengths in byte order (as the Lua sorts them).
  list.sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  const kept: string[] = [];
  for (const v of list) {
    if (!kept.some((u) => v.startsWith(u))) kept.push(v);
  }
  return kept;
}
