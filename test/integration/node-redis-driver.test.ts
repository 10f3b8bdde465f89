/**
 * Issue 16: the node-redis adapter (src/drivers/node-redis*.ts) answers exactly as ioredis
 * 5 (RESP2) does, command by command, on the same server: strings for `call`, Buffers for `callBuffer`,
 * integers, nulls, nested arrays, error replies (name "ReplyError", Redis's message), MULTI as
 * [error, reply] pairs (null when WATCH aborts it), pipelines settling each command on its own.
 * The same over RESP3 (`RESP: 3`): maps, sets, doubles, booleans, verbatim strings and nested
 * pairs come back in their RESP2 shapes (node-redis-resp3.ts).
 * And `new Database(nodeRedisClient)` accepts a RESP2 or RESP3 client or cluster, refuses the others.
 */
import { Cluster, Redis } from "ioredis";
import { Redis as Redis5 } from "ioredis5";
import { createClient, createClientPool, createCluster } from "redis";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import type { ClientLike } from "../../src/client";
import { Database } from "../../src/database";
import { ValidationError } from "../../src/errors";
import { nodeRedisAdapter } from "../../src/drivers/node-redis";
import type { NodeRedisClient } from "../../src/drivers/node-redis-shape";

const standalone = inject("standalone");
const cluster = inject("cluster");
const socket = () => (standalone!.path ? { socket: { path: standalone!.path, tls: false as const } } : { url: standalone!.url });
const ioWhere = () => (standalone!.path ? { path: standalone!.path } : { host: new URL(standalone!.url!).hostname, port: Number(new URL(standalone!.url!).port) });
const P = `nrd${process.pid}`;

/** What a client answered: the reply, or the error's name and message. */
async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return { reply: await p };
  } catch (error) {
    return { error: (error as Error).name, message: (error as Error).message };
  }
}

type Step = (c: ClientLike) => Promise<unknown>;

const STEPS: Array<[string, Step]> = [
  ["SET/GET strings", async (c) => [await c.call("set", `${P}:s`, "héllo"), await c.call("get", `${P}:s`), await c.call("get", `${P}:missing`)]],
  ["binary GET", async (c) => [await c.callBuffer("set", `${P}:b`, Buffer.from([0, 255, 1, 128])), await c.callBuffer("get", `${P}:b`), await c.callBuffer("get", `${P}:missing`)]],
  ["integers and numbers as arguments", async (c) => [await c.call("incrby", `${P}:n`, 5), await c.call("incrbyfloat", `${P}:f`, 0.1), await c.call("exists", `${P}:n`, `${P}:nope`)]],
  ["HGETALL, ZRANGE WITHSCORES, XRANGE (nested)", async (c) => {
    await c.call("hset", `${P}:h`, "a", "1", "b", "2");
    await c.call("zadd", `${P}:z`, 1.5, "x", "inf", "y");
    await c.call("xadd", `${P}:x`, "1-1", "f", "v");
    return [await c.call("hgetall", `${P}:h`), await c.call("zrange", `${P}:z`, 0, -1, "WITHSCORES"), await c.call("xrange", `${P}:x`, "-", "+"), await c.call("zscore", `${P}:z`, "x")];
  }],
  ["error replies", async (c) => [await outcome(c.call("incr", `${P}:s`)), await outcome(c.call("hget", `${P}:s`, "f")), await outcome(c.call("evalsha", "0".repeat(40), 0))]],
  ["EVAL: tables, booleans, error_reply", async (c) => [await c.call("eval", "return {1, 'x', false, true, {2}}", 0), await outcome(c.call("eval", "return redis.error_reply('LOCKED by someone')", 0))]],
  ["sets, maps, doubles and nested pairs (RESP3 reshapes them)", async (c) => {
    await c.call("sadd", `${P}:set`, "only");
    await c.call("zadd", `${P}:z`, 1.5, "x", 2, "y", 3, "z");
    await c.call("xadd", `${P}:x`, "1-1", "f", "v");
    await c.call("hset", `${P}:h1`, "a", "1");
    return [
      await c.call("smembers", `${P}:set`),
      await c.call("zmscore", `${P}:z`, "x", "nope"),
      await c.call("zpopmin", `${P}:z`, 2),
      await c.call("zpopmax", `${P}:z`),
      await c.call("hrandfield", `${P}:h1`, 1, "WITHVALUES"),
      await c.call("xread", "COUNT", 5, "STREAMS", `${P}:x`, "0"),
      await c.call("xread", "STREAMS", `${P}:x`, "$"),
      await c.call("config", "get", "maxmemory-policy"),
      await c.callBuffer("zincrby", `${P}:z`, 0.25, "q"),
      await c.call("eval", "return {double='1.5'}", 0),
      await c.call("object", "encoding", `${P}:set`),
      typeof (await c.call("info", "server")),
    ];
  }],
  ["MULTI with a failing command", async (c) => {
    const m = c.multi();
    m.call("set", `${P}:m`, "1");
    m.call("incr", `${P}:s`);
    m.callBuffer("get", `${P}:m`);
    m.call("get", `${P}:m`);
    m.call("hgetall", `${P}:h`);
    const r = await m.exec();
    return r!.map(([e, v]) => (e ? { error: e.name, message: e.message } : v));
  }],
  ["pipeline with a failing command", async (c) => {
    const p = c.pipeline();
    p.call("script", "load", "return 1");
    p.call("incr", `${P}:s`);
    p.callBuffer("get", `${P}:b`);
    p.call("lrange", `${P}:nolist`, 0, -1);
    p.callBuffer("hgetall", `${P}:h`);
    const r = await p.exec();
    return r!.map(([e, v]) => (e ? { error: e.name, message: e.message } : v));
  }],
];

for (const RESP of [2, 3] as const) describe.skipIf(!standalone)(`node-redis adapter (RESP${RESP}) answers like ioredis`, () => {
  let io: Redis;
  let native: ReturnType<typeof createClient>;
  let adapter: ClientLike;

  beforeAll(async () => {
    // ioredis 5 (RESP2, `call` untransformed): the shapes the adapter gives. (ioredis 6 maps some
    // replies, e.g. HGETALL to an object, shapes narwhal's reply readers accept as well.)
    io = new Redis5({ ...ioWhere(), autoResendUnfulfilledCommands: false }) as unknown as Redis;
    native = createClient({ RESP, ...socket() });
    await native.connect();
    adapter = nodeRedisAdapter(native as unknown as NodeRedisClient);
  });
  afterAll(async () => {
    await io.call("del", `${P}:s`, `${P}:b`, `${P}:n`, `${P}:f`, `${P}:h`, `${P}:z`, `${P}:x`, `${P}:m`, `${P}:w`, `${P}:set`, `${P}:h1`);
    io.disconnect();
    await native.close();
  });

  for (const [name, step] of STEPS) {
    it(name, async () => {
      // Same state before each run: the step's keys as the previous run left them are rewritten.
      const viaIoredis = await step(io as unknown as ClientLike);
      await io.call("del", `${P}:n`, `${P}:f`, `${P}:z`, `${P}:x`);
      const viaNodeRedis = await step(adapter);
      expect(viaNodeRedis).toEqual(viaIoredis);
    });
  }

  it("a MULTI after WATCH whose key changed resolves null, as on ioredis", async () => {
    for (const c of [io as unknown as ClientLike, adapter]) {
      await c.call("watch", `${P}:w`);
      await io.duplicate().call("set", `${P}:w`, "changed").finally(() => undefined);
      const m = c.multi();
      m.call("set", `${P}:w`, "mine");
      expect(await m.exec()).toBeNull();
    }
  });
});

describe.skipIf(!standalone)("new Database(node-redis client)", () => {
  it("accepts a RESP2 client, writes to its server, and leaves it open on close()", async () => {
    const client = createClient({ RESP: 2, ...socket() });
    await client.connect();
    const io = new Redis({ ...ioWhere(), autoResendUnfulfilledCommands: false });
    const db = new Database(client, { prefix: `${P}db` });
    try {
      await db.hash<string>("h").set("k", "v");
      expect(await io.call("hget", `${P}db:h`, "k")).toBe("v");
      await db.close();
      expect(client.isOpen).toBe(true);
      expect(await client.get(`${P}db:h`).catch((e: Error) => e.message)).toMatch(/WRONGTYPE/);
    } finally {
      await io.call("del", `${P}db:h`);
      io.disconnect();
      await client.close();
    }
  });

  for (const RESP of [2, 3] as const) it(`answers strings and numbers from a RESP${RESP} client that maps reply types (its own commandOptions, or withTypeMapping())`, async () => {
    const BLOB = 36;
    const INTEGER = 58;
    const MAP = 37;
    const mapped = createClient({ RESP, ...socket(), commandOptions: { typeMapping: { [BLOB]: Buffer, [MAP]: Map } } });
    await mapped.connect();
    const proxied = mapped.withTypeMapping({ [BLOB]: Buffer, [INTEGER]: String } as never);
    try {
      for (const [i, client] of [mapped, proxied].entries()) {
        const db = new Database(client as never, { prefix: `${P}tm${i}` });
        const hash = db.hash<string>("h");
        expect(await hash.set("k", "v")).toBe(true);
        expect(await hash.get("k")).toBe("v");
        expect(await hash.size()).toBe(1);
        expect(await hash.toObject()).toEqual({ k: "v" });
        expect(await db.client.call("hget", `${P}tm${i}:h`, "k")).toBe("v");
        expect(await db.client.callBuffer("hget", `${P}tm${i}:h`, "k")).toEqual(Buffer.from("v"));
        await hash.clear();
        await db.close();
      }
    } finally {
      await mapped.close();
    }
  });

  it("refuses a client without a named protocol (RESP: 2 or 3), a keyPrefix, and a pool", () => {
    const unnamed = createClient(socket());
    const prefixed = createClient({ RESP: 2, keyPrefix: "p:", ...socket() });
    const pool = createClientPool({ RESP: 2, ...socket() });
    expect(() => new Database(unnamed)).toThrow(ValidationError);
    expect(() => new Database(unnamed)).toThrow(/RESP: 2/);
    expect(() => new Database(prefixed)).toThrow(/keyPrefix/);
    expect(() => new Database(pool)).toThrow(/neither a createClient\(\) client nor a createCluster\(\) cluster/);
  });

  for (const RESP of [2, 3] as const) it.skipIf(!cluster)(`accepts a RESP${RESP} cluster: a transaction and a script land on their slot's master`, async () => {
    const nodes = cluster!.nodes;
    const nr = createCluster({ RESP, rootNodes: nodes.map((n) => ({ socket: { host: n.host, port: n.port } })) });
    await nr.connect();
    const io = new Cluster(nodes, { retryDelayOnFailover: 0, redisOptions: { autoResendUnfulfilledCommands: false } });
    const db = new Database(nr, { prefix: `${P}cl${RESP}` });
    try {
      const tag = `{${P}cl:t}`;
      const counter = db.script<number>({ name: "bump", lua: "redis.call('INCRBY', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[2], ARGV[1])", keys: 2 });
      expect(await counter([`${tag}a`, `${tag}b`], [3])).toBe(3);
      const [a, b] = await db.transaction((tx) => [tx.list<string>(`${tag}l`).push("x"), tx.list<string>(`${tag}m`).push("y", "z")]);
      expect([a, b]).toEqual([1, 2]);
      expect(await io.call("get", `${P}cl${RESP}:${tag}b`)).toBe("3");
      expect(await io.call("llen", `${P}cl${RESP}:${tag}m`)).toBe(2);
    } finally {
      await db.close();
      await nr.close();
      io.disconnect();
    }
  });
});
