import { expect, it } from "vitest";
import { PREFIX_LIST_CAPACITY } from "../../src/autocomplete/options";
import type { Autocomplete } from "../../src/autocomplete/autocomplete";
import { MAX_TITLE_LENGTH } from "../../src/autocomplete/text";
import { ScriptError, ValidationError } from "../../src/errors";
import { countRoundTrips } from "../../bench/support";
import { describeBackends } from "../support/backends";

let counter = 0;
const unique = (base: string) => `${base}${++counter}`;
const titles = (r: Array<{ title: string }>) => r.map((x) => x.title);
/** An HGETALL reply (a flat array from a raw call) as an object. */
const hashOf = (r: unknown): Record<string, string> => (Array.isArray(r) ? Object.fromEntries(r.flatMap((x, i) => (i % 2 === 0 ? [[String(x), String(r[i + 1])]] : []))) : (r as Record<string, string>));

const CITIES = [
  { id: "3448439", title: "São Paulo", score: 10_021_295, data: { country: "BR" } },
  { id: "2657896", title: "Zürich", score: 341_730, data: { country: "CH" } },
  { id: "5128581", title: "New York City", score: 8_175_133, data: { country: "US" } },
  { id: "2633352", title: "York", score: 153_717, data: { country: "GB" } },
  { id: "6167865", title: "North York", score: 636_000, data: { country: "CA" } },
  { id: "2988507", title: "Paris", score: 2_138_551, data: { country: "FR" } },
  { id: "4717560", title: "Paris", score: 24_782, data: { country: "US" } },
  { id: "1850147", title: "東京都", score: 9_000_000, data: { country: "JP" } },
  { id: "1835848", title: "서울특별시", score: 10_349_312, data: { country: "KR" } },
  { id: "ohare", title: "O'Hare", score: 12, data: { country: "US" } },
  { id: "3117735", title: "Madrid", score: 3_255_944, data: { country: "ES" } },
  { id: "pizza", title: "Pizza 🍕 Place", score: 5, data: { country: "IT" } },
];

describeBackends("autocomplete", (ctx) => {
  async function cities(): Promise<Autocomplete<{ country: string }>> {
    const ac = ctx().db.autocomplete<{ country: string }>(unique("cities"));
    await ac.addMany(CITIES);
    return ac;
  }

  it("finds every word by prefix, folding case and diacritics, best score first", async () => {
    const ac = await cities();
    expect(titles(await ac.search("sao pa"))).toEqual(["São Paulo"]);
    expect(titles(await ac.search("SÃO"))).toEqual(["São Paulo"]);
    expect(titles(await ac.search("zur"))).toEqual(["Zürich"]);
    expect(titles(await ac.search("zurich"))).toEqual(["Zürich"]);
    expect(titles(await ac.search("york"))).toEqual(["New York City", "North York", "York"]);
    expect(titles(await ac.search("new yo"))).toEqual(["New York City"]);
    expect(titles(await ac.search("yo ne"))).toEqual(["New York City"]);
    expect(await ac.search("sao x")).toEqual([]);
    const [paris] = await ac.search("par", { limit: 1 });
    expect(paris).toEqual({ id: "2988507", title: "Paris", score: 2_138_551, data: { country: "FR" }, type: "" });
  });

  it("writes the documented layout (raw state)", async () => {
    const { raw, prefix } = ctx();
    // lists of 2 items: "s" and "p" split (their buckets pass 2 entries) and are pair-common (past 2)
    const ac = ctx().db.autocomplete<{ country: string }>("layout", { listCapacity: 2, pairThreshold: 2 });
    await ac.clear();
    await ac.add({ id: "1", title: "São Paulo", score: 7, data: { country: "BR" } });
    const tag = `{${prefix}:ac:layout}`;
    expect(ac.tag).toBe(tag);
    expect(await raw.call("hget", `${tag}:d`, "\u00001")).toBe('7\u0000sao paulo\u0000São Paulo\u0000={"country":"BR"}');
    expect(hashOf(await raw.call("hgetall", ac.keys.words))).toEqual({ "": "0sp" });
    // an entry per word: the word, then what a search ranks by (score, folded words), then the key
    expect(await raw.call("zrange", ac.bucketKey("s"), 0, -1)).toEqual(["sao\u00007\u0000sao paulo\u0000\u00001"]);
    expect(await raw.call("zrange", ac.bucketKey("p"), 0, -1)).toEqual(["paulo\u00007\u0000sao paulo\u0000\u00001"]);
    for (const [id, title, score] of [["2", "Santos", 5], ["3", "Sorocaba", 1], ["4", "Paris", 2], ["5", "Porto", 4]] as const) await ac.add({ id, title, score });
    expect(hashOf(await raw.call("hgetall", ac.keys.words))).toEqual({ "": "0sp", s: "2ao", p: "2ao" });
    expect(hashOf(await raw.call("hgetall", `${tag}:n`))).toEqual({ s: "3", p: "3" });
    expect(await raw.call("zrange", ac.bucketKey("sa"), 0, -1)).toEqual(["santos\u00005\u0000santos\u0000\u00002", "sao\u00007\u0000sao paulo\u0000\u00001"]);
    expect(await raw.call("zrange", ac.bucketKey("pa"), 0, -1)).toEqual(["paris\u00002\u0000paris\u0000\u00004", "paulo\u00007\u0000sao paulo\u0000\u00001"]);
    expect(await raw.call("exists", ac.bucketKey("s"), ac.bucketKey("p"))).toBe(0);
    // the best 2 items of "s", then (at -inf) the header naming the best one left out
    expect(await raw.call("zrange", ac.prefixListKey("s"), 0, -1, "WITHSCORES")).toEqual([
      "\ufffd-1\u0000\u0002\u0000\u0001sorocaba\u0000\u00003", "-inf",
      "\u0002\u0000\u0001sao paulo\u0000\u00001", "-7",
      "\u0002\u0000\u0001santos\u0000\u00002", "-5",
    ]);
    // rank bytes: no query word equal to a whole word (2 - 0), words at byte offsets 1 + 5
    expect(ac.pairListKey("s", "p")).toBe(`${tag}:q:p s`);
    expect(await raw.call("zrange", ac.pairListKey("s", "p"), 0, -1, "WITHSCORES")).toEqual(["\u0002\u0000\u0006sao paulo\u0000\u00001", "-7"]);
    expect(titles(await ac.search("s"))).toEqual(["São Paulo", "Santos", "Sorocaba"]);
    expect(titles(await ac.search("p s"))).toEqual(["São Paulo"]);
    await ac.clear();
    expect(await raw.call("exists", ac.keys.items, ac.keys.words, `${tag}:n`, ac.prefixListKey("s"), ac.pairListKey("s", "p"), ac.bucketKey("sa"))).toBe(0);
  });

  it("upserts: a changed title removes the old words, an unchanged one only updates score and data", async () => {
    const { raw } = ctx();
    const ac = ctx().db.autocomplete<{ v: number }>(unique("upsert"));
    expect(await ac.add({ id: "a", title: "Alpha Beta", score: 1, data: { v: 1 } })).toBe(true);
    expect(await ac.add({ id: "a", title: "Gamma", score: 2, data: { v: 2 } })).toBe(false);
    expect(await ac.search("alp")).toEqual([]);
    expect(await ac.search("be")).toEqual([]);
    expect(await ac.search("gam")).toEqual([{ id: "a", title: "Gamma", score: 2, data: { v: 2 }, type: "" }]);
    expect(await raw.call("exists", ac.bucketKey("a"), ac.bucketKey("b"))).toBe(0);
    expect(await raw.call("zrange", ac.bucketKey("g"), 0, -1)).toEqual(["gamma\u00002\u0000gamma\u0000\u0000a"]);
    expect(await ac.add({ id: "a", title: "Gamma", score: 9, data: { v: 3 } })).toBe(false);
    expect(await ac.get("a")).toEqual({ id: "a", title: "Gamma", score: 9, data: { v: 3 }, type: "" });
    expect(await raw.call("hget", ac.keys.items, "\u0000a")).toBe('9\u0000gamma\u0000Gamma\u0000={"v":3}');
    expect(await ac.size()).toBe(1);
  });

  it("remove, has, get, size, iteration and clear", async () => {
    const { raw } = ctx();
    const ac = await cities();
    expect(await ac.size()).toBe(CITIES.length);
    expect(await ac.has("2988507")).toBe(true);
    expect(await ac.remove("2988507")).toBe(true);
    expect(await ac.remove("2988507")).toBe(false);
    expect(await ac.has("2988507")).toBe(false);
    expect(await ac.get("2988507")).toBeUndefined();
    expect(titles(await ac.search("paris"))).toEqual(["Paris"]);
    const seen: string[] = [];
    for await (const item of ac) seen.push(item.id);
    expect(seen.sort()).toEqual(CITIES.map((c) => c.id).filter((id) => id !== "2988507").sort());
    await ac.boost("x", 2);
    const keys = [ac.keys.items, ac.keys.words, ac.keys.boosts, ...["s", "p", "東", "京", "都", "🍕", "서"].map((b) => ac.bucketKey(b))];
    expect(await raw.call("exists", ...keys)).toBe(keys.length);
    await ac.clear();
    expect(await ac.size()).toBe(0);
    expect(await ac.search("s")).toEqual([]);
    expect(await raw.call("exists", ...keys)).toBe(0);
  });

  it("accepts ids with any characters, and types", async () => {
    const ac = ctx().db.autocomplete(unique("ids"));
    const ids = ["a:b", "{tag}", "with space", "ütf-8 ✓", "\u0000nul", "x".repeat(300)];
    for (const [i, id] of ids.entries()) await ac.add({ id, title: `Item ${i}`, score: i });
    expect((await ac.search("item", { limit: 20 })).map((r) => r.id)).toEqual([...ids].reverse());
    for (const id of ids) expect(await ac.has(id)).toBe(true);
    await ac.add({ id: "a:b", type: "airport", title: "Item airport", score: 100 });
    expect(await ac.has("a:b", "airport")).toBe(true);
    expect((await ac.search("item", { types: ["airport"] })).map((r) => [r.id, r.type])).toEqual([["a:b", "airport"]]);
    expect(await ac.search("item", { types: ["nope"] })).toEqual([]);
    expect(await ac.remove("a:b", "airport")).toBe(true);
    expect(await ac.has("a:b")).toBe(true);
  });

  it("matches CJK by any substring typed from its start, and emoji as words", async () => {
    const ac = await cities();
    expect(titles(await ac.search("東京"))).toEqual(["東京都"]);
    expect(titles(await ac.search("京都"))).toEqual(["東京都"]);
    expect(titles(await ac.search("서울"))).toEqual(["서울특별시"]);
    expect(titles(await ac.search("특별"))).toEqual(["서울특별시"]);
    expect(titles(await ac.search("🍕"))).toEqual(["Pizza 🍕 Place"]);
  });

  it("answers text of every UTF-8 width the same from a computed and a cached answer, and reads an older cached answer", async () => {
    const { raw } = ctx();
    const ac = ctx().db.autocomplete<{ note: string }>(unique("widths"));
    const items = [
      { id: "é1", type: "ü", title: "Zoë café", score: 4, data: { note: "déjà vu" } },
      { id: "東1", type: "都", title: "Zoo 東京都", score: 3, data: { note: "京都 and ascii" } },
      { id: "🍕1", type: "🐘", title: "Zoom 🍕 𝄞 clef", score: 2, data: { note: "𝄞🍕 astral:\u0000:colon" } },
      { id: "a:1", title: "Zoology", score: 1, data: { note: "plain" } },
    ];
    await ac.addMany(items);
    const expected = items.map(({ id, type, title, score, data }) => ({ id, type: type ?? "", title, score, data }));
    const computed = await ac.search("zo");
    expect(computed).toEqual(expected);
    expect(await ac.search("zo")).toEqual(expected); // the cached answer (UTF-16 lengths)
    expect(await ac.search("zo", { offset: 1, limit: 2 })).toEqual(expected.slice(1, 3)); // a page of it
    // An answer cached by an older version counts bytes ("<bytes>:<part>…" without the "~").
    const g = String(await raw.call("get", `${ac.tag}:g`));
    const pairs = (await raw.call("hgetall", ac.keys.items)) as string[] | Record<string, string>;
    const records = new Map(Array.isArray(pairs) ? pairs.flatMap((x, i) => (i % 2 === 0 ? [[String(x), String(pairs[i + 1])]] : [])) : Object.entries(pairs));
    const older = expected.map((e) => `${e.type}\u0000${e.id}`).flatMap((key) => [key, records.get(key)!]).map((s) => `${Buffer.byteLength(s)}:${s}`).join("");
    await raw.call("set", `${ac.tag}:a:${g}:ezoo`, older);
    expect(await ac.search("zoo")).toEqual(expected); // the answer of "zo", cached as "zoo"'s: proof it came from the cache
  });

  it("handles apostrophes: o'hare, ohare and hare all find O'Hare", async () => {
    const ac = await cities();
    for (const q of ["o'hare", "ohare", "O’Hare", "hare", "oh"]) expect(titles(await ac.search(q))).toEqual(["O'Hare"]);
  });

  it("ranks by score, then exact word, then earlier word position, then title", async () => {
    const ac = ctx().db.autocomplete(unique("rank"));
    await ac.addMany([
      { id: "1", title: "Berlin Mitte", score: 5 },
      { id: "2", title: "Mitte Berlin", score: 5 },
      { id: "3", title: "Berlingen", score: 5 },
      { id: "4", title: "Alt Berlin", score: 5 },
      { id: "5", title: "Berlin", score: 1 },
    ]);
    expect(titles(await ac.search("berlin"))).toEqual(["Berlin Mitte", "Alt Berlin", "Mitte Berlin", "Berlingen", "Berlin"]);
    expect(titles(await ac.search("ber"))).toEqual(["Berlin Mitte", "Berlingen", "Alt Berlin", "Mitte Berlin", "Berlin"]);
    expect(titles(await ac.search("ber", { limit: 2, offset: 1 }))).toEqual(["Berlingen", "Alt Berlin"]);
    // a whole-word match counts wherever it is, even after a longer word with the same prefix
    await ac.addMany([
      { id: "6", title: "Parisot Paris", score: 5 },
      { id: "7", title: "Parisot", score: 5 },
      { id: "8", title: "Nord Paris", score: 5 },
      { id: "9", title: "Paris Nord", score: 5 },
    ]);
    expect(titles(await ac.search("paris"))).toEqual(["Paris Nord", "Nord Paris", "Parisot Paris", "Parisot"]);
    expect(titles(await ac.search("paris no"))).toEqual(["Nord Paris", "Paris Nord"]); // summed offsets 1 + 6 < 1 + 7
  });

  it("boosts multiply at query time and never compound", async () => {
    const ac = ctx().db.autocomplete(unique("boost"));
    await ac.addMany([
      { id: "a", title: "Apple", score: 10 },
      { id: "b", title: "Apricot", score: 8, type: "fruit" },
      { id: "c", title: "Avocado", score: 6 },
    ]);
    expect(titles(await ac.search("a"))).toEqual(["Apple", "Apricot", "Avocado"]);
    expect(titles(await ac.search("a", { boosts: { ids: { c: 2 } } }))).toEqual(["Avocado", "Apple", "Apricot"]);
    expect(titles(await ac.search("a", { boosts: { types: { fruit: 1.5 } } }))).toEqual(["Apricot", "Apple", "Avocado"]);
    expect(titles(await ac.search("a"))).toEqual(["Apple", "Apricot", "Avocado"]);
    await ac.boost("c", 1.5);
    await ac.boost("c", 1.5);
    await ac.boost("c", 1.5); // 6 × 1.5 = 9 (not 6 × 1.5³ = 20.25)
    for (let i = 0; i < 3; i++) expect(titles(await ac.search("a"))).toEqual(["Apple", "Avocado", "Apricot"]);
    expect(titles(await ac.search("a", { boosts: { ids: { c: 2 } } }))).toEqual(["Avocado", "Apple", "Apricot"]);
    await ac.boost({ type: "fruit" }, 0.1);
    expect(titles(await ac.search("a"))).toEqual(["Apple", "Avocado", "Apricot"]);
    await ac.boost("c", 1);
    await ac.boost({ type: "fruit" }, 1);
    expect(await ctx().raw.call("exists", ac.keys.boosts)).toBe(0);
    expect((await ac.search("a")).map((r) => r.score)).toEqual([10, 8, 6]);
    await expect(ac.boost("c", 0)).rejects.toBeInstanceOf(ValidationError);
  });

  it("fuzzy tolerates one edit in the last word, ranked below exact-prefix hits", async () => {
    const ac = await cities();
    expect(await ac.search("zuirch")).toEqual([]);
    expect(titles(await ac.search("zuirch", { fuzzy: true }))).toEqual(["Zürich"]);
    expect(titles(await ac.search("madird", { fuzzy: true }))).toEqual(["Madrid"]);
    expect(titles(await ac.search("madrud", { fuzzy: true }))).toEqual(["Madrid"]);
    expect(titles(await ac.search("amdrid", { fuzzy: true }))).toEqual(["Madrid"]);
    expect(titles(await ac.search("adrid", { fuzzy: true }))).toEqual([]); // a missing first character is not recovered
    expect(titles(await ac.search("sao paolo", { fuzzy: true }))).toEqual(["São Paulo"]);
    // exact-prefix hits first, even when a fuzzy hit scores higher
    const ac2 = ctx().db.autocomplete(unique("fuzzy"));
    await ac2.addMany([
      { id: "1", title: "Paras", score: 1 },
      { id: "2", title: "Paris", score: 100 },
    ]);
    expect(titles(await ac2.search("paras", { fuzzy: true }))).toEqual(["Paras", "Paris"]);
    expect(titles(await ac2.search("paras"))).toEqual(["Paras"]);
  });

  it("rejects bad input with typed errors and returns [] for empty phrases", async () => {
    const ac = await cities();
    expect(await ac.search("")).toEqual([]);
    expect(await ac.search("   \t ")).toEqual([]);
    expect(await ac.search("?!")).toEqual([]);
    for (const limit of [0, -1, 1.5, Number.NaN, 5000]) await expect(ac.search("a", { limit })).rejects.toBeInstanceOf(ValidationError);
    await expect(ac.search("a", { offset: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(ac.add({ id: "x", title: "a".repeat(MAX_TITLE_LENGTH + 1) })).rejects.toBeInstanceOf(ValidationError);
    await expect(ac.add({ id: "", title: "a" })).rejects.toBeInstanceOf(ValidationError);
    await expect(ac.add({ id: "x", title: "a", score: Number.NaN })).rejects.toBeInstanceOf(ValidationError);
    await expect(ac.add({ id: "x", title: "a\u0000b" })).rejects.toBeInstanceOf(ValidationError);
    await expect(ac.addMany([{ id: "ok", title: "ok" }, { id: "", title: "bad" }])).rejects.toBeInstanceOf(ValidationError);
    expect(await ac.search("a".repeat(MAX_TITLE_LENGTH))).toEqual([]);
    expect(await ac.has("ok")).toBe(false);
  });

  it("is one round trip per search, add and remove", async () => {
    const { backend } = ctx();
    if (backend.name !== "standalone") return;
    const ac = await cities();
    const client = ctx().db.client;
    await ac.search("warm up");
    expect(await countRoundTrips(client, () => ac.search("sao pa", { fuzzy: true }))).toBe(1);
    expect(await countRoundTrips(client, () => ac.add({ id: "n", title: "Nowhere", score: 1 }))).toBe(1);
    expect(await countRoundTrips(client, () => ac.remove("n"))).toBe(1);
  });

  it("keeps results exact when prefix lists overflow and items are removed", async () => {
    const { raw } = ctx();
    const ac = ctx().db.autocomplete(unique("overflow"));
    const n = 300;
    await ac.addMany(Array.from({ length: n }, (_, i) => ({ id: String(i), title: `Item ${i}`, score: i })), { batchSize: 37 });
    expect(await raw.call("zcard", ac.prefixListKey("i"))).toBe(PREFIX_LIST_CAPACITY + 1);
    const best = (k: number) => Array.from({ length: k }, (_, i) => String(n - 1 - i));
    expect((await ac.search("i", { limit: 5 })).map((r) => r.id)).toEqual(best(5));
    // remove the best 80: the lists are rebuilt from the lexical index when they run low
    for (let i = 0; i < 80; i++) await ac.remove(String(n - 1 - i));
    expect((await ac.search("it", { limit: 5 })).map((r) => r.id)).toEqual(best(85).slice(80));
    // lower scores of the remaining best items: still exact
    await ac.add({ id: String(n - 81), title: `Item ${n - 81}`, score: -1 });
    expect((await ac.search("ite", { limit: 2 })).map((r) => r.id)).toEqual([String(n - 82), String(n - 83)]);
    // a deep page beyond the list's capacity falls back to the lexical index
    const deep = await ac.search("item", { limit: 10, offset: 200 });
    expect(deep.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => String(n - 83 - 200 + 1 - i)));
    // a raised score enters the list
    await ac.add({ id: "0", title: "Item 0", score: 1e9 });
    expect((await ac.search("i", { limit: 1 })).map((r) => r.id)).toEqual(["0"]);
  });

  it("keeps items with many different words out of pair lists (the wide set) and still finds them", async () => {
    const { raw } = ctx();
    const ac = ctx().db.autocomplete(unique("wide"), { listCapacity: 8, pairThreshold: 40 });
    const long = "Santa Maria de los Angeles del Rio Grande Norte";
    await ac.addMany([
      { id: "long", title: long, score: 5 },
      ...Array.from({ length: 150 }, (_, i) => ({ id: `s${i}`, title: `Santa Marta ${i}`, score: 100 + i })),
    ]);
    expect(await raw.call("zrange", `${ac.tag}:x`, 0, -1)).toEqual(["santa maria de los angeles del rio grande norte\u0000\u0000long"]);
    expect(await raw.call("zcard", ac.pairListKey("santa", "marta"))).toBe(9);
    const members = async (key: string) => ((await raw.call("zrange", key, 0, -1)) as string[]).filter((m) => m.endsWith("\u0000long"));
    expect(await members(ac.pairListKey("sa", "ma"))).toEqual([]);
    expect(titles(await ac.search("santa gr"))).toEqual([long]);
    expect(titles(await ac.search("sa ma", { limit: 200 })).at(-1)).toBe(long);
    expect(titles(await ac.search("santa ma", { limit: 200 })).at(-1)).toBe(long);
    await ac.add({ id: "long", title: "Santa Maria", score: 5000 });
    expect(await raw.call("exists", `${ac.tag}:x`)).toBe(0);
    expect(await members(ac.pairListKey("santa", "ma"))).toHaveLength(1);
    expect(titles(await ac.search("santa ma", { limit: 1 }))).toEqual(["Santa Maria"]);
    await ac.add({ id: "long", title: long, score: 6 });
    expect(await members(ac.pairListKey("santa", "ma"))).toEqual([]);
    await ac.clear();
    expect(await raw.call("exists", `${ac.tag}:x`, ac.keys.items, ac.pairListKey("santa", "marta"))).toBe(0);
  });

  it("a pair-list rebuild never takes in a wide item (no duplicate result, no dangling member after its removal)", async () => {
    // Issue 9, defect 3: the rebuild of a pair list read the wide item too (it is also in the
    // wide set, so it came back twice), and removing it left it in the pair list (CodecError).
    const { raw } = ctx();
    const ac = ctx().db.autocomplete(unique("widerebuild"), { listCapacity: 8, pairThreshold: 20 });
    await ac.add({ id: "wide", title: "sax pax ab cd ef gh ij", score: 1000 });
    await ac.addMany(Array.from({ length: 150 }, (_, i) => ({ id: `i${i + 1}`, title: "sax pax", score: i + 1 })));
    for (let s = 150; s >= 100; s--) await ac.remove(`i${s}`);
    const ids = (r: Array<{ id: string }>) => r.map((x) => x.id);
    const best = (from: number, n: number) => Array.from({ length: n }, (_, i) => `i${from - i}`);
    expect(ids(await ac.search("sax pa"))).toEqual(["wide", ...best(99, 9)]);
    for (const [a, b] of [["sax", "pa"], ["sa", "pax"], ["s", "p"]]) {
      expect(((await raw.call("zrange", ac.pairListKey(a!, b!), 0, -1)) as string[]).filter((m) => m.endsWith("\u0000wide")), `${a} ${b}`).toEqual([]);
    }
    expect(await ac.remove("wide")).toBe(true);
    expect(ids(await ac.search("sax pa"))).toEqual(best(99, 10));
    expect(ids(await ac.search("pax sa", { limit: 3, offset: 2 }))).toEqual(best(97, 3));
  });

  it("skips list members whose item is gone or changed, removes them, and still fills the page", async () => {
    // Such members are never written by this version (a bug could leave them).
    const { raw } = ctx();
    // lists of 16 (a page of 10 is read from them), "dang" and "it" pair-common
    const ac = ctx().db.autocomplete(unique("dangling"), { listCapacity: 16, pairThreshold: 16 });
    await ac.addMany(Array.from({ length: 30 }, (_, i) => ({ id: `i${i}`, title: `Dang Item ${i}`, score: i })));
    const ids = (r: Array<{ id: string }>) => r.map((x) => x.id);
    // members as the lists store them: rank bytes, folded words, key
    const ghost = "\u0002\u0000\u0001dang item ghost\u0000\u0000ghost"; // no such item
    const stale = "\u0002\u0000\u0001dang item old\u0000\u0000i3"; // i3's words are "dang item 3"
    const pairGhost = "\u0001\u0000\u0007dang item ghost\u0000\u0000ghost";
    const wideGhost = "dang item ab cd ef gh ij\u0000\u0000wghost";
    await raw.call("zadd", ac.prefixListKey("da"), -100, ghost, -99, stale);
    await raw.call("zadd", ac.pairListKey("dang", "it"), -100, pairGhost);
    await raw.call("zadd", `${ac.tag}:x`, 200, wideGhost);
    expect(ids(await ac.search("da", { limit: 3 }))).toEqual(["i29", "i28", "i27"]);
    expect(ids(await ac.search("dang it", { limit: 3 }))).toEqual(["i29", "i28", "i27"]);
    expect(await raw.call("zscore", ac.prefixListKey("da"), ghost)).toBeNull();
    expect(await raw.call("zscore", ac.prefixListKey("da"), stale)).toBeNull();
    expect(await raw.call("zscore", ac.pairListKey("dang", "it"), pairGhost)).toBeNull();
    expect(await raw.call("exists", `${ac.tag}:x`)).toBe(0);
    expect(ids(await ac.search("dan", { limit: 2, offset: 1 }))).toEqual(["i28", "i27"]);
    expect(await ac.size()).toBe(30);
  });

  it("caches plain answers (the best 10) until the next write, and slices them per page", async () => {
    const { raw } = ctx();
    const ac = await cities();
    const first = titles(await ac.search("york"));
    const g = String(await raw.call("get", `${ac.tag}:g`));
    const key = `${ac.tag}:a:${g}:eyork`;
    expect(await raw.call("exists", key)).toBe(1);
    expect(Number(await raw.call("ttl", key))).toBeGreaterThan(500);
    // served from the answer, sliced; the same as computed (a type filter is never cached)
    expect(titles(await ac.search("york", { limit: 2, offset: 1 }))).toEqual(first.slice(1, 3));
    expect(titles(await ac.search("york", { limit: 2, offset: 1, types: [""] }))).toEqual(first.slice(1, 3));
    // a write moves the generation: the next search recomputes
    await ac.add({ id: "yorkshire", title: "Yorkshire", score: 99_000_000 });
    expect(Number(await raw.call("get", `${ac.tag}:g`))).toBeGreaterThan(Number(g));
    expect(titles(await ac.search("york", { limit: 1 }))).toEqual(["Yorkshire"]);
    // stored boosts bypass the cache
    await ac.boost("2633352", 1000);
    expect(titles(await ac.search("york", { limit: 1 }))).toEqual(["York"]);
    await ac.boost("2633352", 1);
    expect(titles(await ac.search("york", { limit: 1 }))).toEqual(["Yorkshire"]);
  });

  it("validates the index name", () => {
    expect(() => ctx().db.autocomplete("")).toThrow(ValidationError);
    expect(() => ctx().db.autocomplete("a{b")).toThrow(ValidationError);
  });

  it("maps Lua failures to ScriptError (wrong key type)", async () => {
    const { raw } = ctx();
    const ac = ctx().db.autocomplete(unique("wrongtype"));
    await raw.call("set", ac.keys.items, "x");
    await expect(ac.add({ id: "1", title: "a" })).rejects.toBeInstanceOf(ScriptError);
    await raw.call("del", ac.keys.items);
  });
});
