/**
 * The query side of the native autocomplete-search port: its ARGV parsed, and the per-item
 * matching and ranking rules of `autocomplete-search.lua` (see its header).
 */

import { COUNT, NUMBER } from "./bytes";

/**
 * A matching item: effective score, exact-word hits, summed word offsets, member
 * "folded\0type\0id", the list it was read from (undefined when built from its record) and the
 * member as stored there.
 */
export type Hit = [eff: number, exact: number, pos: number, member: string, source: string | undefined, stored: string | undefined];

/** A parsed search: ARGV[1..4], the folded query words, the types kept and the query boosts. */
export interface Query {
  readonly tag: string;
  need: number;
  offset: number;
  readonly fuzzy: boolean;
  readonly words: string[];
  readonly types?: Set<string>;
  readonly boosts: Map<string, number>;
}

/** Ranking order: effective score desc, exact-word hits desc, word offsets asc, member bytes asc. */
export function better(a: Hit, b: Hit): number {
  if (a[0] !== b[0]) return a[0] > b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] > b[1] ? -1 : 1;
  if (a[2] !== b[2]) return a[2] < b[2] ? -1 : 1;
  return a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0;
}

/** " " + q, made once per query word: matchIn runs per entry and must not allocate. */
const SPACED = new Map<string, string>();
function spaced(q: string): string {
  let s = SPACED.get(q);
  if (s === undefined) {
    if (SPACED.size > 4096) SPACED.clear();
    SPACED.set(q, (s = ` ${q}`));
  }
  return s;
}

/**
 * For every query word, a word of the folded text `e` (from `start` up to `stop`) starting with
 * it? → [query words equal to a whole word, summed 1-based offsets (from `start`) of the words
 * matched (the first equal word, else the first word prefixed)], else undefined. The Lua
 * `match_in`; allocates only its answer.
 */
export function matchIn(e: string, stop: number, words: readonly string[], start = 0): [number, number] | undefined {
  let exact = 0;
  let pos = 0;
  for (const q of words) {
    const sq = spaced(q);
    let i = start;
    if (!e.startsWith(q, start)) {
      const at = e.indexOf(sq, start);
      if (at < 0 || at >= stop) return undefined;
      i = at + 1;
    }
    const after = e.charCodeAt(i + q.length);
    if (after === 32 || after === 0) {
      exact++;
    } else {
      // a later word may be the query word itself
      for (let at = e.indexOf(sq, i); at >= 0 && at < stop; at = e.indexOf(sq, at + 1)) {
        const next = e.charCodeAt(at + 1 + q.length);
        if (next === 32 || next === 0) {
          exact++;
          i = at + 1;
          break;
        }
      }
    }
    pos += i - start + 1;
  }
  return [exact, pos];
}

/** ARGV as a query, or undefined when it is not the shape narwhal sends. */
export function parseQuery(args: readonly string[]): Query | undefined {
  if (args.length < 5 || ![1, 2, 4].every((i) => COUNT.test(args[i]!))) return undefined;
  let i = 4;
  const count = (): number | undefined => (COUNT.test(args[i] ?? "") ? Number(args[i]) : undefined);
  const n = count();
  if (n === undefined || i + n >= args.length) return undefined;
  const words = args.slice(i + 1, i + 1 + n);
  i += n + 1;
  const nt = count();
  if (nt === undefined || i + nt >= args.length) return undefined;
  const types = nt > 0 ? new Set(args.slice(i + 1, i + 1 + nt)) : undefined;
  i += nt + 1;
  const nb = count();
  if (nb === undefined || i + 2 * nb !== args.length - 1) return undefined;
  const boosts = new Map<string, number>();
  for (let j = 1; j <= nb; j++) {
    if (!NUMBER.test(args[i + 2 * j]!)) return undefined;
    boosts.set(args[i + 2 * j - 1]!, Number(args[i + 2 * j]));
  }
  return { tag: args[0]!, need: Number(args[1]), offset: Number(args[2]), fuzzy: args[3] === "1", words, types, boosts };
}
