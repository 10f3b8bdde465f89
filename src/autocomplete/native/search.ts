/**
 * Native port of `../autocomplete-search.lua` (read its header for the arguments, the
 * candidate strategy and the ranking), run by the embedded engine in place of the Lua. It
 * reads the same keys, answers the same reply and makes the same repair (ZREM of a dangling
 * list member).
 */
import { fuzzyVariants } from "./search-fuzzy";
import { better, matchIn, parseQuery } from "./search-query";
import type { Hit, Query } from "./search-query";
import { charLength, utf16Length } from "./bytes";
import { pageOf } from "./search-page";
import { cachedAnswer } from "./search-cache";
import { Trie, byteOrder, prefixes } from "./trie";
import type { NativeScript, Reply, ScriptCalls } from "../../memory/native";

/** SHA1 of the autocomplete-search.lua this file mirrors; a unit test fails when the Lua changes. */
export const AUTOCOMPLETE_SEARCH_SHA = "09a7dfbaba10cd567eacdd24f57a87a822e55d00";

class SearchRun {
  private readonly counts = new Map<string, number>();
  private readonly trie: Trie;
  /** The fuzzy variants of the last word, built once per run. */
  private kept: string[] | undefined;
  private readonly maxF: number;
  private readonly minF: number;
  private readonly hasStored: boolean;
  private readonly unboosted: boolean;
  private readonly x: string;

  constructor(
    private readonly redis: ScriptCalls,
    private readonly d: string,
    w: string,
    private readonly b: string,
    private readonly q: Query,
  ) {
    this.trie = new Trie(redis, w, q.tag);
    this.x = `${q.tag}:x`;
    let maxF = 1;
    let minF = 1;
    if (q.boosts.size > 0) {
      let qmax = 1;
      let qmin = 1;
      for (const f of q.boosts.values()) {
        if (f > qmax) qmax = f;
        if (f < qmin) qmin = f;
      }
      maxF = qmax * qmax;
      minF = qmin * qmin;
    }
    this.hasStored = redis.integer("EXISTS", b) === 1;
    if (this.hasStored) {
      const lo = redis.strings("ZRANGE", b, 0, 0, "WITHSCORES");
      const hi = redis.strings("ZRANGE", b, -1, -1, "WITHSCORES");
      maxF = maxF * Math.max(1, Number(hi[1])) ** 2;
      minF = minF * Math.min(1, Number(lo[1])) ** 2;
    }
    this.maxF = maxF;
    this.minF = minF;
    this.unboosted = q.boosts.size === 0 && !this.hasStored;
  }

  private bound(raw: number): number {
    return raw >= 0 ? raw * this.maxF : raw * this.minF;
  }

  /** The number of indexed words starting with q (memoized). */
  lexcount(q: string): number {
    let c = this.counts.get(q);
    if (c === undefined) this.counts.set(q, (c = this.trie.count(q)));
    return c;
  }

  /** Appends the candidates matching every word to `out`, boosted, leaving out members in `skip`. */
  private consider(members: readonly string[], raws: readonly number[], words: readonly string[], out: Hit[], skip: ReadonlySet<string>, source?: string, stored?: readonly string[]): void {
    const hits: Hit[] = [];
    const hitRaws: number[] = [];
    for (let j = 0; j < members.length; j++) {
      const e = members[j]!;
      const stop = e.indexOf("\0");
      let match = matchIn(e, stop, words);
      if (match && this.q.types && !this.q.types.has(e.slice(stop + 1, e.indexOf("\0", stop + 1)))) match = undefined;
      if (match && !skip.has(e)) {
        hits.push([0, match[0], match[1], e, source, stored?.[j]]);
        hitRaws.push(raws[j]!);
      }
    }
    if (hits.length === 0) return;
    const idAndType = (mem: string): [string, string] => {
      const a = mem.indexOf("\0");
      const b = mem.indexOf("\0", a + 1);
      return [`i\0${mem.slice(b + 1)}`, `t\0${mem.slice(a + 1, b)}`];
    };
    let factors: Array<string | undefined> | undefined;
    if (this.hasStored) factors = this.redis.strings("ZMSCORE", this.b, ...hits.flatMap((h) => idAndType(h[3])));
    for (let j = 0; j < hits.length; j++) {
      const h = hits[j]!;
      let eff = hitRaws[j]!;
      if (this.q.boosts.size > 0) {
        const [i, t] = idAndType(h[3]);
        eff = eff * (this.q.boosts.get(i) ?? 1) * (this.q.boosts.get(t) ?? 1);
      }
      if (factors) {
        const fi = factors[2 * j];
        const ft = factors[2 * j + 1];
        eff = eff * (fi === undefined ? 1 : Number(fi)) * (ft === undefined ? 1 : Number(ft));
      }
      h[0] = eff;
      out.push(h);
    }
  }

  /** The first `need` hits of a list in the answer's order (the Lua direct). */
  private direct(pk: string, scored: boolean): { out: Hit[] | undefined; exists: boolean } {
    const need = this.q.need;
    const m = scored ? this.redis.strings("ZRANGE", pk, 0, need, "WITHSCORES") : this.redis.strings("ZRANGE", pk, 0, need);
    const out: Hit[] = [];
    let cut = false;
    for (let j = 0; j < m.length; j += scored ? 2 : 1) {
      const mem = m[j]!;
      const b1 = mem.charCodeAt(0);
      if (b1 === 255) cut = true;
      else if (out.length < need) out.push([scored ? -Number(m[j + 1]) : 0, 2 - b1, mem.charCodeAt(1) * 256 + mem.charCodeAt(2), mem.slice(3), pk, mem]);
    }
    if (cut && out.length < need) return { out: undefined, exists: true };
    return { out, exists: m.length > 0 };
  }

  /** Reads a list in its order, matching every word (the Lua stream). */
  private stream(pk: string, words: readonly string[], skip: ReadonlySet<string>, same: boolean, scored = false): { out: Hit[] | undefined; exists: boolean } {
    if (same && !this.q.types && skip.size === 0) return this.direct(pk, scored);
    const need = this.q.need;
    const out: Hit[] = [];
    let off = 0;
    // a filtered read usually needs the whole capped list (K + 1 members): one read (the Lua's)
    let page = Math.max(need + 1, 64);
    let cut: number | undefined;
    for (;;) {
      const m = this.redis.strings("ZRANGE", pk, off, off + page - 1, "WITHSCORES");
      if (m.length === 0 && off === 0) return { out, exists: false };
      const members: string[] = [];
      const raws: number[] = [];
      const stored: string[] = [];
      for (let j = 0; j < m.length; j += 2) {
        const mem = m[j]!;
        if (mem.charCodeAt(0) === 255) {
          cut = -Number(mem.slice(1, mem.indexOf("\0", 1)));
        } else {
          stored.push(mem);
          members.push(mem.slice(3));
          raws.push(-Number(m[j + 1]));
        }
      }
      this.consider(members, raws, words, out, skip, pk, stored);
      off += m.length / 2;
      const done = m.length < 2 * page;
      if (out.length >= need) {
        out.sort(better);
        const top = !done && raws.length > 0 ? raws[raws.length - 1] : cut;
        if (same || top === undefined || this.bound(top) < out[need - 1]![0]) return { out, exists: true };
      }
      if (done) {
        if (cut !== undefined) return { out: undefined, exists: true };
        return { out: out.sort(better), exists: true };
      }
      page = Math.min(page * 2, 1000);
    }
  }

  /**
   * Evaluates every item having a word that starts with q, from its entries
   * ("word\0score\0folded\0key", the Lua range): an entry is matched where it lies and only a
   * hit is cut into parts; an item with two words starting with q is kept once.
   */
  private range(q: string, words: readonly string[], skip: ReadonlySet<string>): Hit[] {
    // every entry has a word starting with q: the filter only asks whether the other words
    // start some word (consider, on the hits only, tests them all and ranks)
    const others = words.filter((w) => !q.startsWith(w));
    const spacedOthers = others.map((w) => ` ${w}`);
    const seen = new Set<string>();
    let members: string[] = [];
    let raws: number[] = [];
    for (const es of this.trie.entryLists(q)) {
      for (const e of es) {
        const a = e.indexOf("\0");
        const f = e.indexOf("\0", a + 1);
        const stop = e.indexOf("\0", f + 1);
        let ok = true;
        for (let k = 0; k < others.length; k++) {
          if (e.startsWith(others[k]!, f + 1)) continue;
          const at = e.indexOf(spacedOthers[k]!, f + 1);
          if (at < 0 || at > stop) {
            ok = false;
            break;
          }
        }
        if (!ok) continue;
        const m = e.slice(f + 1);
        if (seen.has(m) || skip.has(m)) continue;
        seen.add(m);
        members.push(m);
        raws.push(Number(e.slice(a + 1, f)));
      }
    }
    // Unboosted and unfiltered, a hit's rank starts with its raw score: only hits scoring at
    // least the need-th best raw score can be in the answer (ties included).
    const need = this.q.need;
    if (this.unboosted && !this.q.types && members.length > need) {
      const floor = Float64Array.from(raws).sort()[raws.length - need]!;
      const m2: string[] = [];
      const r2: number[] = [];
      for (let j = 0; j < members.length; j++) {
        if (raws[j]! >= floor) {
          m2.push(members[j]!);
          r2.push(raws[j]!);
        }
      }
      members = m2;
      raws = r2;
    }
    const out: Hit[] = [];
    for (let j = 0; j < members.length; j += 500) this.consider(members.slice(j, j + 500), raws.slice(j, j + 500), words, out, skip);
    return out.sort(better);
  }

  private pairKey(a: string, b: string): string {
    return byteOrder(b, a) < 0 ? `${this.q.tag}:q:${b} ${a}` : `${this.q.tag}:q:${a} ${b}`;
  }

  /** The exact top `need` items matching every word (sorted best first; may be longer). */
  collect(words: readonly string[], skip: ReadonlySet<string>): Hit[] {
    const { trie, q } = this;
    const cands = words.filter((w, k) => !words.some((r, j) => (r.length > w.length || (r.length === w.length && j < k)) && r.startsWith(w)));
    const same = this.unboosted && cands.length === words.length;
    if (cands.length === 1) {
      const { out, exists } = this.stream(`${q.tag}:p:${cands[0]!}`, words, skip, same);
      if (out && exists) return out;
      return this.range(cands[0]!, words, skip);
    }
    const chains = cands.map((c) => prefixes(c));
    for (const ps of chains) trie.load(ps);
    let pick = cands[0]!;
    for (const c of cands.slice(1)) {
      const f = trie.flag(c);
      const g = trie.flag(pick);
      if (f < g || (f === g && f < 2 && this.lexcount(c) < this.lexcount(pick))) pick = c;
    }
    if (trie.flag(pick) === 0) return this.range(pick, words, skip);
    // a pick that is not pair-common (at most T entries) evaluated whole costs less than the
    // lists that could settle the answer, unless it has more than 64 entries per list (the Lua's)
    if (trie.flag(pick) === 1 && this.lexcount(pick) <= 32 * (cands.length * (cands.length - 1) + 2)) return this.range(pick, words, skip);
    const nx = this.redis.integer("ZCARD", this.x);
    if (nx <= 256) {
      const wide: Hit[] = [];
      if (nx > 0) {
        const m = this.redis.strings("ZRANGE", this.x, 0, -1, "WITHSCORES");
        const members: string[] = [];
        const raws: number[] = [];
        for (let j = 0; j < m.length; j += 2) {
          members.push(m[j]!);
          raws.push(Number(m[j + 1]));
        }
        this.consider(members, raws, words, wide, skip, this.x, members);
      }
      const top = chains.map((ps) => ps.filter((p) => trie.flag(p) === 2).pop());
      const lists: Array<{ pk: string; card: number; exact: boolean; index: number }> = [];
      const seen = new Set<string>();
      for (let x = 0; x < cands.length; x++) {
        for (let y = x + 1; y < cands.length; y++) {
          const a = top[x];
          const b = top[y];
          if (a === undefined || b === undefined || b.startsWith(a) || a.startsWith(b)) continue;
          const pk = this.pairKey(a, b);
          if (seen.has(pk)) continue;
          seen.add(pk);
          lists.push({ pk, card: 0, exact: a === cands[x] && b === cands[y], index: lists.length });
        }
      }
      if (lists.length > 1) {
        for (const l of lists) l.card = this.redis.integer("ZCARD", l.pk);
        lists.sort((x, y) => x.card - y.card || x.index - y.index);
      }
      for (const l of lists) {
        const { out } = this.stream(l.pk, words, skip, same && l.exact && cands.length === 2, wide.length > 0);
        if (out) {
          if (wide.length === 0) return out;
          return [...out, ...wide].sort(better);
        }
      }
    }
    if (trie.flag(pick) === 1) return this.stream(`${q.tag}:p:${pick}`, words, skip, false).out ?? this.range(pick, words, skip);
    let rarest = cands[0]!;
    for (const c of cands) if (this.lexcount(c) < this.lexcount(rarest)) rarest = c;
    return this.range(rarest, words, skip);
  }

  /** Every hit, best first (at least the best `need`), leaving out the members in `dead`; fuzzy hits last. */
  private ranked(dead: ReadonlySet<string>): Hit[] {
    const { words, need } = this.q;
    const results = words.length > 0 ? this.collect(words, dead) : [];
    const last = words[words.length - 1];
    if (this.q.fuzzy && last !== undefined && results.length < need && charLength(last) >= 3) {
      this.kept ??= fuzzyVariants(last, (v) => this.lexcount(v), (head) => this.trie.nextChars(head));
      const skip = new Set(dead);
      for (const r of results) skip.add(r[3]);
      const extra: Hit[] = [];
      for (const v of this.kept) {
        if (this.lexcount(v) === 0) continue;
        for (const r of this.collect([...words.slice(0, -1), v], skip)) {
          skip.add(r[3]);
          extra.push(r);
        }
      }
      results.push(...extra.sort(better));
    }
    return results;
  }

  /** Computes the answer; `key`: where a cacheable search stores it (the cache missed, see {@link cachedAnswer}). */
  run(key: string | undefined): Reply {
    const q = this.q;
    let cached: string | undefined;
    if (this.unboosted && key !== undefined) {
      cached = key;
      q.need = 10;
      q.offset = 0;
    }
    const dead = new Set<string>();
    for (let round = 1; ; round++) {
      const { reply, gone } = pageOf(this.redis, this.d, this.ranked(dead), q, dead);
      if (!gone || round === 3) {
        if (cached === undefined) return reply;
        const answer = `~${reply.map((b) => `${utf16Length(b)}:${b.toString("latin1")}`).join("")}`;
        this.redis.call(["SET", cached, answer, "EX", 600]);
        return Buffer.from(answer, "latin1");
      }
    }
  }
}

/** The native autocomplete-search: the embedded engine runs it for EVAL/EVALSHA of that Lua (same SHA1). */
export const autocompleteSearch: NativeScript = {
  name: "autocomplete-search",
  sha: AUTOCOMPLETE_SEARCH_SHA,
  run(keys, argv, redis): Reply | undefined {
    if (keys.length < 3) return undefined;
    const query = parseQuery(argv.map((a) => a.toString("latin1")));
    if (!query || query.need < 1) return undefined;
    const key = cachedAnswer(redis, query);
    if (typeof key !== "string" && key !== undefined) return key;
    const [d, w, b] = keys.map((k) => k.toString("latin1"));
    return new SearchRun(redis, d!, w!, b!, query).run(key);
  },
};
