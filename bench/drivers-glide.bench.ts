/**
 * `npm run bench -- drivers-glide` (issue 16): narwhal's overhead over a raw Valkey GLIDE
 * `GlideClient` (RESP2), as bench/drivers.bench.ts measures it for ioredis and node-redis, on
 * one private redis-server over loopback TCP: hash.get (HGET + JSON.parse), hash.set (HSET +
 * JSON.stringify) and a user script (`db.script`: EVALSHA) against the raw client's
 * `customCommand` doing the same commands and the same JSON work.
 *  - 1 call in flight: both contenders interleaved call by call, p50 and p99 µs;
 *  - 100 in flight: ROUNDS rounds of BLOCK calls per contender in a shuffled (seeded) order,
 *    wall and CPU µs per operation (medians), ratios as medians of the per-round ratios.
 * GLIDE's own cost dominates both sides (every command crosses into its Rust core), so the
 * ratio says what narwhal and its adapter (argument copy, reply reshaping) add on top.
 */
import { createHash } from "node:crypto";
import { GlideClient, ProtocolVersion } from "@valkey/valkey-glide";
import type { Database as DatabaseType } from "../src/database";
import { narwhalModule } from "./narwhal-module";
import { rng } from "../test/support/random";
import { fmt, interleaved, privateRedis, shuffle, table, time } from "./support";

const ROUNDS = 11;
const ITERATIONS = 2000;
const BLOCK = 4000;
const FIELDS = Array.from({ length: 20 }, (_, i) => `f${i}`);
const LUA = "return redis.call('HLEN', KEYS[1]) + tonumber(ARGV[1])";
const SHA = createHash("sha1").update(LUA).digest("hex");
const item = (i: number) => ({ id: i, name: `item ${i}`, tags: ["a", "b"] });
type Op = (i: number) => Promise<unknown>;

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const pct = (s: Float64Array, p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
function pairedRatio(a: number[], b: number[]): string {
  const rs = sorted(a.map((x, r) => x / b[r]!));
  const q = (p: number) => rs[Math.min(rs.length - 1, Math.floor(rs.length * p))]!;
  return `${q(0.5).toFixed(2)}× (${q(0.25).toFixed(2)}–${q(0.75).toFixed(2)})`;
}

export default async function run(): Promise<void> {
  const { Database, codecs, source } = await narwhalModule();
  console.log(`\nnarwhal loaded from ${source}`);
  const server = await privateRedis();
  const glide = await GlideClient.createClient({ addresses: [{ host: "127.0.0.1", port: server.port }], protocol: ProtocolVersion.RESP2, requestTimeout: 10_000 });
  const db = new Database(glide as never) as DatabaseType;
  try {
    await glide.customCommand(["HSET", "h", ...FIELDS.flatMap((f, i) => [f, JSON.stringify(item(i))])]);
    await glide.customCommand(["SCRIPT", "LOAD", LUA]);
    const hash = db.hash("h", { codec: codecs.json() });
    const script = db.script({ name: "hlenPlus", keys: 1, lua: LUA, parse: Number });
    const parse = (r: unknown) => (r === null ? undefined : JSON.parse(String(r)));
    const ops: Record<string, [Op, Op]> = {
      "hash.get (HGET)": [(i) => hash.get(FIELDS[i % 20]!), (i) => glide.customCommand(["HGET", "h", FIELDS[i % 20]!]).then(parse)],
      "hash.set (HSET)": [(i) => hash.set(FIELDS[i % 20]!, item(i)), (i) => glide.customCommand(["HSET", "h", FIELDS[i % 20]!, JSON.stringify(item(i))])],
      "db.script (EVALSHA)": [(i) => script(["h"], [i]), (i) => glide.customCommand(["EVALSHA", SHA, "1", "h", String(i)]).then(Number)],
    };
    const rows: string[][] = [];
    for (const [name, pair] of Object.entries(ops)) {
      const samples = await interleaved(pair, { iterations: ITERATIONS, warmup: 200 });
      const wall: number[][] = [[], []];
      const cpu: number[][] = [[], []];
      const order = [0, 1];
      const random = rng(16);
      for (let r = 0; r < ROUNDS; r++) {
        shuffle(order, random);
        for (const k of order) {
          const t = await time(pair[k]!, { iterations: BLOCK, concurrency: 100, warmup: 100 });
          wall[k]!.push(t.meanUs);
          cpu[k]!.push(t.cpuUs);
        }
      }
      const p50 = samples.map((s) => pct(s, 0.5));
      rows.push([
        name,
        fmt(p50[0]),
        fmt(pct(samples[0]!, 0.99)),
        fmt(p50[1]),
        `${(p50[0]! / p50[1]!).toFixed(2)}×`,
        fmt(median(wall[0]!)),
        fmt(median(wall[1]!)),
        pairedRatio(wall[0]!, wall[1]!),
        `${fmt(median(cpu[0]!))} / ${fmt(median(cpu[1]!))}`,
        pairedRatio(cpu[0]!, cpu[1]!),
      ]);
    }
    table(
      `narwhal over Valkey GLIDE vs raw GLIDE customCommand (private redis-server, loopback TCP; 1 in flight: ${ITERATIONS} interleaved calls; 100 in flight: ${ROUNDS} shuffled rounds of ${BLOCK} calls, medians and per-round ratios with their interquartile range)`,
      ["operation", "narwhal p50 µs", "narwhal p99 µs", "raw p50 µs", "× raw (1 in flight)", "narwhal µs/op at 100", "raw µs/op at 100", "× raw (100 in flight, wall)", "CPU µs/op at 100: narwhal / raw", "× raw CPU at 100"],
      rows,
    );
  } finally {
    await db.close();
    glide.close();
    await server.stop();
  }
}
