/**
 * `npm run bench -- drivers` (issue 16): narwhal's overhead over the raw client, for each
 * driver, on one private redis-server over loopback TCP. The same operations go through
 * narwhal and through the client it wraps, with the same codec work (JSON values), so the only
 * difference is narwhal's own code (and, for node-redis, its adapter):
 *  - hash.get (HGET + JSON.parse), hash.set (HSET + JSON.stringify), a user script
 *    (`db.script`: EVALSHA) against the raw client's HGET / HSET / EVALSHA;
 *  - at 1 call in flight, contenders interleaved call by call (every call of every contender
 *    sees the same machine conditions), p50 and p99 µs;
 *  - at 100 calls in flight, ROUNDS rounds of one block of BLOCK calls per contender, in a
 *    shuffled (seeded) order each round: wall µs per operation and the process's CPU µs per
 *    operation (wall time at 100 in flight swings with whatever else the machine runs; CPU time
 *    is what narwhal's own code adds). Each contender's figure is its median over the rounds;
 *    the ratios are the median of the per-round ratios (narwhal ÷ raw in the same round, so a
 *    slow stretch of the machine lands on both sides), with their interquartile range.
 * Ratios: narwhal ÷ raw per driver (target ≤ 1.10), and narwhal on node-redis ÷ narwhal on
 * ioredis (which driver is faster under narwhal).
 */
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { createClient } from "redis";
import type { Database as DatabaseType } from "../src/database";
import { ownWork, stubbedClients } from "./drivers-own";
import { narwhalModule } from "./narwhal-module";
import { rng } from "../test/support/random";
import { fmt, interleaved, privateRedis, shuffle, table, time } from "./support";

const ROUNDS = 31;
const ITERATIONS = 2000;
/** Calls per contender per round at 100 in flight. */
const BLOCK = 4000;
interface Item {
  id: number;
  name: string;
  tags: string[];
}
const item = (i: number): Item => ({ id: i, name: `item ${i}`, tags: ["a", "b"] });
const FIELDS = Array.from({ length: 20 }, (_, i) => `f${i}`);
const LUA = "return redis.call('HLEN', KEYS[1]) + tonumber(ARGV[1])";
const SHA = createHash("sha1").update(LUA).digest("hex");

type Op = (i: number) => Promise<unknown>;
type Codecs = Awaited<ReturnType<typeof narwhalModule>>["codecs"];
type NodeRedis = ReturnType<typeof stubbedClients>["nodeRedis"];
interface Contender {
  readonly driver: "ioredis" | "node-redis";
  readonly via: "narwhal" | "raw";
  readonly ops: Record<string, Op>;
}

const pct = (s: Float64Array, p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
/** Per-round ratios `a[r] / b[r]`: their median and interquartile range, as `1.02× (0.97–1.06)`. */
function pairedRatio(a: number[], b: number[]): { median: number; text: string } {
  const rs = sorted(a.map((x, r) => x / b[r]!));
  const q = (p: number) => rs[Math.min(rs.length - 1, Math.floor(rs.length * p))]!;
  return { median: q(0.5), text: `${q(0.5).toFixed(2)}× (${q(0.25).toFixed(2)}–${q(0.75).toFixed(2)})` };
}

function narwhalOps(db: DatabaseType, codecs: Codecs): Record<string, Op> {
  const hash = db.hash<Item>("h", { codec: codecs.json<Item>() });
  const script = db.script({ name: "hlenPlus", keys: 1, lua: LUA, parse: Number });
  return {
    "hash.get (HGET)": (i) => hash.get(FIELDS[i % 20]!),
    "hash.set (HSET)": (i) => hash.set(FIELDS[i % 20]!, item(i)),
    "db.script (EVALSHA)": (i) => script(["h"], [i]),
  };
}

const parse = (raw: string | null | undefined): Item | undefined => (raw === null || raw === undefined ? undefined : (JSON.parse(raw) as Item));

/** The four contenders: narwhal and the raw client, on each driver. */
function contendersOn(ioredis: Redis, nodeRedis: NodeRedis, dbIo: DatabaseType, dbNode: DatabaseType, codecs: Codecs): Contender[] {
  return [
    { driver: "ioredis", via: "narwhal", ops: narwhalOps(dbIo, codecs) },
    {
      driver: "ioredis",
      via: "raw",
      ops: {
        "hash.get (HGET)": (i) => ioredis.hget("h", FIELDS[i % 20]!).then(parse),
        "hash.set (HSET)": (i) => ioredis.hset("h", FIELDS[i % 20]!, JSON.stringify(item(i))),
        "db.script (EVALSHA)": (i) => ioredis.evalsha(SHA, 1, "h", i).then(Number),
      },
    },
    { driver: "node-redis", via: "narwhal", ops: narwhalOps(dbNode, codecs) },
    {
      driver: "node-redis",
      via: "raw",
      ops: {
        "hash.get (HGET)": (i) => nodeRedis.hGet("h", FIELDS[i % 20]!).then((r) => parse(r as string | null)),
        "hash.set (HSET)": (i) => nodeRedis.hSet("h", FIELDS[i % 20]!, JSON.stringify(item(i))),
        "db.script (EVALSHA)": (i) => nodeRedis.sendCommand(["EVALSHA", SHA, "1", "h", String(i)]).then(Number),
      },
    },
  ];
}

/** narwhal's own CPU per call, the clients stubbed below their queues (drivers-own.ts). */
async function ownWorkTable(Database: new (client: never) => DatabaseType, codecs: Codecs): Promise<void> {
  const { ioredis, nodeRedis, restore } = stubbedClients(JSON.stringify(item(1)));
  let rows: Awaited<ReturnType<typeof ownWork>>;
  try {
    rows = await ownWork(contendersOn(ioredis, nodeRedis, new Database(ioredis as never), new Database(nodeRedis as never), codecs));
  } finally {
    restore(); // the real node-redis client still has to QUIT
  }
  table(
    "narwhal's own CPU per call: the same calls with both clients stubbed to answer at once (no socket), 100 in flight, median of 9 shuffled rounds of 50,000 calls",
    ["operation", "driver", "narwhal ns/call", "raw ns/call", "narwhal's own ns/call (median of per-round differences)"],
    rows.map((r) => [r.op, r.driver, r.narwhal.toFixed(0), r.raw.toFixed(0), r.own.toFixed(0)]),
  );
}

export default async function run(): Promise<void> {
  const { Database, codecs, source } = await narwhalModule();
  console.log(`\nnarwhal loaded from ${source}`);
  const server = await privateRedis();
  const ioredis = new Redis({ host: "127.0.0.1", port: server.port, autoResendUnfulfilledCommands: false });
  const nodeRedis = createClient({ url: `redis://127.0.0.1:${server.port}`, RESP: 2 });
  await nodeRedis.connect();
  await ioredis.ping();
  const dbIo = new Database(ioredis);
  const dbNode = new Database(nodeRedis as never);
  try {
    await ioredis.hset("h", Object.fromEntries(FIELDS.map((f, i) => [f, JSON.stringify(item(i))])));
    await ioredis.script("LOAD", LUA);
    const contenders = contendersOn(ioredis, nodeRedis, dbIo, dbNode, codecs);
    const names = Object.keys(contenders[0]!.ops);
    const rows: string[][] = [];
    for (const name of names) {
      const samples = await interleaved(
        contenders.map((c) => c.ops[name]!),
        { iterations: ITERATIONS, warmup: 200 },
      );
      const at100: number[][] = contenders.map(() => []);
      const cpu100: number[][] = contenders.map(() => []);
      const order = contenders.map((_, k) => k);
      const random = rng(16); // seeded: the same orders on every run
      for (let r = 0; r < ROUNDS; r++) {
        shuffle(order, random);
        for (const k of order) {
          const t = await time(contenders[k]!.ops[name]!, { iterations: BLOCK, concurrency: 100, warmup: 100 });
          at100[k]!.push(t.meanUs);
          cpu100[k]!.push(t.cpuUs);
        }
      }
      const p50 = samples.map((s) => pct(s, 0.5));
      const wall100 = at100.map(median);
      const cpuAt100 = cpu100.map(median);
      const k = (driver: string, via: string) => contenders.findIndex((c) => c.driver === driver && c.via === via);
      for (const driver of ["ioredis", "node-redis"] as const) {
        const n = k(driver, "narwhal");
        const raw = k(driver, "raw");
        const io = k("ioredis", "narwhal");
        rows.push([
          name,
          driver,
          fmt(p50[n]),
          fmt(pct(samples[n]!, 0.99)),
          fmt(p50[raw]),
          `${(p50[n]! / p50[raw]!).toFixed(2)}×`,
          fmt(wall100[n]),
          fmt(wall100[raw]),
          pairedRatio(at100[n]!, at100[raw]!).text,
          `${fmt(cpuAt100[n])} / ${fmt(cpuAt100[raw])}`,
          pairedRatio(cpu100[n]!, cpu100[raw]!).text,
          driver === "node-redis" ? `${(p50[n]! / p50[io]!).toFixed(2)}× / ${pairedRatio(at100[n]!, at100[io]!).median.toFixed(2)}×` : "",
        ]);
      }
    }
    table(
      `narwhal over each driver vs the raw driver (private redis-server, loopback TCP; 1 in flight: ${ITERATIONS} interleaved calls; 100 in flight: ${ROUNDS} shuffled rounds of ${BLOCK} calls, medians and per-round ratios with their interquartile range)`,
      ["operation", "driver", "narwhal p50 µs", "narwhal p99 µs", "raw p50 µs", "× raw (1 in flight)", "narwhal µs/op at 100", "raw µs/op at 100", "× raw (100 in flight, wall)", "CPU µs/op at 100: narwhal / raw", "× raw CPU at 100", "node-redis ÷ ioredis under narwhal (1 / 100 in flight)"],
      rows,
    );
    await ownWorkTable(Database as unknown as new (client: never) => DatabaseType, codecs);
  } finally {
    await dbIo.close();
    await dbNode.close();
    ioredis.disconnect();
    await nodeRedis.quit().catch(() => undefined);
    await server.stop();
  }
}
