/**
 * Ordered containers (RList, RZSet) against raw ioredis issuing the same commands, on one
 * private redis-server and one shared connection, single call and 100 calls in flight.
 * Prints wall µs per operation, client CPU µs per operation (process.cpuUsage: what
 * narwhal's own code costs, much less sensitive to a loaded machine than wall time) and the
 * ratios narwhal / raw (target ≤ 1.10). Each pair is measured in alternating rounds and the
 * best round of each side is kept, so a noisy neighbour hurts both sides alike.
 */
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { Database } from "../src/database";
import type { ClientLike } from "../src/client";
import { countRoundTrips, privateRedis, table, time } from "./support";
import type { Timing } from "./support";

interface Case {
  readonly name: string;
  readonly command: string;
  readonly raw: (i: number) => Promise<unknown>;
  readonly narwhal: (i: number) => Promise<unknown>;
}

const ROUNDS = 3;

/**
 * narwhal's own CPU cost per call, without I/O: the same methods against a stand-in client
 * whose `call` resolves at once, minus that client's own cost. Stable on a loaded machine,
 * where wall-time ratios of ~10 µs operations swing by ±30% from run to run.
 */
async function ownOverhead(): Promise<Array<[string, number]>> {
  const page = Array.from({ length: 10 }, (_, i) => `m${i}`);
  const reply = (name: string) => Promise.resolve(name === "lrange" || name === "zrange" ? page : "1");
  const instant = {
    call: reply,
    callBuffer: reply,
    multi: () => {
      throw new Error("not used");
    },
    pipeline: () => {
      throw new Error("not used");
    },
    isCluster: false,
  } as unknown as ClientLike;
  const db = new Database(instant, { prefix: "bench" });
  const list = db.list("l");
  const zset = db.zset("z");
  const per = async (op: (i: number) => Promise<unknown>): Promise<number> => {
    const n = 100_000;
    for (let i = 0; i < 10_000; i++) await op(i);
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const start = performance.now();
      for (let i = 0; i < n; i++) await op(i);
      best = Math.min(best, ((performance.now() - start) * 1000) / n);
    }
    return best;
  };
  const base = await per((i) => instant.call("lindex", "bench:l", i));
  const ops: Array<[string, (i: number) => Promise<unknown>]> = [
    ["list.push(v)", () => list.push("v")],
    ["list.at(i)", (i) => list.at(i % 1000)],
    ["list.slice(i, i+10)", (i) => list.slice(i % 990, (i % 990) + 10)],
    ["zset.add(m, s)", (i) => zset.add("m", i)],
    ["zset.score(m)", () => zset.score("m")],
    ["zset.rangeByScore(lo, hi, {count: 10})", (i) => zset.rangeByScore(i, i + 50, { count: 10 })],
  ];
  const out: Array<[string, number]> = [];
  for (const [name, op] of ops) out.push([name, Math.max(0, (await per(op)) - base)]);
  return out;
}

interface Measured extends Timing {
  /** Client CPU (user + system) µs per operation. */
  readonly cpuUs: number;
}

async function measure(op: (i: number) => Promise<unknown>, concurrency: number): Promise<Measured> {
  const iterations = concurrency === 1 ? 2000 : 10000;
  await time(op, { iterations: 200, concurrency, warmup: 0 });
  const before = process.cpuUsage();
  const timing = await time(op, { iterations, concurrency, warmup: 0 });
  const cpu = process.cpuUsage(before);
  return { ...timing, cpuUs: (cpu.user + cpu.system) / iterations };
}

function ratio(ours: number, raw: number): string {
  return `${(ours / raw).toFixed(2)}×`;
}

export default async function run(): Promise<void> {
  const server = await privateRedis();
  const client = new Redis({ path: server.socket, enableAutoPipelining: false, autoResendUnfulfilledCommands: false });
  const db = new Database(client as unknown as ClientLike, { prefix: "bench" });
  try {
    const list = db.list("list");
    const zset = db.zset("zset");
    const hundred = Array.from({ length: 100 }, (_, i) => `value-${i}`);
    await list.push(...Array.from({ length: 1000 }, (_, i) => `seed-${i}`));
    await zset.add(Array.from({ length: 1000 }, (_, i) => [`m${i}`, i] as [string, number]));
    const pushKey = "bench:list:push";
    const zaddKey = "bench:zset:add";
    const pushList = db.list("list:push");
    const addSet = db.zset("zset:add");

    const cases: Case[] = [
      { name: "list.push(v)", command: "RPUSH", raw: () => client.rpush(pushKey, "v"), narwhal: () => pushList.push("v") },
      { name: "list.push(...100)", command: "RPUSH ×100 values", raw: () => client.rpush(pushKey, ...hundred), narwhal: () => pushList.push(...hundred) },
      { name: "list.at(i)", command: "LINDEX", raw: (i) => client.lindex(list.key, String(i % 1000)), narwhal: (i) => list.at(i % 1000) },
      { name: "list.slice(i, i+10)", command: "LRANGE", raw: (i) => client.lrange(list.key, i % 990, (i % 990) + 9), narwhal: (i) => list.slice(i % 990, (i % 990) + 10) },
      { name: "zset.add(m, s)", command: "ZADD", raw: (i) => client.zadd(zaddKey, i, `m${i}`), narwhal: (i) => addSet.add(`m${i}`, i) },
      { name: "zset.score(m)", command: "ZSCORE", raw: (i) => client.zscore(zset.key, `m${i % 1000}`), narwhal: (i) => zset.score(`m${i % 1000}`) },
      {
        name: "zset.rangeByScore(lo, hi, {count: 10})",
        command: "ZRANGE BYSCORE LIMIT",
        raw: (i) => client.zrange(zset.key, String(i % 900), String((i % 900) + 50), "BYSCORE", "LIMIT", 0, 10),
        narwhal: (i) => zset.rangeByScore(i % 900, (i % 900) + 50, { count: 10 }),
      },
      {
        name: "zset.slice(i, i+10, {withScores})",
        command: "ZRANGE WITHSCORES",
        raw: (i) => client.zrange(zset.key, String(i % 990), String((i % 990) + 9), "WITHSCORES"),
        narwhal: (i) => zset.slice(i % 990, (i % 990) + 10, { withScores: true }),
      },
    ];

    const rows: Array<Array<string | number>> = [];
    for (const c of cases) {
      for (const concurrency of [1, 100]) {
        let raw = { wall: Infinity, cpu: Infinity };
        let ours = { wall: Infinity, cpu: Infinity };
        for (let round = 0; round < ROUNDS; round++) {
          const r = await measure(c.raw, concurrency);
          const n = await measure(c.narwhal, concurrency);
          raw = { wall: Math.min(raw.wall, r.meanUs), cpu: Math.min(raw.cpu, r.cpuUs) };
          ours = { wall: Math.min(ours.wall, n.meanUs), cpu: Math.min(ours.cpu, n.cpuUs) };
          await client.del(pushKey, zaddKey);
        }
        rows.push([c.name, c.command, String(concurrency), raw.wall, ours.wall, ratio(ours.wall, raw.wall), raw.cpu, ours.cpu, ratio(ours.cpu, raw.cpu)]);
      }
    }
    table(
      `RList / RZSet vs raw ioredis (µs per operation, best of ${ROUNDS} rounds)`,
      ["operation", "command", "in flight", "raw wall µs", "narwhal wall µs", "wall ratio", "raw CPU µs", "narwhal CPU µs", "CPU ratio"],
      rows,
    );

    const trips = await countRoundTrips(client, () => pushList.push(...hundred));
    const addTrips = await countRoundTrips(client, () => addSet.add(hundred.map((m, i) => [m, i] as [string, number])));
    console.log(`\nround trips: list.push(...100 values) = ${trips}, zset.add(100 entries) = ${addTrips}`);
    table("narwhal's own cost per call, no I/O (µs added on top of the client's `call`)", ["operation", "µs"], (await ownOverhead()).map(([name, us]) => [name, us]));
  } finally {
    await db.close();
    client.disconnect();
    await server.stop();
  }
}
