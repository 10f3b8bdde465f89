/** Which parts of a title the query matched: for the page's <mark> highlighting. */
import { fold, queryWords } from "../../src/index";

const WORD_RE = /[\p{L}\p{N}\p{M}\p{Extended_Pictographic}\u200D'’]+/gu;

/**
 * Ranges [start, end) (UTF-16 offsets into `title`) of the shortest beginnings of title words
 * whose folded form starts with a query word: "sao pa" in "São Paulo" → [[0, 3], [4, 6]].
 * CJK runs match anywhere (the engine indexes every starting character).
 */
export function highlightRanges(title: string, query: string): Array<[number, number]> {
  const words = queryWords(query);
  const ranges: Array<[number, number]> = [];
  for (const m of title.matchAll(WORD_RE)) {
    const token = m[0];
    const start = m.index ?? 0;
    let best = 0;
    for (const q of words) {
      for (let offset = 0; offset < token.length; offset++) {
        const rest = token.slice(offset);
        // Outside CJK only word starts count.
        if (offset > 0 && !/^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(rest)) break;
        for (let k = 1; k <= rest.length; k++) {
          if (fold(rest.slice(0, k)).replace(/['’]/g, "").startsWith(q)) {
            if (offset === 0) best = Math.max(best, k);
            else ranges.push([start + offset, start + offset + k]);
            break;
          }
        }
      }
    }
    if (best > 0) ranges.push([start, start + best]);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}
