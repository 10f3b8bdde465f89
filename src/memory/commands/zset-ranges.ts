/** Score and lex ranges of sorted sets (parsing like zslParseRange/zslParseLexRange) and range walks over the skip list. */
import { fail, MIN_MAX_NOT_FLOAT, MIN_MAX_NOT_LEX } from "../errors";
import { parseDouble } from "../numbers";
import type { SkipNode } from "../skiplist";
import type { ZSet } from "../zset";

export interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minex: boolean;
  readonly maxex: boolean;
}

export type LexBound = { readonly kind: "-" } | { readonly kind: "+" } | { readonly kind: "v"; readonly v: string; readonly ex: boolean };

export interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
}

/** A bound as strtod reads it (leading spaces allowed, empty = 0, NaN refused). */
function scoreBound(arg: Buffer): { value: number; ex: boolean } {
  let s = arg.toString("latin1");
  const ex = s.startsWith("(");
  if (ex) s = s.slice(1);
  s = s.replace(/^[ \t\n\v\f\r]+/, "");
  const value = s === "" ? 0 : parseDouble(s);
  if (value === undefined) fail(MIN_MAX_NOT_FLOAT);
  return { value, ex };
}

export function parseScoreRange(min: Buffer, max: Buffer): ScoreRange {
  const a = scoreBound(min);
  const b = scoreBound(max);
  return { min: a.value, minex: a.ex, max: b.value, maxex: b.ex };
}

function lexBound(arg: Buffer): LexBound {
  const s = arg.toString("latin1");
  if (s === "+") return { kind: "+" };
  if (s === "-") return { kind: "-" };
  if (s.startsWith("(")) return { kind: "v", v: s.slice(1), ex: true };
  if (s.startsWith("[")) return { kind: "v", v: s.slice(1), ex: false };
  fail(MIN_MAX_NOT_LEX);
}

export function parseLexRange(min: Buffer, max: Buffer): LexRange {
  return { min: lexBound(min), max: lexBound(max) };
}

export const gteMin = (r: ScoreRange, s: number) => (r.minex ? s > r.min : s >= r.min);
export const lteMax = (r: ScoreRange, s: number) => (r.maxex ? s < r.max : s <= r.max);

export function lexGteMin(r: LexRange, m: string): boolean {
  const b = r.min;
  if (b.kind === "-") return true;
  if (b.kind === "+") return false;
  return b.ex ? m > b.v : m >= b.v;
}

export function lexLteMax(r: LexRange, m: string): boolean {
  const b = r.max;
  if (b.kind === "+") return true;
  if (b.kind === "-") return false;
  return b.ex ? m < b.v : m <= b.v;
}

function emptyScore(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

function emptyLex(r: LexRange): boolean {
  if (r.min.kind === "+" || r.max.kind === "-") return true;
  if (r.min.kind === "v" && r.max.kind === "v") return r.min.v > r.max.v || (r.min.v === r.max.v && (r.min.ex || r.max.ex));
  return false;
}

/** The nodes in a score or lex range, walking up or down, after skipping `offset` in-range nodes, at most `limit` (< 0 = all). */
export function walkRange(z: ZSet, range: { score?: ScoreRange; lex?: LexRange }, reverse: boolean, offset: number, limit: number): SkipNode[] {
  const inLow = (n: SkipNode) => (range.score ? gteMin(range.score, n.score) : lexGteMin(range.lex!, n.member));
  const inHigh = (n: SkipNode) => (range.score ? lteMax(range.score, n.score) : lexLteMax(range.lex!, n.member));
  if (range.score ? emptyScore(range.score) : emptyLex(range.lex!)) return [];
  if (offset > 0 && offset >= z.size) return [];
  let node = reverse ? z.list.lastWhere(inHigh) : z.list.firstWhere((n) => !inLow(n));
  if (node && !(reverse ? inLow(node) : inHigh(node))) node = null;
  let skip = offset;
  while (node && skip !== 0) {
    node = reverse ? node.backward : (node.next[0] ?? null);
    skip--;
  }
  const out: SkipNode[] = [];
  let left = limit;
  while (node && left !== 0) {
    if (!(reverse ? inLow(node) : inHigh(node))) break;
    out.push(node);
    node = reverse ? node.backward : (node.next[0] ?? null);
    left--;
  }
  return out;
}

/** Number of nodes in a range (O(log n) via ranks). */
export function countRange(z: ZSet, range: { score?: ScoreRange; lex?: LexRange }): number {
  if (range.score ? emptyScore(range.score) : emptyLex(range.lex!)) return 0;
  const inLow = (n: SkipNode) => (range.score ? gteMin(range.score, n.score) : lexGteMin(range.lex!, n.member));
  const inHigh = (n: SkipNode) => (range.score ? lteMax(range.score, n.score) : lexLteMax(range.lex!, n.member));
  const first = z.list.firstWhere((n) => !inLow(n));
  if (!first || !inHigh(first)) return 0;
  const last = z.list.lastWhere(inHigh)!;
  return z.list.rank(last.score, last.member) - z.list.rank(first.score, first.member) + 1;
}
