/**
 * `npm run bench -- drivers` (issue 16): narwhal's overhead over the raw client, for each
 * driver, on one private redis-server over loopback TCP. The same operations go through
 * narwhal and through the client it wraps, with the same codec work (JSON values), so the only
 * difference is narwhal's own code (and, for node-redis, its adapter):
 *  - hash.get (HGET + JSON.parse), hash.set (HSET + JSON.stringify), a user script
 *    (`db.script`: EVALSHA) against the raw client's HGET / HSET / EVALSHA;
 *  - at 1 call in flight, contenders interleaved call by call (every call of every contender
 *    sees the same machine conditions), p50 and p99 µs;
 *  - at 100 calls in flight, wall µs per operation, median of ROUNDS alternating rounds, and the
 *    process's CPU µs per operation in the same rounds (wall time at 100 in flight swings with
 *    whatever else the machine runs; CPU time is what narwhal's own code adds).
 * Ratios: narwhal ÷ raw per driver (target ≤ 1.10), and narwhal on node-redis ÷ narwhal on
 * ioredis (which driver is faster under narwhal).
 */
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { createClient } from "redis";
import type { Database as DatabaseType } from "../src/database";
import { narwhalModule } from "./narwhal-module";
import { fmt, interleaved, privateRedis, table, time } from "./support";

const ROUNDS = 5;
const ITERATIONS = 2000;
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
interface Contender {
  readonly driver: "ioredis" | "node-redis";
  readonly via: "narwhal" | "raw";
  readonly ops: Record<string, Op>;
}

const pct = (s: Float64Array, p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function narwhalOps(db: DatabaseType, codecs: Awaited<ReturnType<typeof narwhalModule>>["codecs"]): Record<string, Op> {
  const hash = db.hash<Item>("h", { codec: codecs.json<Item>() });
  const script = db.script({ name: "hlenPlus", keys: 1, lua: LUA, parse: Number });
  return {
    "hash.get (HGET)": (i) => hash.get(FIELDS[i % 20]!),
    "hash.set (HSET)": (i) => hash.set(FIELDS[i % 20]!, item(i)),
    "db.script (EVALSHA)": (i) => script(["h"], [i]),
  };
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
    const parse = (raw: string | null | undefined): Item | undefined => (raw === null || raw === undefined ? undefined : (JSON.parse(raw) as Item));
    const contenders: Contender[] = [
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
    const names = Object.keys(contenders[0]!.ops);
    const rows: string[][] = [];
    for (const name of names) {
      const samples = await interleaved(
        contenders.map((c) => c.ops[name]!),
        { iterations: ITERATIONS, warmup: 200 },
      );
      const at100: number[][] = contenders.map(() => []);
      const cpu100: number[][] = contenders.map(() => []);
      for (let r = 0; r < ROUNDS; r++) {
        for (const [k, c] of contenders.entries()) {
          const t = await time(c.ops[name]!, { iterations: ITERATIONS * 2, concurrency: 100, warmup: 100 });
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
        rows.push([
          name,
          driver,
          fmt(p50[n]),
          fmt(pct(samples[n]!, 0.99)),
          fmt(p50[raw]),
          `${(p50[n]! / p50[raw]!).toFixed(2)}×`,
          fmt(wall100[n]),
          fmt(wall100[raw]),
          `${(wall100[n]! / wall100[raw]!).toFixed(2)}×`,
          `${fmt(cpuAt100[n])} / ${fmt(cpuAt100[raw])} (${(cpuAt100[n]! / cpuAt100[raw]!).toFixed(2)}×)`,
          driver === "node-redis" ? `${(p50[n]! / p50[k("ioredis", "narwhal")]!).toFixed(2)}× / ${(wall100[n]! / wall100[k("ioredis", "narwhal")]!).toFixed(2)}×` : "",
        ]);
      }
    }
    table(
      `narwhal over each driver vs the raw driver (private redis-server, loopback TCP; 1 in flight: ${ITERATIONS} interleaved calls; 100 in flight: median of ${ROUNDS} rounds)`,
      ["operation", "driver", "narwhal p50 µs", "narwhal p99 µs", "raw p50 µs", "× raw (1 in flight)", "narwhal µs/op at 100", "raw µs/op at 100", "× raw (100 in flight)", "CPU µs/op at 100: narwhal / raw", "node-redis ÷ ioredis under narwhal (1 / 100 in flight)"],
      rows,
    );
  } finally {
    await dbIo.close();
    await dbNode.close();
    ioredis.disconnect();
    await nodeRedis.quit().catch(() => undefined);
    await server.stop();
  }
}
