/**
 * Native port of `../autocomplete-search.lua` (read its header for the arguments, the
 * candidate strategy and the ranking), run by the embedded engine in place of the Lua. It
 * reads the same keys, answers the same reply and makes the same repair (ZREM of a dangling
 * list member).
 */
import { fuzzyVariants } from "./search-fuzzy";
import { better, matchIn, parseQuery } from "./search-query";
import type { Hit, Query } from "./search-query";
import { scanItemsWithPrefix } from "./items";
import { charLength, charPrefix } from "./bytes";
import { pageOf } from "./search-page";
import type { NativeScript, Reply, ScriptCalls } from "../../memory/native";

/** SHA1 of the autocomplete-search.lua this file mirrors; a unit test fails when the Lua changes. */
export const AUTOCOMPLETE_SEARCH_SHA = "396b7a3c1ce91d850b0745cb620712c792dfbafe";

const SENTINEL = "\xff";

class SearchRun {
  private readonly counts = new Map<string, number>();
  /** The fuzzy variants of the last word, built once per run. */
  private kept: string[] | undefined;
  private readonly maxF: number;
  private readonly minF: number;
  private readonly hasStored: boolean;

  constructor(
    private readonly redis: ScriptCalls,
    private readonly d: string,
    private readonly w: string,
    private readonly b: string,
    private readonly q: Query,
  ) {
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
    const lo = redis.strings("ZRANGE", b, 0, 0, "WITHSCORES");
    this.hasStored = lo.length > 0;
    if (this.hasStored) {
      const hi = redis.strings("ZRANGE", b, -1, -1, "WITHSCORES");
      const smin = Math.min(1, Number(lo[1]));
      const smax = Math.max(1, Number(hi[1]));
      maxF = maxF * smax * smax;
      minF = minF * smin * smin;
    }
    this.maxF = maxF;
    this.minF = minF;
  }

  private bound(raw: number): number {
    return raw >= 0 ? raw * this.maxF : raw * this.minF;
  }

  lexcount(q: string): number {
    let c = this.counts.get(q);
    if (c === undefined) {
      c = this.redis.integer("ZLEXCOUNT", this.w, `[${q}`, `[${q}\xff`);
      this.counts.set(q, c);
    }
    return c;
  }

  /**
   * Appends the candidates (members with raw scores, read from the list `source`) matching every
   * word to `out`, boosted, leaving out members in `skip` or `skip2`.
   */
  private consider(members: readonly string[], raws: readonly number[], words: readonly string[], out: Hit[], skip: ReadonlySet<string>, source?: string, skip2?: ReadonlySet<string>): void {
    const hits: Hit[] = [];
    const hitRaws: number[] = [];
    for (let j = 0; j < members.length; j++) {
      const e = members[j]!;
      const stop = e.indexOf("\0");
      let match = matchIn(e, stop, words);
      if (match && this.q.types && !this.q.types.has(e.slice(stop + 1, e.indexOf("\0", stop + 1)))) match = undefined;
      if (match && !skip.has(e) && !skip2?.has(e)) {
        hits.push([0, match[0], match[1], e, source]);
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

  /**
   * Reads a prefix or pair list in score order: the exact answer, or undefined when the list ran
   * out first. Members in `skip2` do not count.
   */
  private stream(pk: string, words: readonly string[], missingIsEmpty: boolean, skip: ReadonlySet<string>, skip2?: ReadonlySet<string>): Hit[] | undefined {
    const need = this.q.need;
    const out: Hit[] = [];
    let page = Math.min(need + 1, 1000);
    let off = 0;
    for (;;) {
      const m = this.redis.strings("ZRANGE", pk, "+inf", "-inf", "BYSCORE", "REV", "LIMIT", off, page, "WITHSCORES");
      if (m.length === 0 && off === 0) return missingIsEmpty ? out : undefined;
      const members: string[] = [];
      const raws: number[] = [];
      let watermark: number | undefined;
      for (let j = 0; j < m.length; j += 2) {
        if (m[j] === SENTINEL) {
          watermark = Number(m[j + 1]);
          break;
        }
        members.push(m[j]!);
        raws.push(Number(m[j + 1]));
      }
      this.consider(members, raws, words, out, skip, pk, skip2);
      off += members.length;
      if (watermark !== undefined) {
        if (out.length >= need) {
          out.sort(better);
          if (this.bound(watermark) < out[need - 1]![0]) return out;
        }
        return undefined;
      }
      if (m.length < 2 * page) return out.sort(better);
      if (out.length >= need) {
        out.sort(better);
        if (this.bound(raws[raws.length - 1]!) < out[need - 1]![0]) return out;
      }
      page = Math.min(page * 2, 1000);
    }
  }

  /** The pair list of the two rarest words with different 2-character prefixes, if any. */
  private pairList(words: readonly string[]): string | undefined {
    const cands: Array<[number, string]> = [];
    for (const q of words) {
      const two = charPrefix(q, 2).prefix;
      if (charLength(two) === 2) cands.push([this.lexcount(q), two]);
    }
    cands.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
    for (let x = 0; x < cands.length; x++) {
      for (let y = x + 1; y < cands.length; y++) {
        if (cands[x]![1] !== cands[y]![1]) {
          const [a, b] = cands[x]![1] < cands[y]![1] ? [cands[x]![1], cands[y]![1]] : [cands[y]![1], cands[x]![1]];
          return `${this.q.tag}:q:${a} ${b}`;
        }
      }
    }
    return undefined;
  }

  /** The exact top `need` items matching every word (sorted best first; may be longer). */
  collect(words: readonly string[], skip: ReadonlySet<string>): Hit[] {
    let driver = words[0]!;
    if (words.length > 1) {
      let best: number | undefined;
      for (const q of words) {
        const c = this.lexcount(q);
        if (c === 0) return [];
        if (best === undefined || c < best) {
          best = c;
          driver = q;
        }
      }
    }
    const { prefix, whole } = charPrefix(driver, this.q.chars);
    if (words.length > 1) {
      const pair = this.pairList(words);
      const x = `${this.q.tag}:x`;
      const wide = pair ? this.redis.integer("ZCARD", x) : 0;
      if (pair && wide <= 256) {
        // A wide item met in the pair list (an older version's rebuild put it there) is left to the wide set.
        const members: string[] = [];
        const raws: number[] = [];
        if (wide > 0) {
          const m = this.redis.strings("ZRANGE", x, 0, -1, "WITHSCORES");
          for (let j = 0; j < m.length; j += 2) {
            members.push(m[j]!);
            raws.push(Number(m[j + 1]));
          }
        }
        const out = this.stream(pair, words, true, skip, wide > 0 ? new Set(members) : undefined);
        if (out) {
          if (wide > 0) {
            this.consider(members, raws, words, out, skip, x);
            out.sort(better);
          }
          return out;
        }
      }
    }
    if (!((words.length > 1 || !whole) && this.lexcount(driver) <= 128)) {
      const out = this.stream(`${this.q.tag}:p:${prefix}`, words, false, skip, undefined);
      if (out) return out;
    }
    return this.wholeRange(driver, words, skip);
  }

  /** Evaluates every item having a word that starts with `driver` against its record. */
  private wholeRange(driver: string, words: readonly string[], skip: ReadonlySet<string>): Hit[] {
    const out: Hit[] = [];
    scanItemsWithPrefix(this.redis, this.w, this.d, driver, (items) => {
      this.consider(
        items.map((item) => `${item.folded}\0${item.key}`),
        items.map((item) => Number(item.score)),
        words,
        out,
        skip,
      );
    });
    return out.sort(better);
  }

  /** Every hit, best first (at least the best `need`), leaving out the members in `dead`; fuzzy hits last. */
  private ranked(dead: ReadonlySet<string>): Hit[] {
    const { words, need } = this.q;
    const results = words.length > 0 ? this.collect(words, dead) : [];
    const last = words[words.length - 1];
    if (this.q.fuzzy && last !== undefined && results.length < need && charLength(last) >= 3) {
      this.kept ??= fuzzyVariants(this.redis, this.w, last, (q) => this.lexcount(q));
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

  run(): Reply {
    const dead = new Set<string>();
    for (let round = 1; ; round++) {
      const { reply, gone } = pageOf(this.redis, this.d, this.ranked(dead), this.q, dead);
      if (!gone || round === 3) return reply;
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
    const [d, w, b] = keys.map((k) => k.toString("latin1"));
    return new SearchRun(redis, d!, w!, b!, query).run();
  },
};
