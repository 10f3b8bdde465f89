/**
 * The autocomplete's native script ports (src/autocomplete/native/) against the Lua they
 * mirror, run in fengari: the same random autocomplete workload goes to two engines, one
 * with the port and one without, and after every step their replies and their whole
 * keyspaces must be byte-identical. The workload overflows, evicts and rebuilds capped
 * prefix lists (tied scores at the capacity edge included), moves items between words,
 * and has "wide" items, duplicates within a batch, non-ASCII words and binary-ish ids.
 */
import { describe, expect, it } from "vitest";
import { Database } from "../../src/index";
import type { Autocomplete, AutocompleteItem } from "../../src/index";
import { createEngine } from "../../src/memory/create-engine";
import type { Engine } from "../../src/memory/engine";
import { createScriptingHost } from "../../src/memory/lua";
import { withNativeScripts } from "../../src/memory/native";
import type { NativeScript } from "../../src/memory/native";
import { autocompleteSearch, autocompleteWrite } from "../../src/autocomplete/native";
import { libraryScript } from "../../src/lua/registry";
import { rng } from "../support/random";

const WORDS = ["san", "santa", "santo", "sao", "são", "saint", "sa", "new", "newark", "newport", "york", "yo", "zürich", "zug", "東京", "東", "ab", "abc", "x"];
const EXTRA = ["delta", "fox", "hill", "jolly", "kilo", "mono", "north", "puma", "river"];

/** Every key of the engine's database 0 with its type and full contents, in key order. */
async function dump(db: Database): Promise<string[]> {
  const client = db.client as unknown as {
    keys(p: string): Promise<string[]>;
    type(k: string): Promise<string>;
    hgetall(k: string): Promise<Record<string, string>>;
    zrange(k: string, a: number, b: number, w: string): Promise<string[]>;
  };
  const out: string[] = [];
  for (const key of (await client.keys("*")).sort()) {
    const type = await client.type(key);
    if (type === "hash") out.push(`${key} hash ${JSON.stringify(Object.entries(await client.hgetall(key)).sort())}`);
    else if (type === "zset") out.push(`${key} zset ${JSON.stringify(await client.zrange(key, 0, -1, "WITHSCORES"))}`);
    else out.push(`${key} ${type}`);
  }
  return out;
}

/** Counts the calls each port answered itself (not handed to the Lua). */
function counted(port: NativeScript, runs: { count: number }): NativeScript {
  return {
    ...port,
    run(keys, args, redis) {
      const reply = port.run(keys, args, redis);
      if (reply !== undefined) runs.count++;
      return reply;
    },
  };
}

/** Two engines: one running the ports (counting their runs), one running only the Lua in fengari. */
function pair(writeRuns: { count: number }, searchRuns = { count: 0 }): { native: Database; lua: Database } {
  const host = withNativeScripts(createScriptingHost(), [counted(autocompleteWrite, writeRuns), counted(autocompleteSearch, searchRuns)]);
  const nativeEngine: Engine = createEngine({ scripting: host });
  return {
    native: Database.memory({ engine: nativeEngine, prefix: "t" }),
    // The one 2,100-item call runs ~10 s in fengari on a quiet machine: past the host's default
    // 30 s limit on a loaded CI machine, so this engine gets the test's own bound.
    lua: Database.memory({ engine: createEngine({ nativeScripts: false, luaHost: { timeLimitMs: 110_000 } }), prefix: "t" }),
  };
}

describe("native autocomplete-write vs the Lua in fengari", () => {
  // Raw script calls with small capacities, so lists overflow, evict and (after removals)
  // rebuild all the time, ties at the capacity edge included.
  for (const seed of [1, 2, 3, 4]) {
    it(`leaves byte-identical keyspaces on raw script calls (seed ${seed})`, async () => {
      const random = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const cap = pick([2, 3, 5, 8, 100]);
      // the pair threshold: from "every split prefix is pair-common" up
      const pairs = cap * pick([1, 3, 8]);
      const folded = (): string => {
        const n = random() < 0.15 ? 7 + Math.floor(random() * 3) : 1 + Math.floor(random() * 3);
        const words = Array.from({ length: n }, () => (n > 4 ? pick([...WORDS, ...EXTRA]) : pick(WORDS)));
        return random() < 0.05 ? ` ${words.join("  ")} ` : words.join(" ");
      };
      const key = (): string => (random() < 0.1 ? `t2\u0000${Math.floor(random() * 60)}\u00ff` : `\u0000${Math.floor(random() * 60)}`);
      const score = (): string => (random() < 0.7 ? String(Math.floor(random() * 6)) : String(Math.round(random() * 1e5) / 100));
      const add = (): string[] => ["A", key(), score(), folded(), "title", random() < 0.5 ? "" : "=1"];
      const runs = { count: 0 };
      const { native, lua } = pair(runs);
      const keys = ["t:{ix}:d", "t:{ix}:w", "t:{ix}:b"];
      const call = (db: Database, args: string[]) => db.client.call("EVALSHA", autocompleteWrite.sha, keys.length, ...keys, "t:{ix}", cap, pairs, ...args);
      try {
        await native.client.call("SCRIPT", "LOAD", libraryScript("autocomplete-write").lua);
        await lua.client.call("SCRIPT", "LOAD", libraryScript("autocomplete-write").lua);
        for (let step = 0; step < 100; step++) {
          const ops: string[] = [];
          // Once (seed 1: slow in fengari) one huge call, past the script's 2000-item batch.
          const count = step === 10 && seed === 1 ? 2100 : 1 + Math.floor(random() * 12);
          for (let i = 0; i < count; i++) {
            // A huge call adds brand-new keys, which the script batches (its 2000-item flush).
            if (count > 100) ops.push("A", `big${step}:${i}`, ...add().slice(2));
            else ops.push(...(random() < 0.7 ? add() : ["R", key()]));
          }
          const [a, b] = await Promise.all([call(native, ops), call(lua, ops)]);
          expect(a, `step ${step} reply`).toEqual(b);
          if (step % 10 === 9) expect(await dump(native), `step ${step} keyspace`).toEqual(await dump(lua));
        }
        expect(runs.count, "the port ran (not the Lua fallback)").toBe(100);
      } finally {
        await native.close();
        await lua.close();
      }
    }, 120_000);
  }

  it("leaves byte-identical keyspaces through the Autocomplete API", async () => {
    const random = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const title = (): string => {
      const n = random() < 0.1 ? 8 : 1 + Math.floor(random() * 3);
      return Array.from({ length: n }, () => (n > 4 ? pick([...WORDS, ...EXTRA]) : pick(WORDS))).join(random() < 0.2 ? "-" : " ");
    };
    const item = (): AutocompleteItem<string> => ({
      id: random() < 0.05 ? `id\u0000${Math.floor(random() * 20)}\u00ff` : String(Math.floor(random() * 300)),
      title: title(),
      score: random() < 0.7 ? Math.floor(random() * 20) : Math.round(random() * 1e6) / 100,
      type: random() < 0.1 ? "t2" : undefined,
      data: random() < 0.5 ? `d${Math.floor(random() * 9)}` : undefined,
    });
    const runs = { count: 0 };
    const { native, lua } = pair(runs);
    const indexes: Array<Autocomplete<string>> = [native.autocomplete<string>("ix"), lua.autocomplete<string>("ix")];
    try {
      for (let step = 0; step < 40; step++) {
        const r = random();
        let replies: unknown[];
        if (r < 0.45) {
          const batch = Array.from({ length: 1 + Math.floor(random() * 300) }, item);
          replies = await Promise.all(indexes.map((ix) => ix.addMany(batch, { batchSize: 1 + Math.floor(random() * 200) })));
        } else if (r < 0.75) {
          const one = item();
          replies = await Promise.all(indexes.map((ix) => ix.add(one)));
        } else {
          const victims = Array.from({ length: 1 + Math.floor(random() * 80) }, () => String(Math.floor(random() * 300)));
          replies = await Promise.all(indexes.map((ix) => Promise.all(victims.map((id) => ix.remove(id)))));
        }
        expect(replies[0], `step ${step} reply`).toEqual(replies[1]);
      }
      expect(await dump(native)).toEqual(await dump(lua));
      expect(await indexes[0]!.search("sa", { limit: 50 })).toEqual(await indexes[1]!.search("sa", { limit: 50 }));
      expect(runs.count, "the port ran (not the Lua fallback)").toBeGreaterThan(50);
    } finally {
      await native.close();
      await lua.close();
    }
  });

  it("hands malformed arguments to the Lua, which answers as on Redis", async () => {
    const runs = { count: 0 };
    const { native, lua } = pair(runs);
    try {
      const ac = native.autocomplete("ix");
      await ac.add({ id: "1", title: "San Jose", score: 1 });
      expect(runs.count).toBe(1);
      const sha = autocompleteWrite.sha;
      const call = (db: Database, args: string[]) => db.client.call("EVALSHA", sha, 3, "t:{ix}:d", "t:{ix}:w", "t:{ix}:b", ...args).catch((e: Error) => e.message);
      await lua.autocomplete("ix").add({ id: "1", title: "San Jose", score: 1 });
      for (const args of [["{t:ix}", "100", "3", "Z", "k"], ["{t:ix}", "100", "3", "A", "k", "not-a-number", "x", "x", ""]]) {
        const [a, b] = [await call(native, args), await call(lua, args)];
        expect(String(a)).toBe(String(b));
      }
      expect(runs.count).toBe(1);
    } finally {
      await native.close();
      await lua.close();
    }
  });
});

describe("native script errors", () => {
  it("a command failing inside a port answers Redis's error, naming the port", async () => {
    const runs = { count: 0 };
    const { native, lua } = pair(runs);
    try {
      // The index's item hash replaced by a string: HSETNX fails with WRONGTYPE in both.
      for (const db of [native, lua]) await db.client.call("SET", "{t:ac:ix}:d", "not a hash");
      const errors = await Promise.all([native, lua].map((db) => db.autocomplete("ix").add({ id: "1", title: "x" }).then(() => "no error", (e: Error) => e.message)));
      expect(errors[0]).toMatch(/^script "autocomplete-write": WRONGTYPE Operation against a key holding the wrong kind of value script: [0-9a-f]{40}, on @native:autocomplete-write\.$/);
      expect(errors[1]).toMatch(/^script "autocomplete-write": WRONGTYPE Operation against a key holding the wrong kind of value script: [0-9a-f]{40}, on @user_script:\d+\.$/);
    } finally {
      await native.close();
      await lua.close();
    }
  });
});

describe("native autocomplete-search vs the Lua in fengari", () => {
  it("skips and removes dangling list members the same way (same reply, same keyspace)", async () => {
    const runs = { count: 0 };
    const { native, lua } = pair({ count: 0 }, runs);
    try {
      for (const db of [native, lua]) {
        // lists of 16 (a page of 10 is read from them): "sa", "sax", "pa"… split and are pair-common
        const ac = db.autocomplete("ix", { listCapacity: 16, pairThreshold: 16 });
        await ac.addMany(Array.from({ length: 30 }, (_, i) => ({ id: `i${i}`, title: `Sax Pax ${i}`, score: i })));
        await ac.add({ id: "w", title: "sax pax ab cd ef gh ij", score: 5.5 });
        // leftovers of a bug: a removed item in a prefix list and in a pair list, and in the wide set
        await db.client.call("ZADD", ac.prefixListKey("sax"), -100, "\u0002\u0000\u0001sax pax gone\u0000\u0000gone");
        await db.client.call("ZADD", ac.pairListKey("sax", "pax"), -100, "\u0002\u0000\u0006sax pax gone\u0000\u0000gone");
        await db.client.call("ZADD", `${ac.tag}:x`, 99, "sax pax ab cd ef gh kl\u0000\u0000w2");
      }
      for (const [q, options] of [["sax", { limit: 40 }], ["sax pax", { limit: 40 }], ["sa", { limit: 3 }], ["sax pa", { limit: 30 }], ["pa sax", { limit: 2, offset: 1 }], ["sax", { limit: 5, fuzzy: true }]] as const) {
        const [a, b] = await Promise.all([native, lua].map((db) => db.autocomplete("ix", { listCapacity: 16, pairThreshold: 16 }).search(q, options)));
        expect(a, q).toEqual(b);
        expect(new Set(a!.map((r) => r.id)).size, q).toBe(a!.length);
        expect(a!.map((r) => r.id), q).not.toContain("gone");
        expect(await dump(native), q).toEqual(await dump(lua));
      }
      // the first two read the leftovers and removed them
      expect(await native.client.call("ZSCORE", native.autocomplete("ix").prefixListKey("sax"), "\u0002\u0000\u0001sax pax gone\u0000\u0000gone")).toBeNull();
      expect(runs.count).toBe(6);
    } finally {
      await native.close();
      await lua.close();
    }
  });

  for (const seed of [11, 12, 13]) {
    it(`answers byte-identical replies (seed ${seed})`, async () => {
      const random = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const vocabulary = [...WORDS, ...EXTRA, "sal", "sala", "salt", "salto", "santos", "sam", "nova", "nowy"];
      const runs = { count: 0 };
      const { native, lua } = pair({ count: 0 }, runs);
      // addMany keeps 4 batches in flight: on a loaded machine one fengari batch passes the 5 s
      // lua-time-limit and the next is answered BUSY; the test waits for it instead.
      await lua.client.call("CONFIG", "SET", "lua-time-limit", "100000");
      // default lists, then small ones (splits, pair-common prefixes, overflows everywhere)
      const options = [{}, { listCapacity: 5, pairThreshold: 15 }, { listCapacity: 8, pairThreshold: 40 }][seed - 11]!;
      const indexes: Array<Autocomplete<string>> = [native.autocomplete<string>("ix", options), lua.autocomplete<string>("ix", options)];
      try {
        // 700 items over a small vocabulary: prefix and pair lists overflow (capacity 100).
        const items = Array.from({ length: 700 }, (_, i): AutocompleteItem<string> => {
          const n = random() < 0.08 ? 8 : 1 + Math.floor(random() * 3);
          return {
            id: String(i),
            title: Array.from({ length: n }, () => pick(vocabulary)).join(" "),
            score: random() < 0.6 ? Math.floor(random() * 10) : random() < 0.1 ? -Math.floor(random() * 50) : Math.round(random() * 1e6) / 100,
            type: random() < 0.2 ? pick(["a", "b"]) : undefined,
            data: `d${i}`,
          };
        });
        for (const ix of indexes) await ix.addMany(items, { batchSize: 200 });
        // Removals push some lists under half capacity (rebuilt from the lexical index).
        for (const ix of indexes) for (let i = 0; i < 700; i += 3) await ix.remove(String(i));
        const queries: string[] = [];
        for (let i = 0; i < 150; i++) {
          const k = 1 + Math.floor(random() * 3);
          queries.push(Array.from({ length: k }, () => { const w = pick(vocabulary); return w.slice(0, 1 + Math.floor(random() * w.length)); }).join(" "));
        }
        queries.push("salot", "snata", "nwe yrok", "zurihc", "x y z", "東", "sao pa", "qqq");
        for (const [step, q] of queries.entries()) {
          if (step === 80) for (const ix of indexes) { await ix.boost("5", 3); await ix.boost({ type: "a" }, 0.5); await ix.boost("7", 0.2); }
          const options = {
            limit: pick([1, 3, 10, 40]),
            offset: random() < 0.2 ? Math.floor(random() * 20) : 0,
            fuzzy: step >= 150 || random() < 0.4,
            types: random() < 0.15 ? [pick(["a", "b", ""])] : undefined,
            boosts: random() < 0.2 ? { ids: { [String(Math.floor(random() * 700))]: 4 }, types: { b: 0.25 } } : undefined,
          };
          const [a, b] = await Promise.all(indexes.map((ix) => ix.search(q, options)));
          expect(a, `${JSON.stringify(q)} ${JSON.stringify(options)}`).toEqual(b);
        }
        expect(runs.count, "the port ran (not the Lua fallback)").toBeGreaterThan(150);
      } finally {
        await native.close();
        await lua.close();
      }
    });
  }
});
