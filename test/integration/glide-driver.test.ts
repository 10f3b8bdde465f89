/**
 * Issue 16: the Valkey GLIDE adapter (src/drivers/glide*.ts) answers exactly as ioredis 5
 * (RESP2) does, command by command, on the same server, from a RESP2 and a RESP3 GlideClient: one step per reply GLIDE reshapes by
 * command name (glide-replies.ts's table), in `call`, `callBuffer`, MULTI and pipelines, and
 * error replies with Redis's own texts. And `new Database(glideClient)` accepts a RESP2 or
 * RESP3 GlideClient; the local tiers and db.synced() run on it, their invalidations on
 * narwhal's own RESP2 connection. The GlideClusterClient: glide-cluster-driver.test.ts.
 */
import { Decoder, GlideClient, ProtocolVersion } from "@valkey/valkey-glide";
import { Redis } from "ioredis";
import { Redis as Redis5 } from "ioredis5";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import type { ClientLike } from "../../src/client";
import { Database } from "../../src/database";
import { ValidationError } from "../../src/errors";
import { glideAdapter } from "../../src/drivers/glide";
import { glideInvalidationConnection } from "../../src/drivers/glide-invalidation";
import { DECODER_BYTES, DECODER_STRING, PROTOCOL_RESP2, type GlideNative } from "../../src/drivers/glide-shape";

const standalone = inject("standalone");
const port = () => standalone!.port!;
const ioWhere = () => (standalone!.path ? { path: standalone!.path } : { host: new URL(standalone!.url!).hostname, port: Number(new URL(standalone!.url!).port) });
const P = `gld${process.pid}`;
const run = standalone?.port !== undefined ? describe : describe.skip;

async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return { reply: await p };
  } catch (error) {
    return { error: (error as Error).name, message: (error as Error).message };
  }
}

type Step = (c: ClientLike) => Promise<unknown>;
const k = (name: string) => `${P}:${name}`;

/** One step per command GLIDE reshapes (glide-core `expected_type_for_cmd`), plus strings, binary and errors. */
const STEPS: Array<[string, Step]> = [
  ["strings, binary, integers", async (c) => [await c.call("set", k("s"), "héllo"), await c.call("get", k("s")), await c.callBuffer("set", k("b"), Buffer.from([0, 255, 1])), await c.callBuffer("get", k("b")), await c.call("incrby", k("n"), 5), await c.call("get", k("missing"))]],
  ["HGETALL (record → object), HRANDFIELD WITHVALUES (pairs → flat)", async (c) => {
    await c.call("hset", k("h"), "a", "1");
    return [await c.call("hgetall", k("h")), await c.callBuffer("hgetall", k("h")), await c.call("hgetall", k("nohash")), await c.call("hrandfield", k("h"), 1, "WITHVALUES")];
  }],
  ["booleans → 1/0: HSETNX HEXISTS EXPIRE PEXPIRE PERSIST SISMEMBER SMOVE PFADD RENAMENX COPY MSETNX SMISMEMBER SCRIPT EXISTS", async (c) => {
    await c.call("sadd", k("set"), "x");
    return [
      await c.call("hsetnx", k("h"), "a", "2"), await c.call("hsetnx", k("h"), "z", "2"), await c.call("hexists", k("h"), "a"),
      await c.call("expire", k("h"), 100), await c.call("pexpire", k("none"), 100), await c.call("persist", k("h")),
      await c.call("sismember", k("set"), "x"), await c.call("smismember", k("set"), "x", "y"), await c.call("smove", k("set"), k("set2"), "nope"),
      await c.call("pfadd", k("hll"), "a"), await c.call("renamenx", k("none"), k("none2")).catch(() => "ERR"), await c.call("copy", k("h"), k("hcopy")),
      await c.call("msetnx", k("m1"), "v"), await c.call("script", "exists", "0".repeat(40)),
    ];
  }],
  ["Sets → arrays: SMEMBERS SINTER SDIFF SUNION SPOP count", async (c) => {
    await c.call("sadd", k("s1"), "only");
    return [await c.call("smembers", k("s1")), await c.call("sinter", k("s1")), await c.call("sdiff", k("s1")), await c.call("sunion", k("s1")), await c.call("spop", k("s1"), 5)];
  }],
  ["doubles → text: INCRBYFLOAT HINCRBYFLOAT ZINCRBY ZSCORE (inf) ZADD INCR ZMSCORE, also with callBuffer", async (c) => {
    await c.call("zadd", k("z"), 1.5, "x", "inf", "y", "-inf", "w");
    return [
      await c.call("incrbyfloat", k("f"), 0.5), await c.call("hincrbyfloat", k("hf"), "a", 2.5), await c.call("zincrby", k("z"), 1, "x"),
      await c.call("zscore", k("z"), "y"), await c.call("zscore", k("z"), "w"), await c.call("zscore", k("z"), "nope"), await c.callBuffer("zscore", k("z"), "x"),
      await c.call("zadd", k("z"), "INCR", 1, "x"), await c.call("zadd", k("z"), 3, "q"), await c.call("zmscore", k("z"), "x", "nope"),
    ];
  }],
  ["scored members → flat: ZRANGE/ZUNION/ZINTER/ZDIFF WITHSCORES, ZPOPMIN, ZPOPMAX, ZRANDMEMBER WITHSCORES, ZRANK WITHSCORE", async (c) => {
    await c.call("zadd", k("z2"), 1, "a", 2.5, "b", "inf", "c");
    return [
      await c.call("zrange", k("z2"), 0, -1, "WITHSCORES"), await c.callBuffer("zrange", k("z2"), 0, -1, "WITHSCORES"), await c.call("zrange", k("z2"), 0, -1),
      await c.call("zrangebyscore", k("z2"), "-inf", "+inf", "WITHSCORES"), await c.call("zunion", 1, k("z2"), "WITHSCORES"), await c.call("zinter", 1, k("z2"), "WITHSCORES"),
      await c.call("zdiff", 1, k("z2"), "WITHSCORES"), await c.call("zrandmember", k("z2"), -1, "WITHSCORES").then((r) => (r as unknown[]).length),
      await c.call("zrank", k("z2"), "b", "WITHSCORE").catch(() => "no WITHSCORE before 7.2"), await c.call("zpopmin", k("z2")), await c.call("zpopmax", k("z2"), 5), await c.call("zpopmin", k("z2")),
    ];
  }],
  ["pops with keys: ZMPOP, BZPOPMIN, LMPOP, BLMPOP", async (c) => {
    await c.call("zadd", k("z3"), 1, "a", 2, "b");
    await c.call("rpush", k("l"), "1", "2", "3");
    return [await c.call("zmpop", 1, k("z3"), "MIN", "COUNT", 1), await c.call("bzpopmin", k("z3"), 1), await c.call("zmpop", 1, k("z3"), "MIN"), await c.call("lmpop", 1, k("l"), "LEFT", "COUNT", 2), await c.call("blmpop", 1, 1, k("l"), "RIGHT"), await c.call("lmpop", 1, k("l"), "LEFT")];
  }],
  ["streams: XRANGE XREVRANGE XREAD XREADGROUP XCLAIM XAUTOCLAIM XINFO STREAM/GROUPS/CONSUMERS", async (c) => {
    await c.call("xadd", k("x"), "1-1", "f", "v", "g", "w");
    await c.call("xadd", k("x"), "2-1", "f", "v2");
    await c.call("xgroup", "create", k("x"), "grp", "0");
    const read = await c.call("xreadgroup", "GROUP", "grp", "c1", "STREAMS", k("x"), ">");
    const info = (await c.call("xinfo", "stream", k("x"))) as unknown[];
    const groups = (await c.call("xinfo", "groups", k("x"))) as unknown[][];
    const consumers = (await c.call("xinfo", "consumers", k("x"), "grp")) as unknown[][];
    return [
      await c.call("xrange", k("x"), "-", "+"), await c.callBuffer("xrevrange", k("x"), "+", "-"), await c.call("xread", "STREAMS", k("x"), "0"), await c.call("xread", "STREAMS", k("x"), "$"), read,
      await c.call("xclaim", k("x"), "grp", "c2", 0, "1-1"), await c.call("xclaim", k("x"), "grp", "c2", 0, "1-1", "JUSTID"), await c.call("xautoclaim", k("x"), "grp", "c3", 0, "0"),
      info.filter((_, i) => i % 2 === 0), groups.map((g) => g.filter((_, i) => i % 2 === 0)), consumers.map((g) => g.filter((_, i) => i % 2 === 0)),
    ];
  }],
  ["CONFIG GET (record → flat), EVAL tables and booleans, INFO and OBJECT ENCODING as text", async (c) => {
    await c.call("sadd", k("set"), "x");
    return [
      await c.call("config", "get", "maxmemory-policy"), await c.call("eval", "return {1, 'x', false, true, {2}}", 0), await c.call("eval", "return redis.call('hgetall', KEYS[1])", 1, k("h")),
      await c.call("eval", "return false", 0), await c.call("eval", "return true", 0), await c.call("eval", "return {true, {true}}", 0), await c.callBuffer("eval", "return false", 0),
      typeof (await c.call("info", "server")), await c.call("object", "encoding", k("set")), await c.call("zrangebyscore", k("nozset"), 0, 1, "WITHSCORES"),
    ];
  }],
  ["error replies keep Redis's text", async (c) => [
    await outcome(c.call("lpush", k("h"), "x")), await outcome(c.call("nosuchcommand")), await outcome(c.call("evalsha", "0".repeat(40), 0)),
    await outcome(c.call("eval", "return redis.error_reply('LOCKED by someone')", 0)), await outcome(c.call("eval", "error('boom')", 0)), await outcome(c.call("get")),
  ]],
  ["MULTI: per-command errors and shapes", async (c) => {
    const m = c.multi();
    m.call("set", k("m"), "1");
    m.call("incr", k("h"));
    m.callBuffer("get", k("m"));
    m.call("hgetall", k("h"));
    m.call("zscore", k("z"), "y");
    m.call("sismember", k("set"), "x");
    const r = await m.exec();
    return r!.map(([e, v]) => (e ? { error: e.name, message: e.message } : v));
  }],
  ["pipeline: per-command errors and shapes", async (c) => {
    const p = c.pipeline();
    p.call("script", "load", "return 1");
    p.call("incr", k("h"));
    p.callBuffer("get", k("b"));
    p.callBuffer("hgetall", k("h"));
    p.call("zrange", k("z"), 0, -1, "WITHSCORES");
    const r = await p.exec();
    return r!.map(([e, v]) => (e ? { error: e.name, message: e.message } : v));
  }],
];

const KEYS = ["s", "b", "n", "h", "hf", "f", "set", "set2", "hll", "hcopy", "m1", "s1", "z", "z2", "z3", "l", "x", "m", "none2", "nohash"].map(k);

for (const protocol of [ProtocolVersion.RESP2, ProtocolVersion.RESP3]) run(`GLIDE adapter (${protocol === ProtocolVersion.RESP2 ? "RESP2" : "RESP3"}) answers like ioredis`, () => {
  let io: Redis;
  let native: GlideClient;
  let adapter: ClientLike;

  beforeAll(async () => {
    io = new Redis5({ ...ioWhere(), autoResendUnfulfilledCommands: false }) as unknown as Redis;
    native = await GlideClient.createClient({ addresses: [{ host: "127.0.0.1", port: port() }], protocol, requestTimeout: 5000 });
    adapter = glideAdapter(native as unknown as GlideNative);
  });
  afterAll(async () => {
    await io.call("del", ...KEYS);
    io.disconnect();
    native.close();
  });

  it("narwhal's copies of GLIDE's enum values match GLIDE's", () => {
    expect([DECODER_BYTES, DECODER_STRING, PROTOCOL_RESP2]).toEqual([Decoder.Bytes, Decoder.String, ProtocolVersion.RESP2]);
  });

  for (const [name, step] of STEPS) {
    it(name, async () => {
      await io.call("del", ...KEYS);
      const viaIoredis = await step(io as unknown as ClientLike);
      await io.call("del", ...KEYS);
      const viaGlide = await step(adapter);
      expect(viaGlide).toEqual(viaIoredis);
    });
  }

  it("GEODIST and GEOPOS come back as the same numbers, not Redis's digits (GLIDE parses them to doubles)", async () => {
    await io.call("geoadd", k("geo"), 13.361389, 38.115556, "a", 15.087269, 37.502669, "b");
    const [d1, p1] = [await io.call("geodist", k("geo"), "a", "b"), await io.call("geopos", k("geo"), "a")] as [string, string[][]];
    const [d2, p2] = [await adapter.call("geodist", k("geo"), "a", "b"), await adapter.call("geopos", k("geo"), "a")] as [string, string[][]];
    expect(Number(d2)).toBe(Number(d1));
    expect(p2[0]!.map(Number)).toEqual(p1[0]!.map(Number));
    await io.call("del", k("geo"));
  });
});

run("new Database(glideClient)", () => {
  const opened: Array<{ close(): void }> = [];
  const open = async (protocol: ProtocolVersion) => {
    const c = await GlideClient.createClient({ addresses: [{ host: "127.0.0.1", port: port() }], protocol, requestTimeout: 5000 });
    opened.push(c);
    return c;
  };
  afterAll(() => {
    for (const c of opened) c.close();
  });

  it("accepts a RESP2 GlideClient, writes to its server, and leaves it open on close()", async () => {
    const client = await open(ProtocolVersion.RESP2);
    const io = new Redis({ ...ioWhere(), autoResendUnfulfilledCommands: false });
    const db = new Database(client, { prefix: `${P}db` });
    try {
      await db.hash<string>("h").set("k", "v");
      expect(await io.call("hget", `${P}db:h`, "k")).toBe("v");
      expect(await db.list<string>("l").shiftBlocking(0.1)).toBeUndefined();
      await db.close();
      expect(await client.customCommand(["PING"])).toBe("PONG");
    } finally {
      await io.call("del", `${P}db:h`);
      io.disconnect();
    }
  });

  it("holds requests at GLIDE's inflightRequestsLimit instead of failing them (GLIDE refuses past it; ioredis queues)", async () => {
    const client = await GlideClient.createClient({ addresses: [{ host: "127.0.0.1", port: port() }], protocol: ProtocolVersion.RESP2, requestTimeout: 5000, inflightRequestsLimit: 4 });
    opened.push(client);
    // GLIDE's own behaviour, which the adapter works around: past the limit a request is refused.
    const direct = await Promise.allSettled(Array.from({ length: 50 }, () => client.customCommand(["PING"])));
    expect(direct.some((r) => r.status === "rejected" && /maximum inflight requests/.test(String(r.reason)))).toBe(true);
    const db = new Database(client, { prefix: `${P}gate` });
    try {
      const hash = db.hash<string>("h");
      const writes = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => hash.set(`f${i}`, String(i))));
      expect(writes.filter((r) => r.status === "rejected")).toEqual([]);
      const batches = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => db.pipeline((p) => [p.hash<string>("h").get(`f${i}`)])));
      expect(batches.filter((r) => r.status === "rejected")).toEqual([]);
      expect(await hash.size()).toBe(300);
      await hash.clear();
    } finally {
      await db.close();
    }
  });

  it("accepts a RESP3 GlideClient (GLIDE's default): its replies come in the same RESP2 shapes", async () => {
    const client = await open(ProtocolVersion.RESP3);
    const db = new Database(client, { prefix: `${P}r3` });
    try {
      const z = db.zset<string>("z");
      await z.add("a", Infinity);
      expect(await z.rangeByScore(-Infinity, Infinity, { withScores: true })).toEqual([["a", Infinity]]);
      expect(await db.script<unknown>({ name: "f", keys: 0, lua: "return false" })([])).toBeNull();
      await db.client.call("del", `${P}r3:z`);
    } finally {
      await db.close();
    }
  });

  for (const protocol of [ProtocolVersion.RESP2, ProtocolVersion.RESP3]) {
    const label = protocol === ProtocolVersion.RESP2 ? "RESP2" : "RESP3";
    it(`${label}: the local tier runs, its invalidations on narwhal's own RESP2 tracking connection (glide-invalidation.ts); a write by another client reaches it; a killed tracking connection is replaced`, async () => {
      const client = await open(protocol);
      const db = new Database(client, { prefix: `${P}l${label}` });
      const other = new Redis(ioWhere());
      try {
        const cache = db.cache({ namespace: "c", local: { maxEntries: 10 } });
        const waitUp = async () => {
          for (const started = Date.now(); cache.localState !== "up"; await new Promise((r) => setTimeout(r, 5))) {
            if (Date.now() - started > 5000) throw new Error(`local tier still ${cache.localState}`);
          }
        };
        await cache.set("k", { v: 1 });
        expect(await cache.get("k")).toEqual({ v: 1 });
        await waitUp();
        const trackingLine = () =>
          other.client("LIST").then((list) => String(list).split("\n").find((line) => line.includes("name=narwhal-tracking")));
        const line = await trackingLine();
        expect(line).toMatch(/ resp=2\b/);
        expect(line).toMatch(/ flags=\S*t/);
        expect(await cache.get("k")).toEqual({ v: 1 });
        // Another client (ioredis, another Database) rewrites it: the local copy must be dropped, not served.
        const writer = new Database({ ...ioWhere() }, { prefix: `${P}l${label}` });
        await writer.cache({ namespace: "c" }).set("k", { v: 2 });
        await writer.close();
        let seen: unknown;
        for (const started = Date.now(); Date.now() - started < 5000; await new Promise((r) => setTimeout(r, 5))) {
          seen = await cache.get("k");
          if ((seen as { v: number }).v === 2) break;
        }
        expect(seen).toEqual({ v: 2 });
        const id = /id=(\d+) /.exec(line!)![1]!;
        await other.client("KILL", "ID", id);
        for (const started = Date.now(); Date.now() - started < 5000; await new Promise((r) => setTimeout(r, 5))) {
          const next = await trackingLine();
          if (next !== undefined && !next.includes(`id=${id} `) && cache.localState === "up") break;
        }
        expect(await trackingLine()).not.toContain(`id=${id} `);
        await waitUp();
        const synced = db.synced<{ a: { n: number } }>("s");
        await synced.ready();
        await synced.set("a", { n: 1 });
        expect(synced.get("a")).toEqual({ n: 1 });
        await synced.close();
        expect(await db.autocomplete("ac", { local: { maxEntries: 5 } }).search("x")).toEqual([]);
        await cache.clear();
      } finally {
        other.disconnect();
        await db.close();
      }
    });
  }

  it("the tracking connection takes the GLIDE configuration's credentials and TLS settings; IAM credentials are refused with a ValidationError", () => {
    const c = glideInvalidationConnection(
      {
        addresses: [{ host: "127.0.0.1", port: 1 }],
        useTLS: true,
        credentials: { username: "u", password: "p" },
        advancedConfiguration: { connectionTimeout: 321, tlsAdvancedConfiguration: { insecure: true } },
      },
      { host: "127.0.0.1", port: 1 },
    );
    c.on("error", () => undefined);
    c.disconnect();
    expect(c.options).toEqual({ host: "127.0.0.1", port: 1, tls: { rejectUnauthorized: false }, username: "u", password: "p", connectTimeout: 321 });
    expect(() => glideInvalidationConnection({ addresses: [{ port: 1 }], credentials: { username: "u", iamConfig: {} } })).toThrow(ValidationError);
    expect(() => glideInvalidationConnection({ addresses: [{ port: 1 }], credentials: { username: "u", iamConfig: {} } })).toThrow(/cannot authenticate with GLIDE's IAM credentials/);
  });
});
