/**
 * Model-based check of the autocomplete engine: random adds, upserts, score changes and
 * removals (enough to overflow, truncate and rebuild the capped prefix lists, with many tied
 * scores), each followed now and then by random searches compared with a brute-force model of
 * the documented ranking (score, whole-word matches, word offsets, folded title, key).
 */
import { expect, it } from "vitest";
import { queryWords, titleWords } from "../../src/autocomplete/text";
import { describeBackends } from "../support/backends";
import { rng } from "../support/random";

const VOCABULARY = ["a", "ab", "abc", "alpha", "alpine", "alps", "al", "be", "beta", "bet", "better", "gamma", "gam", "x", "xy", "zed"];
// Long titles over these have more than 6 different 2-character prefixes: "wide" items.
const EXTRA = ["delta", "fox", "hill", "jolly", "kilo", "mono", "north", "puma", "river"];

interface ModelItem {
  id: string;
  type: string;
  title: string;
  score: number;
  folded: string;
}

interface Extras {
  types?: string[];
  queryIds?: Record<string, number>;
  queryTypes?: Record<string, number>;
  storedIds: Map<string, number>;
  storedTypes: Map<string, number>;
}

function modelSearch(items: Map<string, ModelItem>, phrase: string, limit: number, offset: number, x?: Extras): string[] {
  const words = queryWords(phrase);
  if (words.length === 0) return [];
  const hits: Array<{ id: string; score: number; exact: number; pos: number; mem: string }> = [];
  for (const item of items.values()) {
    const s = ` ${item.folded}`;
    let exact = 0;
    let pos = 0;
    let ok = true;
    for (const w of words) {
      // the first word equal to the query word, else the first word it prefixes
      let at = `${s} `.indexOf(` ${w} `);
      if (at >= 0) exact++;
      else at = s.indexOf(` ${w}`);
      if (at < 0) {
        ok = false;
        break;
      }
      pos += at;
    }
    if (ok && x?.types && !x.types.includes(item.type)) ok = false;
    if (!ok) continue;
    let eff = item.score;
    // same multiplication order as the Lua script, so ties are bit-identical
    if (x && (x.queryIds || x.queryTypes)) eff = eff * (x.queryIds?.[item.id] ?? 1) * (x.queryTypes?.[item.type] ?? 1);
    if (x && (x.storedIds.size > 0 || x.storedTypes.size > 0)) eff = eff * (x.storedIds.get(item.id) ?? 1) * (x.storedTypes.get(item.type) ?? 1);
    hits.push({ id: `${item.type}/${item.id}`, score: eff, exact, pos, mem: `${item.folded}\u0000${item.type}\u0000${item.id}` });
  }
  hits.sort((a, b) => b.score - a.score || b.exact - a.exact || a.pos - b.pos || (a.mem < b.mem ? -1 : a.mem > b.mem ? 1 : 0));
  return hits.slice(offset, offset + limit).map((h) => h.id);
}

describeBackends("autocomplete (model-based)", (ctx) => {
  for (const seed of [1, 2, 3]) {
    it(`matches the brute-force model (seed ${seed})`, async () => {
      const random = rng(seed);
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
      const ac = ctx().db.autocomplete(`model${seed}`);
      const items = new Map<string, ModelItem>();
      const randomTitle = () =>
        random() < 0.1
          ? Array.from({ length: 8 }, () => pick([...VOCABULARY, ...EXTRA, ...EXTRA])).join(" ")
          : Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(VOCABULARY)).join(pick([" ", "-", " "]));
      const check = async () => {
        for (let q = 0; q < 6; q++) {
          const phrase = Array.from({ length: random() < 0.7 ? 1 : 2 }, () => {
            const w = random() < 0.15 ? pick(EXTRA) : pick(VOCABULARY);
            return w.slice(0, 1 + Math.floor(random() * w.length));
          }).join(" ");
          const limit = 1 + Math.floor(random() * 15);
          const offset = random() < 0.8 ? 0 : Math.floor(random() * 120);
          const got = (await ac.search(phrase, { limit, offset })).map((r) => `${r.type}/${r.id}`);
          expect(got, `${phrase} limit ${limit} offset ${offset}`).toEqual(modelSearch(items, phrase, limit, offset));
        }
      };
      for (let step = 0; step < 900; step++) {
        const r = random();
        const id = String(Math.floor(random() * 320));
        if (r < 0.75) {
          const existing = items.get(id);
          const title = existing && random() < 0.5 ? existing.title : randomTitle();
          const score = Math.floor(random() * 40);
          await ac.add({ id, title, score });
          items.set(id, { id, type: "", title, score, folded: titleWords(title).join(" ") });
        } else {
          expect(await ac.remove(id)).toBe(items.delete(id));
        }
        if (step % 30 === 29) await check();
      }
      expect(await ac.size()).toBe(items.size);
      // bulk path too: re-add everything through addMany (updates) plus new ids
      const extra = Array.from({ length: 300 }, (_, i) => ({ id: `n${i}`, title: randomTitle(), score: Math.floor(random() * 40) }));
      await ac.addMany([...[...items.values()].map((x) => ({ id: x.id, title: x.title, score: x.score + 1 })), ...extra], { batchSize: 97 });
      for (const x of items.values()) x.score += 1;
      for (const x of extra) items.set(x.id, { ...x, type: "", folded: titleWords(x.title).join(" ") });
      for (let i = 0; i < 5; i++) await check();
      await ac.clear();
    }, 120_000);
  }

  it("matches the model with types, query boosts and stored boosts", async () => {
    const random = rng(42);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const ac = ctx().db.autocomplete("model-boosts");
    const items = new Map<string, ModelItem>();
    const x: Extras = { storedIds: new Map(), storedTypes: new Map() };
    const TYPES = ["", "city", "poi"];
    const FACTORS = [0.5, 1.5, 2, 3, 0.25];
    for (let step = 0; step < 700; step++) {
      const r = random();
      const id = String(Math.floor(random() * 250));
      const type = pick(TYPES);
      if (r < 0.8) {
        const title = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(VOCABULARY)).join(" ");
        const score = Math.floor(random() * 30);
        await ac.add({ id, type, title, score });
        items.set(`${type}\u0000${id}`, { id, type, title, score, folded: titleWords(title).join(" ") });
      } else if (r < 0.9) {
        expect(await ac.remove(id, type)).toBe(items.delete(`${type}\u0000${id}`));
      } else if (r < 0.95) {
        const f = pick([...FACTORS, 1]);
        await ac.boost(id, f);
        if (f === 1) x.storedIds.delete(id);
        else x.storedIds.set(id, f);
      } else {
        const t = pick(TYPES.slice(1));
        const f = pick([...FACTORS, 1]);
        await ac.boost({ type: t }, f);
        if (f === 1) x.storedTypes.delete(t);
        else x.storedTypes.set(t, f);
      }
      if (step % 25 === 24) {
        for (let q = 0; q < 6; q++) {
          const phrase = Array.from({ length: random() < 0.7 ? 1 : 2 }, () => {
            const w = pick(VOCABULARY);
            return w.slice(0, 1 + Math.floor(random() * w.length));
          }).join(" ");
          const limit = 1 + Math.floor(random() * 12);
          const types = random() < 0.3 ? [pick(TYPES)] : undefined;
          const queryIds = random() < 0.3 ? { [String(Math.floor(random() * 250))]: pick(FACTORS) } : undefined;
          const queryTypes = random() < 0.3 ? { [pick(TYPES)]: pick(FACTORS) } : undefined;
          const boosts = queryIds || queryTypes ? { ...(queryIds ? { ids: queryIds } : {}), ...(queryTypes ? { types: queryTypes } : {}) } : undefined;
          const got = (await ac.search(phrase, { limit, ...(types ? { types } : {}), ...(boosts ? { boosts } : {}) })).map((r) => `${r.type}/${r.id}`);
          const want = modelSearch(items, phrase, limit, 0, { ...x, ...(types ? { types } : {}), ...(queryIds ? { queryIds } : {}), ...(queryTypes ? { queryTypes } : {}) });
          expect(got, `${phrase} ${JSON.stringify({ limit, types, boosts })}`).toEqual(want);
        }
      }
    }
    await ac.clear();
  }, 120_000);
});
