/**
 * Issue 17: the encoding thresholds in CONFIG against a private redis-server 7.0 (the suite
 * changes server settings), reply by reply through ioredis on both sides: names, aliases,
 * defaults and validation errors of `hash-|zset-max-listpack-*`, `set-max-intset-entries`,
 * `list-max-listpack-size` and `list-compress-depth`; multi-argument CONFIG SET (atomic, Redis's
 * error texts and precedence) and CONFIG GET with several names and patterns; OBJECT ENCODING
 * at configured thresholds, one-way conversions, and the commands that derive an encoding anew.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openPrivateSides, reply, sameReplies, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

const NAMES = [
  "hash-max-listpack-entries",
  "hash-max-ziplist-entries",
  "hash-max-listpack-value",
  "hash-max-ziplist-value",
  "zset-max-listpack-entries",
  "zset-max-ziplist-entries",
  "zset-max-listpack-value",
  "zset-max-ziplist-value",
  "set-max-intset-entries",
  "list-max-listpack-size",
  "list-max-ziplist-size",
  "list-compress-depth",
];
const DEFAULTS = ["hash-max-listpack-entries", "512", "hash-max-listpack-value", "64", "zset-max-listpack-entries", "128", "zset-max-listpack-value", "64", "set-max-intset-entries", "512", "list-max-listpack-size", "-2", "list-compress-depth", "0"];

describe.skipIf(!hasRedisServer())("CONFIG encoding thresholds vs a private redis-server (skipped without redis-server)", () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());
  afterEach(async () => {
    for (const side of [sides.redis, sides.memory]) await side.call("config", "set", ...DEFAULTS);
  });

  const same = (commands: Array<Array<string | number>>): Promise<unknown[]> => sameReplies(sides, commands);
  const enc = (key: string) => ["object", "encoding", key];
  const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  /** CONFIG GET with patterns: Redis answers in its dictionary's order, so compare the pairs sorted. */
  async function sameConfigGet(...args: string[]): Promise<string[][]> {
    const sorted = async (side: "redis" | "memory") => {
      const flat = (await reply(sides[side], "config", "get", ...args)) as string[];
      const pairs: string[][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
      return pairs.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    };
    const redis = await sorted("redis");
    expect(await sorted("memory")).toEqual(redis);
    return redis;
  }

  it("CONFIG GET: names, aliases, defaults, several names and patterns", async () => {
    await same(NAMES.map((name) => ["config", "get", name]));
    await same([["config", "get", "HASH-MAX-ZIPLIST-ENTRIES"], ["config", "get", "nosuch"], ["config", "get", "maxmemory", "Maxmemory"]]);
    const pairs = await sameConfigGet("*-max-*-entries", "list-*", "set-max-intset-entries", "zset*value");
    expect(pairs.length).toBeGreaterThanOrEqual(10);
  });

  it("CONFIG SET validation errors, as Redis words them", async () => {
    await same([
      ["config", "set", "hash-max-listpack-entries", "abc"],
      ["config", "set", "HASH-MAX-ZIPLIST-ENTRIES", "abc"],
      ["config", "set", "hash-max-listpack-entries", "-1"],
      ["config", "set", "hash-max-listpack-entries", "1.5"],
      ["config", "set", "hash-max-listpack-entries", "9223372036854775808"],
      ["config", "set", "zset-max-ziplist-entries", " 1"],
      ["config", "set", "set-max-intset-entries", "-5"],
      ["config", "set", "hash-max-listpack-value", "-1"],
      ["config", "set", "zset-max-listpack-value", "1x"],
      ["config", "set", "hash-max-ziplist-value", "1kb"],
      ["config", "get", "hash-max-listpack-value"],
      ["config", "set", "zset-max-ziplist-value", "2K"],
      ["config", "get", "zset-max-listpack-value"],
      // memtoull: no digits read as 0, no sign, strtoull saturating, the product wrapping at 2^64.
      ["config", "set", "zset-max-listpack-value", ""],
      ["config", "get", "zset-max-listpack-value"],
      ["config", "set", "zset-max-listpack-value", "kb"],
      ["config", "get", "zset-max-listpack-value"],
      ["config", "set", "zset-max-listpack-value", "+5"],
      ["config", "set", "zset-max-listpack-value", "5 "],
      ["config", "set", "zset-max-listpack-value", "18446744073709551615"],
      ["config", "set", "zset-max-listpack-value", "99999999999999999999999"],
      ["config", "set", "zset-max-listpack-value", "17179869184gb"],
      ["config", "get", "zset-max-listpack-value"],
      ["config", "set", "zset-max-listpack-value", "1gb"],
      ["config", "get", "zset-max-listpack-value"],
      ["config", "set", "list-max-ziplist-size", "3000000000"],
      ["config", "set", "list-max-listpack-size", "-2147483649"],
      ["config", "set", "list-max-listpack-size", "-5"],
      ["config", "get", "list-max-ziplist-size"],
      ["config", "set", "list-compress-depth", "-1"],
      ["config", "set", "list-compress-depth", "2"],
      ["config", "get", "list-compress-depth"],
      ["config", "set", "hash-max-listpack-entries", "0"],
      ["config", "get", "hash-max-ziplist-entries"],
    ]);
  });

  it("multi-argument CONFIG SET is atomic, with Redis's error precedence", async () => {
    await same([
      ["config", "set", "hash-max-listpack-entries", "10", "zset-max-listpack-entries", "20", "set-max-intset-entries", "30"],
      ["config", "get", "hash-max-listpack-entries"],
      ["config", "get", "zset-max-listpack-entries"],
      ["config", "get", "set-max-intset-entries"],
      // A bad value after good ones: nothing applied.
      ["config", "set", "hash-max-listpack-entries", "11", "zset-max-listpack-entries", "x"],
      ["config", "get", "hash-max-listpack-entries"],
      // Names are checked before values: the unknown name wins over the earlier bad value.
      ["config", "set", "hash-max-listpack-entries", "x", "nosuch", "1"],
      ["config", "set", "maxmemory", "abc", "foo", "1"],
      // The first of a repeated name or an unknown one, in order.
      ["config", "set", "set-max-intset-entries", "1", "SET-MAX-INTSET-ENTRIES", "2"],
      ["config", "set", "set-max-intset-entries", "1", "set-max-intset-entries", "2", "nosuch", "1"],
      ["config", "set", "nosuch", "1", "set-max-intset-entries", "1", "set-max-intset-entries", "2"],
      ["config", "get", "set-max-intset-entries"],
      // An alias is a name of its own: both may be set, the later wins.
      ["config", "set", "hash-max-listpack-entries", "5", "hash-max-ziplist-entries", "7"],
      ["config", "get", "hash-max-listpack-entries"],
      ["config", "set", "hash-max-listpack-entries", "5", "hash-max-ziplist-entries", "7", "hash-max-listpack-entries", "1"],
      ["config", "get", "hash-max-listpack-entries"],
      ["config", "set", "hash-max-listpack-entries", "1", "zset-max-listpack-entries"],
      ["config", "set", "hash-max-listpack-entries"],
      ["config", "set", "maxmemory", "0", "maxmemory-policy", "nosuch-policy"],
      ["config", "get", "maxmemory"],
    ]);
  });

  it("hashes convert at the configured entry and value limits, once and for good", async () => {
    await same([
      ["flushdb"],
      ["config", "set", "hash-max-ziplist-entries", "4", "hash-max-ziplist-value", "8"],
      ["hset", "h:a", ...many("f", 4).flatMap((f) => [f, "v"])],
      enc("h:a"),
      ["hset", "h:a", "f4", "v"],
      enc("h:a"),
      ["hdel", "h:a", "f0", "f1", "f2"],
      enc("h:a"),
      ["hset", "h:b", "f", "12345678"],
      enc("h:b"),
      ["hset", "h:b", "f", "123456789"],
      enc("h:b"),
      ["hsetnx", "h:c", "123456789", "v"],
      enc("h:c"),
      ["hincrbyfloat", "h:d", "f", "1.5"],
      enc("h:d"),
      ["hincrbyfloat", "h:d", "f", "1e20"],
      enc("h:d"),
      ["hincrby", "h:e", "123456789", "1"],
      enc("h:e"),
      // Lowering a limit converts nothing until the next write checks it.
      ["hset", "h:f", "a", "1", "b", "2", "c", "3"],
      ["config", "set", "hash-max-ziplist-entries", "2"],
      enc("h:f"),
      ["copy", "h:f", "h:fcopy"],
      enc("h:fcopy"),
      ["hset", "h:f", "a", "9"],
      enc("h:f"),
      ["config", "set", "hash-max-ziplist-entries", "0"],
      ["hset", "h:g", "a", "1"],
      enc("h:g"),
    ]);
  });

  it("sets convert at set-max-intset-entries; SPOP's rebuild and the stores derive anew", async () => {
    await same([
      ["flushdb"],
      ["config", "set", "set-max-intset-entries", "4"],
      ["sadd", "s:a", "1", "2", "3", "4"],
      enc("s:a"),
      ["sadd", "s:a", "5"],
      enc("s:a"),
      ["srem", "s:a", "5", "4"],
      enc("s:a"),
      ["sadd", "s:b", ...many("", 10)],
      enc("s:b"),
      // Case 3 of SPOP with a count (few elements remain: a new set of them); the popped members are random.
      ["eval", "return #redis.call('spop', KEYS[1], ARGV[1])", "1", "s:b", "9"],
      enc("s:b"),
      ["sadd", "s:c", ...many("", 10)],
      ["eval", "return #redis.call('spop', KEYS[1], ARGV[1])", "1", "s:c", "2"],
      enc("s:c"),
      ["sadd", "s:d", ...many("", 6)],
      ["sinterstore", "s:e", "s:d", "s:d"],
      enc("s:e"),
      ["srem", "s:d", "0", "1", "2"],
      ["sunionstore", "s:f", "s:d"],
      enc("s:f"),
      ["sdiffstore", "s:g", "s:d", "s:none"],
      enc("s:g"),
      ["sadd", "s:h", "1", "x"],
      ["srem", "s:h", "x"],
      ["sinterstore", "s:i", "s:h"],
      enc("s:i"),
      ["config", "set", "set-max-intset-entries", "0"],
      ["sadd", "s:j", "1"],
      enc("s:j"),
    ]);
  });

  it("sorted sets convert at the configured limits; stores and ZRANGESTORE pick by size", async () => {
    const long = "m".repeat(9);
    await same([
      ["flushdb"],
      ["config", "set", "zset-max-ziplist-entries", "4", "zset-max-ziplist-value", "8"],
      ["zadd", "z:a", "1", "a", "2", "b", "3", "c", "4", "d"],
      enc("z:a"),
      ["zadd", "z:a", "5", "e"],
      enc("z:a"),
      ["zrem", "z:a", "e", "d", "c"],
      enc("z:a"),
      ["zrangestore", "z:b", "z:a", "0", "-1"],
      enc("z:b"),
      ["zunionstore", "z:c", "1", "z:a"],
      enc("z:c"),
      ["zadd", "z:d", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"],
      ["zrangestore", "z:e", "z:d", "0", "3"],
      enc("z:e"),
      ["zrangestore", "z:f", "z:d", "0", "4"],
      enc("z:f"),
      ["zrangestore", "z:g", "z:d", "-inf", "+inf", "byscore", "limit", "0", "4"],
      enc("z:g"),
      ["zinterstore", "z:h", "2", "z:d", "z:d"],
      enc("z:h"),
      ["zdiffstore", "z:i", "2", "z:d", "z:a"],
      enc("z:i"),
      ["zincrby", "z:j", "1", long],
      enc("z:j"),
      ["zadd", "z:k", "1", "12345678"],
      enc("z:k"),
      ["zadd", "z:k", "xx", "2", long],
      enc("z:k"),
      ["zadd", "z:k", "2", long],
      ["zrem", "z:k", long],
      enc("z:k"),
      ["config", "set", "zset-max-listpack-entries", "0"],
      ["zadd", "z:l", "1", "a"],
      enc("z:l"),
      ["copy", "z:a", "z:acopy"],
      enc("z:acopy"),
    ]);
  });

  it("lists stay quicklist whatever list-max-listpack-size says", async () => {
    await same([
      ["flushdb"],
      ["config", "set", "list-max-ziplist-size", "1", "list-compress-depth", "1"],
      ["rpush", "l:a", ...many("x", 20)],
      enc("l:a"),
      ["config", "get", "list-max-listpack-size"],
      ["config", "get", "list-compress-depth"],
    ]);
  });

  it("RESTORE derives the encoding from the content and the current limits", async () => {
    const encodings = {} as Record<"redis" | "memory", unknown[]>;
    for (const side of ["redis", "memory"] as const) {
      const c = sides[side];
      await c.flushdb();
      await c.hset("r:h", "a", "1", "b", "2", "c", "3");
      await c.sadd("r:s", "1", "2", "3");
      await c.zadd("r:z", 1, "a", 2, "b", 3, "c");
      const dumps = await Promise.all(["r:h", "r:s", "r:z"].map((k) => c.dumpBuffer(k)));
      await c.call("config", "set", "hash-max-listpack-entries", "2", "set-max-intset-entries", "2", "zset-max-listpack-entries", "2");
      const out: unknown[] = [];
      for (const [i, k] of ["r:h", "r:s", "r:z"].entries()) {
        await c.restore(`${k}:big`, 0, dumps[i]!);
        out.push(await reply(c, "object", "encoding", `${k}:big`));
      }
      await c.call("config", "set", "hash-max-listpack-entries", "3", "set-max-intset-entries", "3", "zset-max-listpack-entries", "3");
      for (const [i, k] of ["r:h", "r:s", "r:z"].entries()) {
        await c.restore(`${k}:small`, 0, dumps[i]!);
        out.push(await reply(c, "object", "encoding", `${k}:small`));
      }
      encodings[side] = out;
    }
    expect(encodings.memory).toEqual(encodings.redis);
    expect(encodings.redis).toEqual(["hashtable", "hashtable", "skiplist", "listpack", "intset", "listpack"]);
  });
});
