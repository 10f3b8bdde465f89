/**
 * Hash and set containers against raw ioredis issuing the same commands with the same codec
 * work (JSON values for the hash, string members for the set), on one private redis-server
 * over loopback TCP and ONE shared client, so the only difference is narwhal's own code.
 * Each operation runs as single calls (1 in flight) and with 100 in flight, in alternating
 * rounds; the table shows the median wall µs per operation, the ratio narwhal ÷ raw (target
 * ≤ 1.10), the same ratio for this process's CPU time (narwhal's own cost, less sensitive to
 * a busy machine than wall time) and the round trips one call makes (bulk methods: 1).
 * Run: `npm run bench -- containers` (list/zset: bench/containers-ordered.bench.ts).
 */
import { Redis } from "ioredis";
import { codecs } from "../src/codec";
import { Database } from "../src/database";
import { countRoundTrips, privateRedis, table, time } from "./support";

interface Item {
  id: number;
  name: string;
  tags: string[];
}

interface Case {
  readonly name: string;
  readonly narwhal: (i: number) => Promise<unknown>;
  readonly raw: (i: number) => Promise<unknown>;
}

const ROUNDS = 7;
const item = (i: number): Item => ({ id: i, name: `item ${i}`, tags: ["a", "b"] });
const parse = (raw: string | null): Item | undefined => (raw === null ? undefined : (JSON.parse(raw) as Item));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export default async function run(): Promise<void> {
  const server = await privateRedis();
  const client = new Redis({ host: "127.0.0.1", port: server.port, lazyConnect: false, autoResendUnfulfilledCommands: false });
  await client.ping();
  const db = new Database(client, { prefix: "bench" });
  try {
    const json = codecs.json<Item>();
    const hash = db.hash<Item>("h", { codec: json });
    const big = db.hash<Item>("h20", { codec: json });
    const set = db.set("s");
    const set100 = db.set("s100");
    const fields20 = Array.from({ length: 20 }, (_, i) => `f${i}`);
    const fields10 = fields20.slice(0, 10);
    await big.update(Object.fromEntries(fields20.map((f, i) => [f, item(i)])));
    await hash.update(Object.fromEntries(fields20.map((f, i) => [f, item(i)])));
    await set100.add(...Array.from({ length: 100 }, (_, i) => `member-${i}`));
    await set.add(...Array.from({ length: 1000 }, (_, i) => `m${i}`));
    const ten = (i: number) => Object.fromEntries(fields10.map((f, k) => [f, item(i + k)]));

    const cases: Case[] = [
      { name: "hash.get (HGET)", narwhal: (i) => hash.get(fields20[i % 20]!), raw: (i) => client.hget(hash.key, fields20[i % 20]!).then(parse) },
      { name: "hash.set (HSET)", narwhal: (i) => hash.set(fields20[i % 20]!, item(i)), raw: (i) => client.hset(hash.key, fields20[i % 20]!, JSON.stringify(item(i))).then((n) => n === 1) },
      {
        name: "hash.toObject, 20 fields (HGETALL)",
        narwhal: () => big.toObject(),
        raw: () =>
          client.hgetall(big.key).then((r) => {
            const out = Object.create(null) as Record<string, Item>;
            for (const [f, v] of Object.entries(r)) out[f] = JSON.parse(v) as Item;
            return out;
          }),
      },
      { name: "hash.getMany, 10 (HMGET)", narwhal: () => hash.getMany(fields10), raw: () => client.hmget(hash.key, ...fields10).then((r) => r.map(parse)) },
      {
        name: "hash.update, 10 (HSET)",
        narwhal: (i) => hash.update(ten(i)),
        raw: (i) => client.hset(hash.key, ...Object.entries(ten(i)).flatMap(([f, v]) => [f, JSON.stringify(v)])),
      },
      { name: "set.add (SADD)", narwhal: (i) => set.add(`m${i % 1000}`), raw: (i) => client.sadd(set.key, `m${i % 1000}`) },
      { name: "set.has (SISMEMBER)", narwhal: (i) => set.has(`m${i % 2000}`), raw: (i) => client.sismember(set.key, `m${i % 2000}`).then((r) => r === 1) },
      { name: "set.members, 100 (SMEMBERS)", narwhal: () => set100.members(), raw: () => client.smembers(set100.key).then((r) => new Set(r)) },
    ];

    const rows: Array<Array<string | number>> = [];
    for (const c of cases) {
      const trips = await countRoundTrips(client, () => c.narwhal(0));
      const rawTrips = await countRoundTrips(client, () => c.raw(0));
      for (const [mode, concurrency, iterations] of [["1 in flight", 1, 1500], ["100 in flight", 100, 6000]] as const) {
        const n: number[] = [];
        const r: number[] = [];
        const ratios: number[] = [];
        const cpuRatios: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          // Alternate who goes first so that drift on a shared machine hits both sides alike.
          const order = round % 2 === 0 ? [c.raw, c.narwhal] : [c.narwhal, c.raw];
          const measured = new Map<(i: number) => Promise<unknown>, { wall: number; cpu: number }>();
          for (const op of order) {
            await time(op, { iterations: 200, concurrency, warmup: 0 });
            const cpu0 = process.cpuUsage();
            const t = await time(op, { iterations, concurrency, warmup: 0 });
            const cpu = process.cpuUsage(cpu0);
            measured.set(op, { wall: t.meanUs, cpu: (cpu.user + cpu.system) / iterations });
          }
          const raw = measured.get(c.raw)!;
          const nar = measured.get(c.narwhal)!;
          r.push(raw.wall);
          n.push(nar.wall);
          ratios.push(nar.wall / raw.wall);
          cpuRatios.push(nar.cpu / raw.cpu);
        }
        rows.push([c.name, mode, median(r), median(n), `${median(ratios).toFixed(2)}×`, `${median(cpuRatios).toFixed(2)}×`, String(trips), String(rawTrips)]);
      }
    }
    table(
      `hash and set vs raw ioredis (median of ${ROUNDS} alternating rounds; wall µs per operation)`,
      ["operation", "mode", "raw µs", "narwhal µs", "narwhal ÷ raw", "client CPU ÷ raw", "round trips", "raw round trips"],
      rows,
    );
  } finally {
    await db.close();
    client.disconnect();
    await server.stop();
  }
}
