/** Redis's glob matcher (util.c stringmatchlen), byte for byte: `*`, `?`, `[...]`, `[^...]`, ranges, `\` escapes. */

export function globMatch(pattern: Buffer, subject: Buffer, nocase = false): boolean {
  const skip = { longer: false };
  return match(pattern, 0, subject, 0, nocase, skip, 0);
}

function low(c: number | undefined): number | undefined {
  return c !== undefined && c >= 65 && c <= 90 ? c + 32 : c;
}

function match(p: Buffer, pi: number, s: Buffer, si: number, nocase: boolean, skip: { longer: boolean }, nesting: number): boolean {
  if (nesting > 1000) return false;
  let plen = p.length - pi;
  let slen = s.length - si;
  while (plen > 0 && slen > 0) {
    const c = p[pi]!;
    if (c === 42 /* * */) {
      while (plen > 0 && p[pi + 1] === 42) {
        pi++;
        plen--;
      }
      if (plen === 1) return true;
      while (slen > 0) {
        if (match(p, pi + 1, s, si, nocase, skip, nesting + 1)) return true;
        if (skip.longer) return false;
        si++;
        slen--;
      }
      skip.longer = true;
      return false;
    } else if (c === 63 /* ? */) {
      si++;
      slen--;
    } else if (c === 91 /* [ */) {
      pi++;
      plen--;
      const not = p[pi] === 94; /* ^ */
      if (not) {
        pi++;
        plen--;
      }
      let matched = false;
      for (;;) {
        if (p[pi] === 92 /* \ */ && plen >= 2) {
          pi++;
          plen--;
          if (p[pi] === s[si]) matched = true;
        } else if (p[pi] === 93 /* ] */) {
          break;
        } else if (plen === 0) {
          pi--;
          plen++;
          break;
        } else if (plen >= 3 && p[pi + 1] === 45 /* - */) {
          let start = p[pi]!;
          let end = p[pi + 2]!;
          let ch = s[si]!;
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = low(start)!;
            end = low(end)!;
            ch = low(ch)!;
          }
          pi += 2;
          plen -= 2;
          if (ch >= start && ch <= end) matched = true;
        } else if (nocase ? low(p[pi]) === low(s[si]) : p[pi] === s[si]) {
          matched = true;
        }
        pi++;
        plen--;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++;
      slen--;
    } else {
      if (c === 92 /* \ */ && plen >= 2) {
        pi++;
        plen--;
      }
      if (nocase ? low(p[pi]) !== low(s[si]) : p[pi] !== s[si]) return false;
      si++;
      slen--;
    }
    pi++;
    plen--;
    if (slen === 0) {
      while (p[pi] === 42) {
        pi++;
        plen--;
      }
      break;
    }
  }
  return plen === 0 && slen === 0;
}
