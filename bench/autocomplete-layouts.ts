/**
 * The layouts the autocomplete bench compares, each in a private redis-server of its own, all
 * with narwhal's folding and tokenisation (so all index the same words):
 *  - narwhal: `db.autocomplete()` (one EVALSHA per search);
 *  - walrus layout: a zset per prefix of every word (member = id, score = population), data in
 *    a hash; a query is ZREVRANGE (one word) or MULTI ZINTERSTORE/ZREVRANGE/DEL EXEC (several),
 *    then HMGET (2 round trips);
 *  - RediSearch FT.SUGADD/FT.SUGGET (Debian's redis-redisearch 1.2, when its module file
 *    exists): one suggestion per word suffix of the title ("new york city", "york city",
 *    "city"), payload = id + country; one FT.SUGGET per query (it matches the query as a prefix
 *    of a suggestion: words in title order, no AND of words anywhere in the title).
 * Every layout's search returns decoded results (narwhal's entries; the baselines' JSON parsed
 * into objects), so the client work compared is the same.
 */
import { Redis } from "ioredis";
import { narwhalModule } from "./narwhal-module";
import { queryWords } from "../src/autocomplete/text";

// narwhal as users run it: the built package (see narwhal-module.ts)
const { Database } = await narwhalModule();

/** An item of the data set (the bench's cities: data = country code). */
export interface BenchItem {
  readonly id: string;
  readonly title: string;
  readonly score: number;
  readonly data: { readonly country: string };
}

export interface Layout {
  readonly name: string;
  readonly short: string;
  readonly roundTrips: string;
  /** The commands one search sends, first one starting it (to group SLOWLOG entries per search). */
  readonly starts: readonly string[];
  load(items: readonly BenchItem[], words: ReadonlyArray<readonly string[]>): Promise<void>;
  /** One search on connection `c` (0..clients-1). */
  search(c: number, q: string): Promise<unknown>;
  close(): Promise<void>;
}

export const REDISEARCH = "/usr/lib/redis/modules/redisearch.so";

function clients(port: number, n: number): Redis[] {
  return Array.from({ length: n }, () => new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 }));
}

export function narwhal(port: number, n = 50): Layout {
  // a bulk load's batches can queue behind each other for seconds on a large index
  const dbs = Array.from({ length: n }, () => new Database({ port, host: "127.0.0.1" }, { prefix: "bench", commandTimeout: 120_000 }));
  const acs = dbs.map((db) => db.autocomplete<{ country: string }>("cities"));
  return {
    name: "narwhal",
    short: "narwhal",
    roundTrips: "1",
    starts: ["evalsha"],
    load: async (items) => {
      await acs[0]!.addMany(items, { batchSize: 1000 });
    },
    search: (c, q) => acs[c]!.search(q, { limit: 10 }),
    close: async () => {
      await Promise.all(dbs.map((db) => db.close()));
    },
  };
}

/**
 * narwhal with the local answer tier (`local: { maxEntries: 10_000 }`) on an index another
 * layout loaded: a repeated search is answered in process (each of the `n` clients has its
 * own tier, as `n` processes would), a new one costs the same EVALSHA.
 */
export function narwhalLocal(port: number, n = 50): Layout {
  const dbs = Array.from({ length: n }, () => new Database({ port, host: "127.0.0.1" }, { prefix: "bench" }));
  const acs = dbs.map((db) => db.autocomplete<{ country: string }>("cities", { local: { maxEntries: 10_000, ttl: 3600 } }));
  return {
    name: "narwhal, local answer tier",
    short: "narwhal+local",
    roundTrips: "0 (repeated search) or 1",
    starts: ["evalsha"],
    load: async () => {
      for (const ac of acs) while (ac.localState !== "up") await new Promise((r) => setTimeout(r, 5));
    },
    search: (c, q) => acs[c]!.search(q, { limit: 10 }),
    close: async () => {
      await Promise.all(dbs.map((db) => db.close()));
    },
  };
}

export function walrus(port: number, n = 50): Layout {
  const rs = clients(port, n);
  return {
    name: "walrus layout (zset per prefix)",
    short: "walrus",
    roundTrips: "2",
    starts: ["zrevrange", "multi"],
    load: async (items, words) => {
      const r = rs[0]!;
      for (let i = 0; i < items.length; i += 500) {
        const p = r.pipeline();
        for (let j = i; j < Math.min(i + 500, items.length); j++) {
          const c = items[j]!;
          p.hset("w:d", c.id, JSON.stringify({ title: c.title, data: c.data }));
          for (const w of words[j]!) {
            const chars = Array.from(w);
            for (let k = 1; k <= chars.length; k++) p.zadd(`w:p:${chars.slice(0, k).join("")}`, c.score, c.id);
          }
        }
        await p.exec();
      }
    },
    search: async (c, q) => {
      const r = rs[c]!;
      const words = queryWords(q);
      let ids: string[];
      if (words.length === 1) ids = (await r.zrevrange(`w:p:${words[0]}`, 0, 9)) as string[];
      else {
        const tmp = `w:tmp:${c}`;
        const res = await r.multi().zinterstore(tmp, words.length, ...words.map((w) => `w:p:${w}`), "AGGREGATE", "MAX").zrevrange(tmp, 0, 9).del(tmp).exec();
        ids = (res?.[1]?.[1] ?? []) as string[];
      }
      // decoded into results, as narwhal's search returns them (same work on every layout)
      return ids.length ? (await r.hmget("w:d", ...ids)).map((json, k) => ({ id: ids[k], ...(JSON.parse(json!) as { title: string; data: unknown }) })) : [];
    },
    close: async () => rs.forEach((r) => r.disconnect()),
  };
}

export function redisearch(port: number, n = 50): Layout {
  const rs = clients(port, n);
  return {
    name: "RediSearch 1.2 FT.SUGGET (word suffixes)",
    short: "FT.SUGGET",
    roundTrips: "1",
    starts: ["ft.sugget"],
    load: async (items, words) => {
      const r = rs[0]!;
      for (let i = 0; i < items.length; i += 500) {
        const p = r.pipeline();
        for (let j = i; j < Math.min(i + 500, items.length); j++) {
          const c = items[j]!;
          const ws = words[j]!;
          const payload = JSON.stringify({ id: c.id, country: c.data.country });
          for (let k = 0; k < ws.length; k++) p.call("FT.SUGADD", "s:sug", ws.slice(k).join(" "), Math.max(1, c.score), "PAYLOAD", payload);
        }
        await p.exec();
      }
    },
    search: async (c, q) => {
      const flat = (await rs[c]!.call("FT.SUGGET", "s:sug", queryWords(q).join(" "), "MAX", 10, "WITHPAYLOADS")) as string[] | null;
      // decoded into results, as narwhal's search returns them (same work on every layout)
      const out: Array<{ title: string; id: string; country: string }> = [];
      for (let k = 0; flat && k + 1 < flat.length; k += 2) out.push({ title: flat[k]!, ...(JSON.parse(flat[k + 1]!) as { id: string; country: string }) });
      return out;
    },
    close: async () => rs.forEach((r) => r.disconnect()),
  };
}
