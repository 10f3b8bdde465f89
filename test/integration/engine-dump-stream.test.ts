/**
 * Issue 17: DUMP / RESTORE of streams (RDB_TYPE_STREAM_LISTPACKS_2) both ways against a private
 * redis-server 7.0: generated streams (entries with and without the master fields, integer,
 * short, long and very long values, deletions emptying whole nodes, exact and approximate
 * trims, 64-bit IDs, consumer groups with PELs, claims, idle consumers, an unknown read
 * counter) dumped by one server restore in the other with the same XINFO STREAM FULL, dump
 * back to an equal stream, and keep growing the same way (same macro nodes) afterwards; with
 * Redis's rdbcompression off, both DUMP a stream as the same bytes; a Redis 5–6 payload
 * (type 15) restores as in Redis 7.0; RESTORE of a stream wakes a blocked XREAD as Redis's.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crc64 } from "../../src/memory/rdb/crc64";
import { RdbWriter } from "../../src/memory/rdb/format";
import { encodeListpack } from "../../src/memory/rdb/listpack";
import { openPrivateSides, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

const why = hasRedisServer() ? undefined : "no redis-server on PATH (the suite starts its own)";
type Side = "redis" | "memory";
const SIDES: Side[] = ["redis", "memory"];
const other = (s: Side): Side => (s === "redis" ? "memory" : "redis");
type Arg = string | number | Buffer;

/** mulberry32: the same streams every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function send(c: Redis, ...argv: Arg[]): Promise<unknown> {
  try {
    const r = await c.call(String(argv[0]), ...argv.slice(1).map((a) => (Buffer.isBuffer(a) ? a : String(a))));
    return Buffer.isBuffer(r) ? r.toString("latin1") : r;
  } catch (error) {
    return `!${(error as Error).message}`;
  }
}

async function full(c: Redis, key: string): Promise<unknown> {
  return send(c, "XINFO", "STREAM", key, "FULL", "COUNT", 0);
}

/** The commands that build one generated stream at `key` (deterministic for a seed). */
function generate(seed: number, key: string, opts: { bigIds?: boolean; empty?: boolean; timeless?: boolean } = {}): Arg[][] {
  const rand = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const cmds: Arg[][] = [];
  const values = () =>
    pick<() => string>([
      () => String(Math.floor(rand() * 100)),
      () => String(Math.floor(rand() * 1e6) - 5e5),
      () => String(Math.floor(rand() * 2 ** 52) * (rand() < 0.5 ? -1 : 1)),
      () => "v" + "x".repeat(Math.floor(rand() * 20)),
      () => "long".repeat(20 + Math.floor(rand() * 300)),
      () => (rand() < 0.05 ? "h".repeat(5000) : "s"),
    ])();
  const ids: string[] = [];
  let ms = opts.bigIds ? 2n ** 64n - 2n ** 40n : 1000n + BigInt(seed);
  let seq = opts.bigIds ? 2n ** 64n - 40n : 0n;
  const n = 80 + Math.floor(rand() * 400);
  for (let i = 0; i < n; i++) {
    if (rand() < 0.7) {
      ms += BigInt(1 + Math.floor(rand() * 3000));
      seq = opts.bigIds ? 2n ** 64n - 40n : 0n;
    } else seq += 1n;
    const id = `${ms}-${seq}`;
    ids.push(id);
    const shape = rand();
    const fields = shape < 0.6 ? ["name", values(), "n", values()] : shape < 0.8 ? ["other", values()] : ["name", values(), "n", values(), "x", values(), "7", values()];
    cmds.push(["XADD", key, id, ...fields]);
  }
  // Groups before the deletions, so PELs hold deleted IDs too.
  cmds.push(["XGROUP", "CREATE", key, "g1", "0"]);
  cmds.push(["XGROUP", "CREATE", key, "123", ids[Math.floor(n / 3)]!, "ENTRIESREAD", 7]);
  cmds.push(["XGROUP", "CREATE", key, "a-group-name-longer-than-twenty-bytes", "$"]);
  cmds.push(["XGROUP", "CREATE", key, "g4", "0"]);
  if (opts.timeless) {
    // No deliveries and no consumers: nothing in the payload depends on the clock.
    cmds.push(["XGROUP", "SETID", key, "g4", ids[Math.floor(n / 2)]!]);
    for (let i = 0; i < n / 4; i++) cmds.push(["XDEL", key, pick(ids)]);
    cmds.push(["XTRIM", key, "MINID", ids[Math.floor(n / 8)]!]);
    return cmds;
  }
  for (const c of ["alice", "bob", "42", "c".repeat(30)]) cmds.push(["XREADGROUP", "GROUP", "g1", c, "COUNT", 5 + Math.floor(rand() * 40), "STREAMS", key, ">"]);
  cmds.push(["XREADGROUP", "GROUP", "123", "carol", "COUNT", 20, "STREAMS", key, ">"]);
  cmds.push(["XREADGROUP", "GROUP", "g4", "dave", "NOACK", "COUNT", 30, "STREAMS", key, ">"]);
  cmds.push(["XGROUP", "CREATECONSUMER", key, "g1", "idle"]);
  for (let i = 0; i < 10; i++) cmds.push(["XACK", key, "g1", pick(ids)]);
  for (let i = 0; i < 5; i++) cmds.push(["XCLAIM", key, "g1", "bob", 0, pick(ids.slice(0, 60)), "RETRYCOUNT", Math.floor(rand() * 5)]);
  cmds.push(["XGROUP", "SETID", key, "g4", ids[Math.floor(n / 2)]!]); // entries-read becomes unknown (-1)
  for (let i = 0; i < n / 4; i++) cmds.push(["XDEL", key, pick(ids)]);
  cmds.push(["XDEL", key, ...ids.slice(Math.floor(n / 4), Math.floor(n / 4) + 60)]); // empties whole nodes
  if (rand() < 0.5) cmds.push(["XTRIM", key, "MAXLEN", "~", Math.floor(n / 2)]);
  cmds.push(["XTRIM", key, "MINID", ids[Math.floor(n / 8)]!]);
  if (opts.empty) cmds.push(["XTRIM", key, "MAXLEN", 0]);
  return cmds;
}

describe.skipIf(why !== undefined)(`DUMP/RESTORE of streams vs redis-server${why ? `: not run, ${why}` : ""}`, () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());

  const cases: Array<[string, number, { bigIds?: boolean; empty?: boolean }]> = [
    ...[1, 2, 3, 4, 5, 6].map((seed): [string, number, object] => [`generated stream ${seed}`, seed, {}]),
    ["64-bit IDs", 7, { bigIds: true }],
    ["trimmed to empty, groups kept", 8, { empty: true }],
  ];
  for (const [name, seed, opts] of cases) {
    it(`${name}: dumped by either server, restored by the other, same XINFO STREAM FULL, both ways`, async () => {
      for (const from of SIDES) {
        const src = sides[from];
        const dst = sides[other(from)];
        await src.del("s:k");
        for (const c of generate(seed, "s:k", opts)) {
          const r = await send(src, ...c);
          expect(String(r).startsWith("!"), `${c.join(" ")} → ${String(r)}`).toBe(false);
        }
        const before = await full(src, "s:k");
        const payload = (await src.callBuffer("DUMP", "s:k")) as Buffer;
        await dst.del("s:r");
        expect(await send(dst, "RESTORE", "s:r", 0, payload)).toBe("OK");
        expect(await full(dst, "s:r")).toEqual(before);
        // And back: the other server's DUMP restores to the original.
        const back = (await dst.callBuffer("DUMP", "s:r")) as Buffer;
        await src.del("s:b");
        expect(await send(src, "RESTORE", "s:b", 0, back)).toBe("OK");
        expect(await full(src, "s:b")).toEqual(before);
        // The restored macro nodes fill up as the original's do.
        const more: Arg[][] = [];
        for (let i = 0; i < 150; i++) more.push(["XADD", "KEY", "*", ...(i % 3 ? ["name", `v${i}`, "n", i] : ["z", "w".repeat(i * 3)])]);
        more.push(["XDEL", "KEY", "0-1"], ["XTRIM", "KEY", "MAXLEN", "~", 120]);
        for (const c of more) {
          const [a, b] = [await send(src, ...c.map((x) => (x === "KEY" ? "s:k" : x))), await send(dst, ...c.map((x) => (x === "KEY" ? "s:r" : x)))];
          expect(typeof a === "string" && a.startsWith("!")).toBe(false);
          if (c[0] !== "XADD") expect(b).toEqual(a);
        }
        const [x, y] = [(await full(src, "s:k")) as unknown[], (await full(dst, "s:r")) as unknown[]];
        // Auto IDs differ by a millisecond between servers: compare the shape (node counts, lengths, groups).
        const shape = (info: unknown[]) => info.filter((_, i) => i % 2 === 0).map((k, i) => (["length", "radix-tree-keys", "entries-added"].includes(String(k)) ? info[2 * i + 1] : k));
        expect(shape(y)).toEqual(shape(x));
      }
    });
  }

  it("with rdbcompression off, the engine's DUMP of a stream is Redis's, byte for byte (listpacks laid out alike)", async () => {
    await sides.redis.call("CONFIG", "SET", "rdbcompression", "no");
    try {
      for (const [seed, opts] of [[11, {}], [12, {}], [13, { bigIds: true }], [14, {}]] as const) {
        const dumps = {} as Record<Side, string>;
        for (const side of SIDES) {
          await sides[side].del("s:x");
          for (const c of generate(seed, "s:x", { ...opts, timeless: true })) await send(sides[side], ...c);
          dumps[side] = ((await sides[side].callBuffer("DUMP", "s:x")) as Buffer).toString("hex");
        }
        expect(dumps.memory, `seed ${seed}`).toBe(dumps.redis);
      }
    } finally {
      await sides.redis.call("CONFIG", "SET", "rdbcompression", "yes");
    }
  });

  it("a Redis 5-6 stream payload (RDB_TYPE_STREAM_LISTPACKS, no first ID, no counters) restores as in Redis 7.0", async () => {
    const w = new RdbWriter();
    const id = (ms: number, seq: number) => Buffer.concat([Buffer.alloc(4), Buffer.from([0, 0, 0, ms]), Buffer.alloc(4), Buffer.from([0, 0, 0, seq])]);
    const b = (x: string) => Buffer.from(x);
    w.byte(15);
    w.length(1);
    w.string(id(1, 1));
    // Master entry (2 live, 1 deleted, fields [f]); 1-1 {f v}, 1-2 {f w} deleted, 1-3 {g x} with its own fields.
    w.string(encodeListpack([2n, 1n, 1n, b("f"), 0n, 2n, 0n, 0n, b("v"), 4n, 3n, 0n, 1n, b("w"), 4n, 0n, 0n, 2n, 1n, b("g"), b("x"), 6n]));
    w.length(2);
    w.length(1);
    w.length(3); // last ID 1-3
    w.length(1);
    w.string(b("grp"));
    w.length(1);
    w.length(1); // last delivered 1-1
    w.length(1);
    w.raw(id(1, 1));
    w.millis(1_000_000);
    w.length(2);
    w.length(1);
    w.string(b("alice"));
    w.millis(2_000_000);
    w.length(1);
    w.raw(id(1, 1));
    const payload = w.payload();
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      await sides[side].del("s:old");
      expect(await send(sides[side], "RESTORE", "s:old", 0, payload)).toBe("OK");
      seen[side] = await full(sides[side], "s:old");
    }
    expect(seen.memory).toEqual(seen.redis);
  });

  it("an empty stream made by XGROUP CREATE MKSTREAM, and wrong stream payloads, reply as Redis", async () => {
    const dumps = {} as Record<Side, Buffer>;
    for (const side of SIDES) {
      await sides[side].del("s:e");
      await sides[side].call("XGROUP", "CREATE", "s:e", "g", "$", "MKSTREAM");
      dumps[side] = (await sides[side].callBuffer("DUMP", "s:e")) as Buffer;
    }
    // No entries, no times: the payloads are the same bytes.
    expect(dumps.memory.toString("hex")).toBe(dumps.redis.toString("hex"));
    const sealed = (body: Buffer) => {
      const withVersion = Buffer.concat([body, Buffer.from([10, 0])]);
      return Buffer.concat([withVersion, crc64(withVersion)]);
    };
    const body = dumps.redis.subarray(0, dumps.redis.length - 10);
    const shortKey = sealed(Buffer.from([19, 1, 2, 0, 0]));
    const truncated = sealed(body.subarray(0, body.length - 3));
    for (const side of SIDES) {
      const out: unknown[] = [];
      for (const p of [dumps[other(side)], shortKey, truncated]) {
        await sides[side].del("s:f");
        out.push(await send(sides[side], "RESTORE", "s:f", 0, p), await full(sides[side], "s:f"));
      }
      expect(out, side).toEqual([
        "OK",
        await full(sides[side], "s:e"),
        "!ERR Bad data format",
        "!ERR no such key",
        "!ERR Bad data format",
        "!ERR no such key",
      ]);
    }
  });

  it("RESTORE of a stream wakes a blocked XREAD, as Redis's", async () => {
    await sides.redis.del("s:w");
    await sides.redis.xadd("s:w", "5-5", "f", "v");
    const payload = (await sides.redis.callBuffer("DUMP", "s:w")) as Buffer;
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      const blocked = sides[side].duplicate();
      try {
        await sides[side].del("s:w");
        const read = blocked.call("XREAD", "BLOCK", 5000, "STREAMS", "s:w", "0-0");
        await new Promise((r) => setTimeout(r, 100));
        expect(await send(sides[side], "RESTORE", "s:w", 0, payload)).toBe("OK");
        seen[side] = await read;
      } finally {
        blocked.disconnect();
      }
    }
    expect(seen.memory).toEqual(seen.redis);
    expect(seen.redis).not.toBeNull();
  });
});
