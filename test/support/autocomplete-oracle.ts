/**
 * A brute-force model of an autocomplete index: it keeps every live item and answers a search by
 * scanning them all and ranking by the documented rules (README "Autocomplete", the header of
 * src/autocomplete/autocomplete-search.lua), with no prefix list, watermark or pair list. Its
 * text folding is its own (NFKD, marks dropped, lower case, split on anything but letters and
 * digits), enough for the Latin, Greek and Cyrillic vocabulary the oracle tests use.
 */

/** One live item, as the oracle keeps it. */
export interface OracleItem {
  readonly id: string;
  readonly type: string;
  readonly title: string;
  readonly score: number;
  /** Folded words, in title order, without duplicates. */
  readonly words: readonly string[];
}

/** A search hit: the item, its score × boosts, exact-word count and summed byte offsets. */
export interface OracleHit {
  readonly item: OracleItem;
  readonly eff: number;
  readonly exact: number;
  readonly pos: number;
}

/** Options of {@link AutocompleteOracle.search} (those of `Autocomplete.search`). */
export interface OracleSearch {
  readonly types?: readonly string[];
  readonly boosts?: { readonly ids?: Readonly<Record<string, number>>; readonly types?: Readonly<Record<string, number>> };
  readonly fuzzy?: boolean;
}

/** Case and diacritics folded, split into words (deduplicated, in order). */
export function oracleWords(text: string): string[] {
  const folded = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  const out: string[] = [];
  for (const w of folded.split(/[^\p{L}\p{N}]+/u)) if (w !== "" && !out.includes(w)) out.push(w);
  return out;
}

/** An item key "type\0id", as the index stores it. */
export const itemKey = (id: string, type = ""): string => `${type}\0${id}`;

/** The list member of an item ("folded words\0type\0id"). */
export const memberOf = (item: OracleItem): string => `${item.words.join(" ")}\0${item.type}\0${item.id}`;

/** More than 6 distinct 2-character word prefixes: the item is in no pair list. */
export function isWide(words: readonly string[]): boolean {
  return new Set(words.filter((w) => Array.from(w).length >= 2).map((w) => Array.from(w).slice(0, 2).join(""))).size > 6;
}

const utf8 = (s: string): number => Buffer.byteLength(s, "utf8");

/**
 * How an item ranks for query words `qs` that all match it: the number equal to a whole word
 * and the summed 1-based byte offsets of the words they match (the first equal word, else the
 * first word prefixed), or undefined when some word matches nothing.
 */
export function matchOf(words: readonly string[], qs: readonly string[]): { exact: number; pos: number } | undefined {
  const offsets: number[] = [];
  for (let j = 0, at = 1; j < words.length; j++) {
    offsets.push(at);
    at += utf8(words[j]!) + 1;
  }
  let exact = 0;
  let pos = 0;
  for (const q of qs) {
    let j = words.indexOf(q);
    if (j >= 0) exact++;
    else j = words.findIndex((w) => w.startsWith(q));
    if (j < 0) return undefined;
    pos += offsets[j]!;
  }
  return { exact, pos };
}

/**
 * The member of an item in the prefix list of `prefixes` (one prefix, or two for a pair list),
 * as src/autocomplete/autocomplete-write.lua documents: 3 rank bytes (2 - exact, pos
 * big-endian), then the member of {@link memberOf}.
 */
export function listMember(item: OracleItem, prefixes: readonly string[]): Buffer {
  const m = matchOf(item.words, prefixes);
  if (!m) throw new Error(`${memberOf(item)} matches no ${prefixes.join(" ")}`);
  return Buffer.concat([Buffer.from([2 - m.exact, (m.pos >> 8) & 255, m.pos & 255]), Buffer.from(memberOf(item))]);
}

/**
 * Does the last query word `q` match a prefix of `word` at edit distance 1 as the README allows?
 * Deletion anywhere, transposition of neighbours, substitution and insertion from the second
 * character on (the first is never replaced, nothing is inserted before it).
 */
export function fuzzyPrefix(q: string, word: string): boolean {
  const c = Array.from(q);
  const w = Array.from(word);
  const n = c.length;
  const prefixed = (v: readonly string[]) => v.length <= w.length && v.every((x, i) => w[i] === x);
  for (let k = 0; k < n; k++) {
    if (prefixed([...c.slice(0, k), ...c.slice(k + 1)])) return true; // deletion
    if (k + 1 < n && prefixed([...c.slice(0, k), c[k + 1]!, c[k]!, ...c.slice(k + 2)])) return true; // transposition
    if (k >= 1 && w.length > k) {
      if (prefixed([...c.slice(0, k), w[k]!, ...c.slice(k + 1)])) return true; // substitution
      if (prefixed([...c.slice(0, k), w[k]!, ...c.slice(k)])) return true; // insertion before c[k]
    }
  }
  return false;
}

/** Ranking of exact-prefix hits: score × boosts desc, exact words desc, offsets asc, member bytes asc. */
export function compareHits(a: OracleHit, b: OracleHit): number {
  if (a.eff !== b.eff) return a.eff > b.eff ? -1 : 1;
  if (a.exact !== b.exact) return b.exact - a.exact;
  if (a.pos !== b.pos) return a.pos - b.pos;
  return Buffer.compare(Buffer.from(memberOf(a.item)), Buffer.from(memberOf(b.item)));
}

/** The brute-force index. */
export class AutocompleteOracle {
  readonly items = new Map<string, OracleItem>();
  /** Stored boosts: "i\0id" / "t\0type" → factor. */
  readonly boosts = new Map<string, number>();

  add(item: { id: string; title: string; score?: number; type?: string }): boolean {
    const key = itemKey(item.id, item.type);
    const fresh = !this.items.has(key);
    this.items.set(key, { id: item.id, type: item.type ?? "", title: item.title, score: item.score || 0, words: oracleWords(item.title) });
    return fresh;
  }

  remove(id: string, type = ""): boolean {
    return this.items.delete(itemKey(id, type));
  }

  boost(member: string, factor: number): void {
    if (factor === 1) this.boosts.delete(member);
    else this.boosts.set(member, factor);
  }

  private eff(item: OracleItem, options: OracleSearch): number {
    let eff = item.score;
    if (options.boosts) eff = eff * (options.boosts.ids?.[item.id] ?? 1) * (options.boosts.types?.[item.type] ?? 1);
    if (this.boosts.size > 0) eff = eff * (this.boosts.get(`i\0${item.id}`) ?? 1) * (this.boosts.get(`t\0${item.type}`) ?? 1);
    return eff;
  }

  /** Exact-prefix hits ranked, then fuzzy hits (one edit in the last word) by score × boosts only. */
  search(phrase: string, options: OracleSearch = {}): { exact: OracleHit[]; fuzzy: OracleHit[] } {
    const qs = oracleWords(phrase);
    const exact: OracleHit[] = [];
    const fuzzy: OracleHit[] = [];
    if (qs.length === 0) return { exact, fuzzy };
    const last = qs[qs.length - 1]!;
    const tryFuzzy = options.fuzzy === true && Array.from(last).length >= 3;
    for (const item of this.items.values()) {
      if (options.types && !options.types.includes(item.type)) continue;
      const m = matchOf(item.words, qs);
      if (m) exact.push({ item, eff: this.eff(item, options), exact: m.exact, pos: m.pos });
      else if (tryFuzzy && qs.slice(0, -1).every((q) => item.words.some((w) => w.startsWith(q))) && item.words.some((w) => fuzzyPrefix(last, w))) {
        fuzzy.push({ item, eff: this.eff(item, options), exact: 0, pos: 0 });
      }
    }
    exact.sort(compareHits);
    fuzzy.sort((a, b) => (a.eff === b.eff ? 0 : a.eff > b.eff ? -1 : 1));
    return { exact, fuzzy };
  }
}
