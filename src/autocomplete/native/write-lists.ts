/**
 * The prefix and pair lists of the native autocomplete-write port, as `../autocomplete-write.lua`
 * keeps them (read its header): members "rank folded\0key" at score "-s", best first, capped at K
 * with a header "\xff" s "\0" m at -inf once they overflowed; rebuilt under K/2. Strings latin1.
 */
import { byteOrder } from "./trie";
import type { ScriptCalls } from "../../memory/native";

const HEAD = "\xff";

/** An item as the write port handles it. */
export interface WItem {
  readonly key: string;
  readonly score: string;
  /** The negated score, as a number and as stored. */
  readonly n: number;
  readonly ns: string;
  readonly folded: string;
  /** " folded " */
  readonly sp: string;
  readonly words: readonly string[];
  readonly wide: boolean;
}

/** A list: prefix a (and b for a pair list), its key, and the strings its rank looks for. */
export interface Spec {
  readonly a: string;
  readonly b: string | undefined;
  readonly key: string;
  readonly find: readonly string[];
}

/** "-s" as the scripts negate a score string. */
export function neg(s: string): string {
  if (s === "0") return s;
  return s.startsWith("-") ? s.slice(1) : `-${s}`;
}

/** The member of an item in a list: 3 rank bytes, folded words, key. */
export function member(spec: Spec, it: WItem): string {
  let exact = 0;
  let pos = 0;
  for (let k = 0; k < spec.find.length; k += 2) {
    let at = it.sp.indexOf(spec.find[k]!) + 1;
    if (at > 0) exact++;
    else at = it.sp.indexOf(spec.find[k + 1]!) + 1;
    pos += at;
  }
  return String.fromCharCode(2 - exact, Math.floor(pos / 256) % 256, pos % 256) + it.folded + "\0" + it.key;
}

/** The list operations of one script run. */
export class Lists {
  private readonly specs = new Map<string, Spec>();

  constructor(
    private readonly redis: ScriptCalls,
    private readonly tag: string,
    private readonly k: number,
    /** Every live item having a word that starts with p (the trie walk of the write port). */
    private readonly itemsWith: (p: string) => WItem[],
    private readonly counts: (a: string, b: string) => Array<string | undefined>,
  ) {}

  spec(a: string, b?: string): Spec {
    const name = b === undefined ? a : `${a} ${b}`;
    let s = this.specs.get(name);
    if (!s) {
      s = { a, b, key: b === undefined ? `${this.tag}:p:${a}` : `${this.tag}:q:${name}`, find: b === undefined ? [` ${a} `, ` ${a}`] : [` ${a} `, ` ${a}`, ` ${b} `, ` ${b}`] };
      this.specs.set(name, s);
    }
    return s;
  }

  /** The pair list of a and b, unless one is a prefix of the other. */
  pair(a: string, b: string): Spec | undefined {
    if (b.startsWith(a) || a.startsWith(b)) return undefined;
    return byteOrder(b, a) < 0 ? this.spec(b, a) : this.spec(a, b);
  }

  /** Refills a list: its best K items, plus the header naming the next one when there are more. */
  rebuild(spec: Spec): void {
    const { redis, k } = this;
    redis.call(["DEL", spec.key]);
    let drive = spec.a;
    let other = spec.b;
    if (spec.b !== undefined) {
      const c = this.counts(spec.a, spec.b);
      if ((Number(c[1] ?? 0) || 0) < (Number(c[0] ?? 0) || 0)) [drive, other] = [spec.b, spec.a];
    }
    const es: Array<{ n: number; ns: string; m: string }> = [];
    for (const it of this.itemsWith(drive)) {
      if (other === undefined || (!it.wide && it.sp.includes(` ${other}`))) es.push({ n: it.n, ns: it.ns, m: member(spec, it) });
    }
    if (es.length === 0) return;
    es.sort((x, y) => (x.n !== y.n ? (x.n < y.n ? -1 : 1) : byteOrder(x.m, y.m)));
    const args: string[] = [];
    for (let i = 0; i < Math.min(k, es.length); i++) args.push(es[i]!.ns, es[i]!.m);
    if (es.length > k) args.push("-inf", `${HEAD}${es[k]!.ns}\0${es[k]!.m}`);
    for (let i = 0; i < args.length; i += 2000) redis.call(["ZADD", spec.key, ...args.slice(i, i + 2000)]);
  }

  /** The header of a list, if it overflowed: member, boundary score, boundary member. */
  private header(pk: string): { h: string; bn: number; bm: string } | undefined {
    const h = this.redis.strings("ZRANGE", pk, 0, 0)[0];
    if (h === undefined || h.charCodeAt(0) !== 255) return undefined;
    const z = h.indexOf("\0", 1);
    return { h, bn: Number(h.slice(1, z)), bm: h.slice(z + 1) };
  }

  /** Adds items: those ranking before the boundary, in chunks keeping small lists listpacks. */
  add(spec: Spec, its: readonly WItem[]): void {
    const { redis, k } = this;
    const pk = spec.key;
    const room = k < 126 ? 126 - k : 2000;
    let from = 0;
    while (from < its.length) {
      const head = this.header(pk);
      const args: string[] = [];
      while (from < its.length && args.length < 2 * room) {
        const it = its[from++]!;
        if (!head || it.n <= head.bn) {
          const m = member(spec, it);
          if (!head || it.n < head.bn || byteOrder(m, head.bm) < 0) args.push(it.ns, m);
        }
      }
      if (args.length === 0) continue;
      redis.call(["ZADD", pk, ...args]);
      const keep = k + (head ? 1 : 0);
      const low = redis.strings("ZRANGE", pk, keep, -1, "WITHSCORES");
      if (low.length > 0) {
        redis.call(["ZREMRANGEBYRANK", pk, keep, -1]);
        if (head) redis.call(["ZREM", pk, head.h]);
        redis.call(["ZADD", pk, "-inf", `${HEAD}${low[1]!}\0${low[0]!}`]);
      }
    }
  }

  /** Removes an item; a list that overflowed and falls under K/2 live members is rebuilt. */
  remove(spec: Spec, it: WItem): void {
    if (this.redis.integer("ZREM", spec.key, member(spec, it)) === 0) return;
    if (this.header(spec.key) && this.redis.integer("ZCARD", spec.key) - 1 < this.k / 2) this.rebuild(spec);
  }
}
