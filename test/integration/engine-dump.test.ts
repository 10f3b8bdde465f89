/**
 * Issue 17: DUMP / RESTORE in Redis's payload format, both ways against redis-server 7.0
 * (a private server: the suite must not share DB 13 with the suites beside it): a value of every type and encoding dumped by Redis restores in
 * the engine and one dumped by the engine restores in Redis, with the same content (so Redis's
 * integer, LZF, quicklist, listpack and intset encodings are read, and the engine's payloads
 * pass Redis's checksum and loader); short strings dump byte for byte as Redis's; RESTORE's
 * options and errors reply by reply.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crc64 } from "../../src/memory/rdb/crc64";
import { openPrivateSides, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

const why = hasRedisServer() ? undefined : "no redis-server on PATH (the suite starts its own)";
type Side = "redis" | "memory";
const SIDES: Side[] = ["redis", "memory"];
const other = (s: Side): Side => (s === "redis" ? "memory" : "redis");

/** A key's type and full content, comparable across servers. */
async function content(c: Redis, key: string): Promise<unknown> {
  const type = await c.type(key);
  const b = (x: Buffer[]) => x.map((v) => v.toString("latin1"));
  switch (type) {
    case "string":
      return [type, (await c.getBuffer(key))?.toString("latin1")];
    case "list":
      return [type, b(await c.lrangeBuffer(key, 0, -1))];
    case "set":
      return [type, b(await c.smembersBuffer(key)).sort()];
    case "hash": {
      const flat = b((await c.callBuffer("HGETALL", key)) as Buffer[]);
      const pairs: string[] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
      return [type, pairs.sort()];
    }
    case "zset":
      return [type, b((await c.callBuffer("ZRANGE", key, 0, -1, "WITHSCORES")) as Buffer[])];
    default:
      return [type];
  }
}

/** One command's reply as comparable text (errors as `!message`), Buffer arguments sent as bytes (the shared `reply` helper stringifies them). */
async function send(c: Redis, ...argv: Array<string | number | Buffer>): Promise<unknown> {
  try {
    const r = await c.call(String(argv[0]), ...argv.slice(1).map((a) => (Buffer.isBuffer(a) ? a : String(a))));
    return Buffer.isBuffer(r) ? r.toString("latin1") : r;
  } catch (error) {
    return `!${(error as Error).message}`;
  }
}

const range = <T,>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** Writes one value of each kind (name → commands). */
const VALUES: Record<string, Array<Array<string | Buffer | number>>> = {
  short: [["set", "d:k", "v"]],
  int8: [["set", "d:k", "-100"]],
  int16: [["set", "d:k", "-30000"]],
  int32: [["set", "d:k", "2000000000"]],
  int64: [["set", "d:k", "9223372036854775807"]],
  notcanonical: [["set", "d:k", "007"]],
  binary: [["set", "d:k", Buffer.from([0, 255, 13, 10, 128, 1])]],
  compressible: [["set", "d:k", "abc".repeat(200)]],
  incompressible: [["set", "d:k", range(40, (i) => String.fromCharCode(33 + ((i * 37) % 90))).join("")]],
  list: [["rpush", "d:k", "a", "1", "-5000", "100000", "3000000000", "-9007199254740993", "x".repeat(70), "", "12345678901234567890"]],
  biglist: [["rpush", "d:k", ...range(1000, (i) => (i % 3 === 0 ? String(i * 7919) : `e${i}`.repeat(1 + (i % 5))))]],
  hash: [["hset", "d:k", "f", "v", "n", "42", "neg", "-70000"]],
  bighash: [["hset", "d:k", ...range(600, (i) => [`f${i}`, String(i)]).flat()]],
  longvalue: [["hset", "d:k", "f", "v".repeat(100)]],
  intset: [["sadd", "d:k", "1", "-2", "70000", "5000000000"]],
  bigintset: [["sadd", "d:k", ...range(600, (i) => String(i * 3))]],
  set: [["sadd", "d:k", "a", "b", "1"]],
  zset: [["zadd", "d:k", "1", "a", "-2.5", "b", "inf", "c", "-inf", "d", "1e20", "e", "3", "f"]],
  bigzset: [["zadd", "d:k", ...range(200, (i) => [String(i / 7), `m${i}`]).flat()]],
  longmember: [["zadd", "d:k", "1", "m".repeat(80)]],
};

describe.skipIf(why !== undefined)(`DUMP/RESTORE vs redis-server${why ? `: not run, ${why}` : ""}`, () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());

  for (const [name, writes] of Object.entries(VALUES)) {
    it(`${name}: dumped by either server, restored by the other, same content`, async () => {
      const seen = {} as Record<Side, unknown>;
      for (const from of SIDES) {
        const src = sides[from];
        const dst = sides[other(from)];
        await src.del("d:k");
        for (const w of writes) await src.call(String(w[0]), ...w.slice(1));
        const payload = (await src.callBuffer("DUMP", "d:k")) as Buffer;
        await dst.del("d:r");
        expect(await send(dst, "RESTORE", "d:r", 0, payload)).toBe("OK");
        expect(await content(dst, "d:r")).toEqual(await content(src, "d:k"));
        seen[from] = await content(src, "d:k");
      }
      expect(seen.memory).toEqual(seen.redis);
    });
  }

  it("short strings dump byte for byte as Redis's", async () => {
    for (const v of ["v", "123", "-129", "70000", "-2147483648", "2147483648", "hello world 12345678", "", "0", "-0", "01"]) {
      const dumps = {} as Record<Side, string>;
      for (const side of SIDES) {
        await sides[side].set("d:s", v);
        dumps[side] = ((await sides[side].callBuffer("DUMP", "d:s")) as Buffer).toString("hex");
      }
      expect(dumps.memory, v).toBe(dumps.redis);
    }
  });

  it("RESTORE options, TTLs and errors in Redis's order", async () => {
    const payloads = {} as Record<Side, Buffer>;
    for (const side of SIDES) {
      await sides[side].set("d:p", "payload");
      payloads[side] = (await sides[side].callBuffer("DUMP", "d:p")) as Buffer;
    }
    expect(payloads.memory.toString("hex")).toBe(payloads.redis.toString("hex"));
    const p = payloads.redis;
    const corrupt = Buffer.from(p);
    corrupt[2] = corrupt[2]! ^ 1;
    const future = Buffer.from(p);
    future.writeUInt16LE(11, p.length - 10);
    const garbage = Buffer.concat([Buffer.from([0xff, 1, 2]), p.subarray(p.length - 10)]);
    // Well-formed footers (RDB version 10, right CRC-64) around bodies Redis's loader refuses: "Bad data format".
    const sealed = (body: number[]) => {
      const withVersion = Buffer.concat([Buffer.from(body), Buffer.from([10, 0])]);
      return Buffer.concat([withVersion, crc64(withVersion)]);
    };
    const unknownType = sealed([0x30, 1, 0x61]);
    const truncated = sealed([0, 5, 0x61, 0x62]);
    const emptyList = sealed([1, 0]);
    const commands: Array<Array<string | number | Buffer>> = [
      ["del", "d:x", "d:y"],
      ["restore", "d:x", 0, p],
      ["get", "d:x"],
      ["restore", "d:x", 0, p],
      ["restore", "d:x", 0, p, "replace"],
      ["restore", "d:y", -1, p],
      ["restore", "d:y", "x", p],
      ["restore", "d:y", 0, corrupt],
      ["restore", "d:y", 0, future],
      ["restore", "d:y", 0, Buffer.from("short")],
      ["restore", "d:y", 0, garbage],
      ["restore", "d:y", 0, unknownType],
      ["restore", "d:y", 0, truncated],
      ["del", "d:y"],
      ["restore", "d:y", 0, emptyList],
      ["exists", "d:y"],
      ["restore", "d:y", 0, p, "foo"],
      ["restore", "d:y", 0, p, "idletime"],
      ["restore", "d:y", 0, p, "idletime", -1],
      ["restore", "d:y", 0, p, "freq", 256],
      ["restore", "d:y", 0, p, "idletime", 5, "freq", 3],
      ["restore", "d:y", 0, p, "freq", 3, "idletime", 5],
      ["restore", "d:y", 0, p, "idletime", 100],
      ["object", "idletime", "d:y"],
      ["restore", "d:x", 1000000, p, "replace"],
      ["pttl", "d:x"],
      ["restore", "d:x", 1, p, "replace", "absttl"],
      ["exists", "d:x"],
      ["restore", "d:x", Date.now() + 3_600_000, p, "absttl"],
      ["ttl", "d:x"],
      ["xadd", "d:st", "1-1", "f", "v"],
      ["dump", "d:none"],
      ["restore"],
    ];
    const out = {} as Record<Side, unknown[]>;
    for (const side of SIDES) {
      out[side] = [];
      for (const c of commands) {
        let r = await send(sides[side], ...c);
        // PTTL moves between the two runs; whole hours are what must agree.
        if (c[0] === "pttl" && typeof r === "string") r = String(Math.round(Number(r) / 100_000));
        out[side].push(r);
      }
    }
    expect(out.memory).toEqual(out.redis);
  });
});
