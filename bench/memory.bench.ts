/**
 * The embedded engine against a private redis-server over a unix socket:
 * 1. container operations through `Database.memory()` vs `new Database(ioredis)`, the same
 *    calls on both (sequential, one in flight: the latency an application sees), and the
 *    same for raw commands of the other types through `db.client.call`;
 * 2. memory per key for 100,000 small hashes (5 fields): engine heap delta after GC vs the
 *    server's `INFO memory` used_memory delta.
 * Target: the engine ≥ 5× faster per operation.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { Redis } from "ioredis";
import { Database } from "../src/database";
import { codecs } from "../src/codec";
import type { ClientLike } from "../src/client";
import { MemoryClient } from "../src/memory/facade";
import { privateRedis, table, time } from "./support";

interface Case {
  readonly name: string;
  readonly op: (db: Database, i: number) => Promise<unknown>;
}

const N = 20_000;

const cases: Case[] = [
  { name: "hash.set (HSET)", op: (db, i) => db.hash("h").set(`f${i % 1000}`, "v") },
  { name: "hash.get (HGET)", op: (db, i) => db.hash("h").get(`f${i % 1000}`) },
  { name: "hash.incr (HINCRBY)", op: (db) => db.hash<number>("n", { codec: codecs.integer }).incr("n") },
  { name: "hash.getMany 10 (HMGET)", op: (db, i) => db.hash("h").getMany(Array.from({ length: 10 }, (_, j) => `f${(i + j) % 1000}`)) },
  { name: "hash.toObject 1k fields (HGETALL)", op: (db) => db.hash("h").toObject() },
  { name: "SET", op: (db, i) => db.client.call("set", `k${i % 1000}`, "value") },
  { name: "GET", op: (db, i) => db.client.call("get", `k${i % 1000}`) },
  { name: "LPUSH", op: (db) => db.client.call("lpush", "l", "x") },
  { name: "RPOP", op: (db) => db.client.call("rpop", "l") },
  { name: "SADD", op: (db, i) => db.client.call("sadd", "s", `m${i % 5000}`) },
  { name: "ZADD", op: (db, i) => db.client.call("zadd", "z", i % 997, `m${i % 5000}`) },
  { name: "ZRANGE 10 WITHSCORES", op: (db, i) => db.client.call("zrange", "z", i % 100, (i % 100) + 9, "WITHSCORES") },
  { name: "transaction (MULTI 3 cmds)", op: (db) => db.transaction((tx) => [tx.hash("t").set("a", "1"), tx.hash("t").get("a"), tx.hash("t").size()]) },
];

function gcFunction(): () => void {
  v8.setFlagsFromString("--expose_gc");
  return vm.runInNewContext("gc") as () => void;
}

async function memoryPerKey(redis: Redis): Promise<{ engine: number; redis: number }> {
  const KEYS = 100_000;
  const fields = (i: number) => ["name", `user${i}`, "age", String(i % 90), "city", "Paris", "active", "1", "score", String(i * 7)];
  const gc = gcFunction();
  await redis.flushdb();
  const before = Number(/used_memory:(\d+)/.exec((await redis.info("memory")) as string)![1]);
  for (let i = 0; i < KEYS; i += 1000) {
    const p = redis.pipeline();
    for (let j = i; j < i + 1000; j++) p.hset(`user:${j}`, ...fields(j));
    await p.exec();
  }
  const after = Number(/used_memory:(\d+)/.exec((await redis.info("memory")) as string)![1]);
  await redis.flushdb();

  gc();
  const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const client = new MemoryClient();
  for (let i = 0; i < KEYS; i++) await client.call("hset", `user:${i}`, ...fields(i));
  gc();
  const heapAfter = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const engineBytes = (heapAfter - heapBefore) / KEYS;
  client.disconnect();
  return { engine: engineBytes, redis: (after - before) / KEYS };
}

export default async function run(): Promise<void> {
  const server = await privateRedis();
  const redisClient = new Redis({ path: server.socket, autoResendUnfulfilledCommands: false });
  try {
    const real = new Database(redisClient as unknown as ClientLike, { prefix: "bench" });
    const mem = Database.memory({ prefix: "bench" });
    const rows: Array<Array<string | number>> = [];
    for (const c of cases) {
      let bestReal = Infinity;
      let bestMem = Infinity;
      for (let round = 0; round < 2; round++) {
        bestReal = Math.min(bestReal, (await time((i) => c.op(real, i), { iterations: N, warmup: 1000 })).meanUs);
        bestMem = Math.min(bestMem, (await time((i) => c.op(mem, i), { iterations: N, warmup: 1000 })).meanUs);
      }
      rows.push([c.name, bestReal, bestMem, `${(bestReal / bestMem).toFixed(1)}×`]);
    }
    table(`per operation, ${N.toLocaleString("en-US")} sequential calls, best of 2 rounds (µs)`, ["operation", "redis-server (unix socket)", "Database.memory()", "engine speed-up"], rows);
    await mem.close();

    const m = await memoryPerKey(redisClient);
    table("memory per key, 100,000 hashes of 5 small fields", ["", "bytes per key"], [
      ["redis-server (INFO memory used_memory delta)", Math.round(m.redis)],
      ["embedded engine (V8 heap + buffers delta after GC)", Math.round(m.engine)],
      ["engine / redis", `${(m.engine / m.redis).toFixed(1)}×`],
    ]);
  } finally {
    redisClient.disconnect();
    await server.stop();
  }
}
