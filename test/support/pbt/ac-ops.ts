/**
 * Generated autocomplete operations for the model-based API test. Titles are built from a
 * small vocabulary whose folded, searchable words are written out by hand (so the oracle does
 * not reuse narwhal's folding): "São" → sao, "O'Hare" → ohare/o/hare, "東京都" → every suffix…
 * A search is checked with a tie-tolerant property of the README's rules: every result matches
 * (each query word is a prefix of some word of its title), no id repeats, entries equal the
 * stored items, and the scores, best first, are exactly the scores of the brute-force matches
 * at that offset/limit window (so the result set is the best-scored matches up to ties).
 * Bulk loads (addMany of 160 titles sharing two words, some wide) overflow the prefix and pair
 * lists, and bulk removals shrink them below the rebuild threshold. Autocomplete never joins a batch.
 */
import fc from "fast-check";
import type { AutocompleteEntry } from "../../../src/index";
import type { AcItem, Op, Oracle, Queued, World } from "./core";
import { expectValue, expectWith, lit, op, poisoned, resolves } from "./core";

/** Title words and the folded words narwhal must index them under. */
const VOCAB: Array<readonly [string, readonly string[]]> = [
  ["Paris", ["paris"]],
  ["Parisot", ["parisot"]],
  ["São", ["sao"]],
  ["Paulo", ["paulo"]],
  ["New", ["new"]],
  ["York", ["york"]],
  ["Zürich", ["zurich"]],
  ["O'Hare", ["ohare", "o", "hare"]],
  ["東京都", ["東京都", "京都", "都"]],
  ["🍕", ["🍕"]],
  ["Straße", ["strasse"]],
  ["pa", ["pa"]],
];
/** Query words and their folded form. */
const QWORDS: Array<readonly [string, string]> = [
  ["par", "par"],
  ["PARIS", "paris"],
  ["sao", "sao"],
  ["SÃO", "sao"],
  ["pa", "pa"],
  ["p", "p"],
  ["zur", "zur"],
  ["o'h", "oh"],
  ["hare", "hare"],
  ["京都", "京都"],
  ["東", "東"],
  ["🍕", "🍕"],
  ["stras", "stras"],
  ["y", "y"],
  ["new", "new"],
  ["x", "x"],
  // A lone surrogate separates words like punctuation.
  ["pa\ud800", "pa"],
];
export const AC_IDS = ["p1", "p2", "p3", "p4", "p5"];
const BULK = 160;

const words = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: VOCAB.length - 1 }), { minLength: min, maxLength: max });
const title = fc.tuple(fc.oneof({ weight: 4, arbitrary: words(1, 3) }, { weight: 1, arbitrary: words(5, 8) }), fc.constantFrom(" ", "-", ", ")).map(([ws, sep]) => ws.map((i) => VOCAB[i]![0]).join(sep));
const tokensOf = (t: string) => new Set(VOCAB.filter(([w]) => t.split(/ |-|, /).includes(w)).flatMap(([, f]) => f));
const acId = fc.constantFrom(...AC_IDS);
/** Scores, with values past 2^31 and 2^32 (a 32-bit Lua integer would wrap them). */
const score = fc.constantFrom(0, 1, 2, 3, 5, 8, -1, 2.5, 13, 2147483648, 4294967301, -3000000000, 1e15);
const data = fc.option(fc.integer({ min: 0, max: 3 }).map((c) => ({ c })), { nil: undefined });

function entry(id: string, it: AcItem): AutocompleteEntry<{ c: number }> {
  return { id, title: it.title, score: it.score, data: it.data, type: "" };
}
const plain = (e: AutocompleteEntry<{ c: number }> | undefined) => e && { id: e.id, title: e.title, score: e.score, data: e.data, type: e.type };

/**
 * Bulk titles: most share the words "Paris São" (so the "pa"/"sa" prefix lists and their pair
 * list overflow, and shrink below the rebuild threshold when bulk items are removed); every
 * tenth is "wide" (more than 6 different 2-character prefixes), which pair lists leave out.
 */
function bulkTitle(i: number): string {
  if (i % 16 === 0) return "Paris São Paulo New York Zürich Straße O'Hare 東京都";
  const third = ["", " Paulo", " pa", " 🍕"][i % 4];
  return `${i % 3 === 0 ? "São Paris" : "Paris São"}${third}`;
}

/** The search property described in the module doc. */
function searchPlan(o: Oracle, folded: string[], limit: number, offset: number): Queued {
  return {
    exec: (actual) =>
      expectWith(actual, (v) => {
        const got = v as Array<AutocompleteEntry<{ c: number }>>;
        const matches = [...o.ac].filter(([, it]) => folded.every((q) => [...tokensOf(it.title)].some((t) => t.startsWith(q))));
        const want = matches.map(([, it]) => it.score).sort((a, b) => b - a).slice(offset, offset + limit);
        if (new Set(got.map((e) => e.id)).size !== got.length) return "an id is returned twice";
        for (const e of got) {
          const it = o.ac.get(e.id);
          if (!it || expectValue({ ok: plain(e) }, entry(e.id, it))) return `${lit(e.id)} is not the stored item ${lit(it && entry(e.id, it))}`;
          if (!matches.some(([id]) => id === e.id)) return `${lit(e.id)} (${lit(it.title)}) does not match ${lit(folded)}`;
        }
        const scores = got.map((e) => e.score);
        if (expectValue({ ok: scores }, want)) return `scores ${lit(scores)}, expected ${lit(want)} (the best matches, best first, of ${matches.length})`;
        return undefined;
      }),
  };
}

function acOp(call: string, touches: string[], plan: (o: Oracle) => Queued, issue: (w: World) => Promise<unknown>): Op {
  return op(`ac.${call}`, "direct", touches, plan, issue);
}

const add = fc.tuple(acId, title, score, data).map(([id, t, s, d]) => {
  const item = { id, title: t, score: s, ...(d === undefined ? {} : { data: d }) };
  return acOp(
    `add(${lit(item)})`,
    ["ac"],
    (o) =>
      resolves(() => {
        const isNew = !o.ac.has(id);
        o.ac.set(id, { title: t, score: s, data: d });
        return isNew;
      }),
    (w) => w.ac.add(item),
  );
});

const search = fc
  .tuple(fc.array(fc.constantFrom(...QWORDS), { minLength: 1, maxLength: 2 }), fc.constantFrom(1, 3, 10), fc.constantFrom(0, 0, 1, 2))
  .map(([qs, limit, offset]) => {
    const phrase = qs.map(([q]) => q).join(" ");
    const folded = [...new Set(qs.map(([, f]) => f))];
    return acOp(`search(${lit(phrase)}, { limit: ${limit}, offset: ${offset} })`, [], (o) => searchPlan(o, folded, limit, offset), (w) => w.ac.search(phrase, { limit, offset }));
  });

export const acOps: Array<fc.Arbitrary<Op>> = [
  add,
  add,
  acId.map((id) => acOp(`remove(${lit(id)})`, ["ac"], (o) => resolves(() => o.ac.delete(id)), (w) => w.ac.remove(id))),
  acId.map((id) => acOp(`has(${lit(id)})`, [], (o) => resolves(() => o.ac.has(id)), (w) => w.ac.has(id))),
  acId.map((id) => acOp(`get(${lit(id)})`, [], (o) => resolves(() => o.ac.has(id) ? entry(id, o.ac.get(id)!) : undefined), (w) => w.ac.get(id).then(plain))),
  fc.constant(acOp("size()", [], (o) => resolves(() => o.ac.size), (w) => w.ac.size())),
  search,
  search,
  search,
  // Bulk loads and removals (one entry: they are slow on the engine).
  fc.oneof(
    fc.constant(
      acOp(
        `addMany(${BULK} items q0… with wide titles)`,
        ["ac"],
        (o) =>
          resolves(() => {
            for (let i = 0; i < BULK; i++) o.ac.set(`q${i}`, { title: bulkTitle(i), score: 100 + i, data: undefined });
            return BULK;
          }),
        (w) => w.ac.addMany(Array.from({ length: BULK }, (_, i) => ({ id: `q${i}`, title: bulkTitle(i), score: 100 + i }))),
      ),
    ),
    fc.tuple(fc.integer({ min: 0, max: BULK - 1 }), fc.integer({ min: 40, max: 100 })).map(([from, count]) => {
      const ids = Array.from({ length: count }, (_, i) => `q${(from + i) % BULK}`);
      return acOp(
        `remove(q${from}…q${(from + count - 1) % BULK}) (${count} removes, concurrently)`,
        ["ac"],
        (o) => resolves(() => ids.filter((id) => o.ac.delete(id)).length),
        (w) => Promise.all(ids.map((id) => w.ac.remove(id))).then((rs) => rs.filter(Boolean).length),
      );
    }),
  ),
  fc.constantFrom(
    acOp(`add({ id: "p1", title: "a\\u0000b" })`, [], () => poisoned("ValidationError"), (w) => w.ac.add({ id: "p1", title: "a\0b" })),
    acOp(`search("pa", { limit: 0 })`, [], () => poisoned("ValidationError"), (w) => w.ac.search("pa", { limit: 0 })),
  ),
];

/** Observable autocomplete state: the size and every item of the small id universe. */
export async function checkAc(o: Oracle, w: World): Promise<string | undefined> {
  const [size, ...items] = await Promise.all([w.ac.size(), ...AC_IDS.map((id) => w.ac.get(id))]);
  if (size !== o.ac.size) return `ac.size(): expected ${o.ac.size}, got ${size}`;
  const problem = expectValue({ ok: items.map((e) => plain(e as AutocompleteEntry<{ c: number }> | undefined)) }, AC_IDS.map((id) => (o.ac.has(id) ? entry(id, o.ac.get(id)!) : undefined)));
  return problem && `ac.get(${lit(AC_IDS)}): ${problem}`;
}
