/**
 * Issue 17: SORT and SORT_RO against redis-server 7.0, reply by reply through ioredis on both
 * sides (a private redis-server: the suite must not share DB 13 with the suites beside it): numeric and ALPHA order, ASC/DESC, LIMIT clamping, BY
 * patterns (keys, `->field` hash fields, missing keys, constant = no sorting), GET (`#`,
 * missing → nil), STORE (list, TTL dropped, empty result deletes), the errors in Redis's
 * order; and a property test on random lists with random weights and options.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrivateSides, reply, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

const why = hasRedisServer() ? undefined : "no redis-server on PATH (the suite starts its own)";
type Side = "redis" | "memory";
const SIDES: Side[] = ["redis", "memory"];

describe.skipIf(why !== undefined)(`SORT vs redis-server${why ? `: not run, ${why}` : ""}`, () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());

  /**
   * Redis's SORT reads errno after strtod without clearing it first: once any strtod overflowed
   * (a "1e400" weight, here or in another suite), every SORT answers the conversion error until
   * some command clears errno (INCRBYFLOAT does). That is a Redis bug the engine does not copy,
   * so each SORT is preceded by an INCRBYFLOAT, on both sides.
   */
  const clearErrno = (side: Side) => sides[side].incrbyfloat("sx:errno", 0);

  async function same(commands: Array<Array<string | number>>): Promise<unknown[]> {
    const out = {} as Record<Side, unknown[]>;
    for (const side of SIDES) {
      out[side] = [];
      for (const c of commands) {
        if (String(c[0]).startsWith("sort")) await clearErrno(side);
        out[side].push(await reply(sides[side], ...c));
      }
    }
    expect(out.memory).toEqual(out.redis);
    return out.redis;
  }

  it("numeric and ALPHA, ASC/DESC, LIMIT, on lists, sets and sorted sets", async () => {
    const got = await same([
      ["del", "so:l", "so:s", "so:z", "so:a"],
      ["rpush", "so:l", "3", "1", "2", "10", "-1.5", "1e1", "  7", "0x10", "inf", "-inf", "3"],
      ["sort", "so:l"],
      ["sort", "so:l", "desc"],
      ["sort", "so:l", "limit", "2", "3"],
      ["sort", "so:l", "limit", "-5", "3"],
      ["sort", "so:l", "limit", "20", "3"],
      ["sort", "so:l", "limit", "1", "-1"],
      ["sort", "so:l", "limit", "1", "0"],
      ["sort", "so:l", "ALPHA"],
      ["sort", "so:l", "alpha", "desc", "limit", "0", "4"],
      ["sadd", "so:s", "5", "2", "9", "-3"],
      ["sort", "so:s"],
      ["sort", "so:s", "desc", "alpha"],
      ["zadd", "so:z", "3", "a", "1", "b", "2", "c"],
      ["sort", "so:z", "alpha"],
      ["sort", "so:z", "by", "nosort"],
      ["sort", "so:z", "by", "nosort", "desc", "limit", "1", "5"],
      ["sort", "so:l", "by", "nosort", "limit", "2", "4"],
      ["sort", "so:l", "by", "nosort", "desc"],
      ["rpush", "so:a", "b", "a", "C", "ä", "10", ""],
      ["sort", "so:a"],
      ["sort", "so:a", "alpha"],
      ["sort", "so:none"],
      ["sort_ro", "so:l", "limit", "0", "2", "desc"],
    ]);
    expect(got[2]).toEqual(["-inf", "-1.5", "1", "2", "3", "3", "  7", "10", "1e1", "0x10", "inf"]);
  });

  it("BY patterns and hash fields, GET #, GET of missing keys, STORE", async () => {
    await same([
      ["del", "sb:l", "sb:w_a", "sb:w_b", "sb:w_c", "sb:h_a", "sb:h_b", "sb:d", "sb:dst", "sb:n_a", "sb:n_b"],
      ["rpush", "sb:l", "a", "b", "c", "d"],
      ["mset", "sb:w_a", "3", "sb:w_b", "1", "sb:w_c", "2", "sb:n_a", "x", "sb:n_b", "y"],
      ["hset", "sb:h_a", "f", "30", "g", "ga"],
      ["hset", "sb:h_b", "f", "10"],
      ["sort", "sb:l", "by", "sb:w_*"],
      ["sort", "sb:l", "by", "sb:w_*", "desc", "get", "#", "get", "sb:n_*", "get", "sb:h_*->g"],
      ["sort", "sb:l", "by", "sb:h_*->f"],
      ["sort", "sb:l", "by", "sb:h_*->f", "limit", "1", "2", "get", "sb:h_*->f"],
      ["sort", "sb:l", "by", "sb:n_*", "alpha"],
      ["sort", "sb:l", "by", "sb:n_*", "alpha", "desc"],
      ["sort", "sb:l", "by", "sb:n_*"],
      ["sort", "sb:l", "get", "sb:w_*", "get", "#", "get", "nostar"],
      ["sort", "sb:l", "by", "sb:h_*->"],
      ["set", "sb:dst", "old", "EX", "100"],
      ["sort", "sb:l", "by", "sb:w_*", "get", "sb:n_*", "store", "sb:dst"],
      ["lrange", "sb:dst", "0", "-1"],
      ["ttl", "sb:dst"],
      ["type", "sb:dst"],
      ["sort", "sb:none", "store", "sb:dst"],
      ["exists", "sb:dst"],
      ["sadd", "sb:set", "c", "a", "b"],
      ["sort", "sb:set", "by", "nosort", "store", "sb:dst"],
      ["lrange", "sb:dst", "0", "-1"],
    ]);
  });

  it("errors in Redis's order", async () => {
    await same([
      ["del", "se:l", "se:h"],
      ["rpush", "se:l", "1", "x", "2"],
      ["hset", "se:h", "f", "v"],
      ["sort", "se:l"],
      ["sort", "se:l", "alpha"],
      ["sort", "se:h"],
      ["sort", "se:h", "foo"],
      ["sort", "se:l", "limit", "1"],
      ["sort", "se:l", "limit", "a", "1"],
      ["sort", "se:l", "limit", "0", "b"],
      ["sort", "se:l", "by"],
      ["sort", "se:l", "get"],
      ["sort", "se:l", "store"],
      ["sort_ro", "se:l", "store", "d"],
      ["sort", "se:l", "store", "se:d", "by", "nosort"],
      ["lrange", "se:d", "0", "-1"],
      ["rpush", "se:n", "1", "nan", "1e400", "1e-400"],
      ["sort", "se:n"],
      ["sort"],
    ]);
  });

  it("random lists, weights and options: the same replies as Redis", async () => {
    const word = fc.constantFrom("a", "b", "10", "2", "-3", "1.5", "x1", "", "07");
    const options = fc.record({
      desc: fc.boolean(),
      alpha: fc.boolean(),
      limit: fc.option(fc.tuple(fc.integer({ min: -2, max: 50 }), fc.integer({ min: -2, max: 50 })), { nil: undefined }),
      by: fc.constantFrom(undefined, "sr:w_*", "sr:h_*->f", "nosort"),
      get: fc.constantFrom(undefined, "#", "sr:w_*"),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 60 }), fc.array(fc.constantFrom("1", "2", "3", "9", "-1"), { minLength: 9, maxLength: 9 }), options, async (list, weights, o) => {
        const args: Array<string | number> = ["sort", "sr:l"];
        if (o.by) args.push("by", o.by);
        if (o.limit) args.push("limit", ...o.limit);
        if (o.get) args.push("get", o.get);
        if (o.desc) args.push("desc");
        if (o.alpha) args.push("alpha");
        const out = {} as Record<Side, unknown>;
        for (const side of SIDES) {
          const c = sides[side];
          await c.del("sr:l");
          if (list.length > 0) await c.rpush("sr:l", ...list);
          const words = ["a", "b", "10", "2", "-3", "1.5", "x1", "", "07"];
          for (let i = 0; i < words.length; i++) {
            await c.set(`sr:w_${words[i]!}`, weights[i]!);
            await c.hset(`sr:h_${words[i]!}`, "f", weights[(i + 3) % 9]!);
          }
          await clearErrno(side);
          out[side] = await reply(c, ...args);
        }
        expect(out.memory).toEqual(out.redis);
      }),
      { numRuns: 120 },
    );
  });
});
