/**
 * Redis's glob matching (stringmatchlen) for PSUBSCRIBE patterns: `*`, `?`, `[abc]`, `[^a]`,
 * `[a-z]`, and `\x` escapes, over bytes (both sides as latin1 strings).
 */
export function globMatch(pattern: string, text: string, p = 0, t = 0): boolean {
  while (p < pattern.length) {
    const c = pattern[p]!;
    if (c === "*") {
      while (pattern[p + 1] === "*") p++;
      if (p + 1 === pattern.length) return true;
      for (let i = t; i <= text.length; i++) if (globMatch(pattern, text, p + 1, i)) return true;
      return false;
    }
    if (t >= text.length) return false;
    if (c === "?") {
      p++;
      t++;
      continue;
    }
    if (c === "[") {
      let i = p + 1;
      const not = pattern[i] === "^";
      if (not) i++;
      let match = false;
      const ch = text.charCodeAt(t);
      while (i < pattern.length && pattern[i] !== "]") {
        if (pattern[i] === "\\" && i + 1 < pattern.length) {
          if (pattern.charCodeAt(i + 1) === ch) match = true;
          i += 2;
        } else if (pattern[i + 1] === "-" && i + 2 < pattern.length && pattern[i + 2] !== "]") {
          let lo = pattern.charCodeAt(i);
          let hi = pattern.charCodeAt(i + 2);
          if (lo > hi) [lo, hi] = [hi, lo];
          if (ch >= lo && ch <= hi) match = true;
          i += 3;
        } else {
          if (pattern.charCodeAt(i) === ch) match = true;
          i++;
        }
      }
      if (not) match = !match;
      if (!match) return false;
      p = i + 1;
      t++;
      continue;
    }
    if (c === "\\" && p + 1 < pattern.length) p++;
    if (pattern[p] !== text[t]) return false;
    p++;
    t++;
  }
  return t === text.length;
}
