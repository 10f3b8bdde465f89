/**
 * The lexical trie both native autocomplete ports read, as their Lua does (see the header of
 * `../autocomplete-write.lua`): the hash W holds, for the root "" and every split prefix, its
 * flag (0 root, 1 split, 2 pair-common) then the characters that follow it ("$": a word equal
 * to it); an entry "word\0score\0folded\0key" lives in the bucket `<tag>:l:<b>` of its word's shortest unsplit
 * prefix, or `<tag>:l:<word>$` when every prefix is split. Strings are latin1 (one char per byte).
 */
import { utf8Step } from "./bytes";
import type { ScriptCalls } from "../../memory/native";

const PREFIXES = new Map<string, string[]>();

/** The prefixes of `w` ending at UTF-8 character boundaries, shortest first (memoized, shared). */
export function prefixes(w: string): string[] {
  let out = PREFIXES.get(w);
  if (out) return out;
  out = [];
  for (let i = 0; i < w.length; ) {
    i += utf8Step(w.charCodeAt(i));
    out.push(w.slice(0, i));
  }
  if (PREFIXES.size > 100_000) PREFIXES.clear();
  PREFIXES.set(w, out);
  return out;
}

/** The UTF-8 characters of `s` (byte strings), in order. */
export function chars(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    const n = utf8Step(s.charCodeAt(i));
    out.push(s.slice(i, i + n));
    i += n;
  }
  return out;
}

/** a < b as bytes: -1, 0 or 1 (latin1 strings compare by byte in JavaScript). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A trie node: its flag and the characters that follow it. */
export interface TrieNode {
  flag: number;
  kids: string;
}

/** The trie of one index, loaded lazily (one HMGET per batch of prefixes). */
export class Trie {
  readonly nodes = new Map<string, TrieNode>();

  constructor(
    private readonly redis: ScriptCalls,
    private readonly w: string,
    private readonly tag: string,
  ) {}

  /** Loads the nodes of prefixes not loaded yet (an absent field: flag 0, no kids). */
  load(ps: readonly string[]): void {
    const miss: string[] = [];
    const seen = new Set<string>();
    for (const p of ps) {
      if (!this.nodes.has(p) && !seen.has(p)) {
        seen.add(p);
        miss.push(p);
      }
    }
    for (let i = 0; i < miss.length; i += 1000) {
      const batch = miss.slice(i, i + 1000);
      const r = this.redis.strings("HMGET", this.w, ...batch);
      batch.forEach((p, j) => {
        const v = r[j] ?? "0";
        this.nodes.set(p, { flag: Number(v[0]), kids: v.slice(1) });
      });
    }
  }

  node(p: string): TrieNode {
    const n = this.nodes.get(p);
    if (!n) throw new Error(`autocomplete trie: node ${JSON.stringify(p)} not loaded`);
    return n;
  }

  flag(p: string): number {
    return this.node(p).flag;
  }

  /** Is p split (the root always is)? */
  split(p: string): boolean {
    return p === "" || this.node(p).flag > 0;
  }

  bucketKey(b: string): string {
    return `${this.tag}:l:${b}`;
  }

  /** The bucket of a word's entry, its parent node and the character leading to it (nodes loaded). */
  bucketOf(w: string): { bucket: string; parent: string; ch: string } {
    let parent = "";
    for (const p of prefixes(w)) {
      if (!this.split(p)) return { bucket: p, parent, ch: p.slice(parent.length) };
      parent = p;
    }
    return { bucket: `${w}$`, parent: w, ch: "$" };
  }

  /**
   * The buckets holding every entry whose word starts with p, and whether the one bucket must be
   * read by range (p is not split: its entries share a bucket with others).
   */
  bucketsUnder(p: string): { buckets: string[]; partial: boolean } {
    this.load(prefixes(p));
    if (!this.split(p)) return { buckets: [this.bucketOf(p).bucket], partial: true };
    const out: string[] = [];
    let level = [p];
    while (level.length > 0) {
      const kids: string[] = [];
      for (const q of level) {
        for (const ch of chars(this.node(q).kids)) {
          if (ch === "$") out.push(`${q}$`);
          else kids.push(q + ch);
        }
      }
      this.load(kids);
      level = [];
      for (const c of kids) {
        if (this.split(c)) level.push(c);
        else out.push(c);
      }
    }
    return { buckets: out, partial: false };
  }

  /** The entries ("word\0score\0folded\0key") of every word starting with p, bucket by bucket. */
  *entryLists(p: string): Generator<string[]> {
    const { buckets, partial } = this.bucketsUnder(p);
    for (const b of buckets) {
      yield (partial ? this.redis.strings("ZRANGE", this.bucketKey(b), `[${p}`, `[${p}\xff`, "BYLEX") : this.redis.strings("ZRANGE", this.bucketKey(b), 0, -1)) as string[];
    }
  }

  /**
   * The items having a word that starts with p, each once, from their entries
   * ("word\0score\0folded\0key"), as the Lua `string.match` splits them.
   */
  entriesWith(p: string): Array<{ key: string; score: string; folded: string }> {
    const { buckets, partial } = this.bucketsUnder(p);
    const out: Array<{ key: string; score: string; folded: string }> = [];
    const seen = new Set<string>();
    for (const b of buckets) {
      const es = partial ? this.redis.strings("ZRANGE", this.bucketKey(b), `[${p}`, `[${p}\xff`, "BYLEX") : this.redis.strings("ZRANGE", this.bucketKey(b), 0, -1);
      for (const e of es) {
        const z1 = e!.indexOf("\0");
        const z2 = e!.indexOf("\0", z1 + 1);
        const z3 = e!.indexOf("\0", z2 + 1);
        const key = e!.slice(z3 + 1);
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ key, score: e!.slice(z1 + 1, z2), folded: e!.slice(z2 + 1, z3) });
        }
      }
    }
    return out;
  }

  /** The number of indexed words starting with q (the Lua count_with). */
  count(q: string): number {
    this.load(prefixes(q));
    if (this.flag(q) > 0) return Number(this.redis.bulk("HGET", `${this.tag}:n`, q) ?? 0) || 0;
    return this.redis.integer("ZLEXCOUNT", this.bucketKey(this.bucketsUnder(q).buckets[0]!), `[${q}`, `[${q}\xff`);
  }

  /** The characters following `head` in indexed words, byte order, at most 64 (the Lua next_chars). */
  nextChars(head: string): string[] {
    this.load(prefixes(head));
    const out = new Set<string>();
    if (this.flag(head) > 0) {
      for (const ch of chars(this.node(head).kids)) if (ch !== "$") out.add(ch);
    } else {
      const bucket = this.bucketKey(this.bucketsUnder(head).buckets[0]!);
      for (const e of this.redis.strings("ZRANGE", bucket, `[${head}`, `[${head}\xff`, "BYLEX")) {
        if (e!.charCodeAt(head.length) !== 0) out.add(chars(e!.slice(head.length))[0]!);
      }
    }
    return [...out].sort(byteOrder).slice(0, 64);
  }
}
