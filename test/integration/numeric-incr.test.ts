/**
 * Issue 9, defect 7: an increment never fails because of what an earlier increment (or a
 * write) left in the field. The command follows the container's type, never the value of `by`:
 * - RHash with codecs.integer: HINCRBY; `by` must be an integer; a stored non-integer is a CodecError.
 * - RHash with codecs.number: HINCRBYFLOAT for every `by` (1.5 then +1 works).
 * - RHash with any other codec: ValidationError (the result could not be read back through it).
 * - RZSet.incr: ZINCRBY (scores are doubles): any mix works.
 * - cache.incr: INCRBYFLOAT for every `by`; set() stores every finite number as decimal text.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { codecs } from "../../src/codec";
import { CodecError, ValidationError } from "../../src/errors";
import { describeBackends } from "../support/backends";
import { rejectsNaming } from "../support/validation";

/** Increments: small integers and fractions that are exact in binary (so the sums are exact too). */
const step = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -4000, max: 4000 }).map((n) => n / 4));

describeBackends("incr after a fraction (numbers keep incrementing whatever they hold)", (ctx) => {
  let serial = 0;
  const name = (base: string) => `${base}:${++serial}`;

  it("RHash<number> (codecs.number): any sequence of integer and fractional steps, HINCRBYFLOAT every time", async () => {
    const { db, raw } = ctx();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const h = db.hash<number>(name("hf"), { codec: codecs.number });
        let expected = 0;
        for (const by of steps) {
          expected += by;
          expect(await h.incr("n", by)).toBe(expected);
        }
        expect(await h.get("n")).toBe(expected);
        expect(Number(await raw.call("hget", h.key, "n"))).toBe(expected);
      }),
      { numRuns: 25 },
    );
    const h = db.hash<number>(name("hf"), { codec: codecs.number });
    expect(await h.incr("n", 0.5)).toBe(0.5);
    expect(await h.incr("n", 1)).toBe(1.5); // HINCRBY on "0.5" used to fail here
    expect(await h.incr("n")).toBe(2.5);
    await h.set("m", 1.5);
    expect(await h.incr("m", 1)).toBe(2.5);
    await raw.call("hset", h.key, "junk", "abc");
    await expect(h.incr("junk", 1)).rejects.toBeInstanceOf(CodecError);
    expect(await raw.call("hget", h.key, "junk")).toBe("abc");
    await rejectsNaming(h.incr("n", Number.NaN), "by");
    await rejectsNaming(h.incr("n", Infinity), "by");
  });

  it("RHash<number> (codecs.integer): HINCRBY, integer steps only; a stored fraction is a CodecError and stays", async () => {
    const { db, raw } = ctx();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 8 }), async (steps) => {
        const h = db.hash<number>(name("hi"), { codec: codecs.integer });
        let expected = 0;
        for (const by of steps) expect(await h.incr("n", by)).toBe((expected += by));
        expect(await raw.call("hget", h.key, "n")).toBe(String(expected));
      }),
      { numRuns: 25 },
    );
    const h = db.hash<number>(name("hi"), { codec: codecs.integer });
    await rejectsNaming(h.incr("n", 0.5), "by");
    expect(await h.exists()).toBe(false); // nothing sent
    await raw.call("hset", h.key, "n", "1.5");
    const error = await h.incr("n", 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).message).toMatch(/"n".*not hold an integer/);
    expect(await raw.call("hget", h.key, "n")).toBe("1.5");
  });

  it("RHash with any other codec refuses incr with a ValidationError naming the codec, before sending", async () => {
    const { db } = ctx();
    for (const codec of [codecs.string, codecs.json<number>(), codecs.bigint, codecs.typed<number>()]) {
      const h = db.hash<unknown>(name("ho"), { codec: codec as never });
      await rejectsNaming(h.incr("n", 1), "codec");
      await rejectsNaming(h.incr("n", 0.5), "codec");
      expect(await h.exists()).toBe(false);
    }
    // Inside a transaction the refusal aborts it: nothing is written.
    const key = name("{tx}ho");
    await expect(db.transaction((tx) => [tx.hash(`${key}a`).set("a", "1"), tx.hash(`${key}b`).incr("n")])).rejects.toBeInstanceOf(ValidationError);
    expect(await db.hash(`${key}a`).exists()).toBe(false);
  });

  it("RZSet.incr mixes integer and fractional steps (ZINCRBY on doubles)", async () => {
    const { db } = ctx();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const z = db.zset(name("z"));
        let expected = 0;
        for (const by of steps) expect(await z.incr("m", by)).toBe((expected += by));
        expect(await z.score("m")).toBe(expected);
      }),
      { numRuns: 25 },
    );
  });

  it("cache.incr mixes integer and fractional steps, also on a number stored by set()", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "incr" });
    await fc.assert(
      fc.asyncProperty(fc.option(step, { nil: undefined }), fc.array(step, { minLength: 1, maxLength: 8 }), async (initial, steps) => {
        const key = name("k");
        let expected = 0;
        if (initial !== undefined) {
          await cache.set(key, initial);
          expected = initial;
        }
        for (const by of steps) expect(await cache.incr(key, by)).toBe((expected += by));
        expect(await cache.get(key)).toBe(expected);
      }),
      { numRuns: 25 },
    );
    expect(await cache.incr("c", 0.5)).toBe(0.5);
    expect(await cache.incr("c", 1)).toBe(1.5); // INCRBY on "0.5" used to fail here
    await cache.set("s", 1.5);
    expect(await cache.incr("s")).toBe(2.5); // a fraction set() used to be an envelope INCRBY could not read
    expect(await cache.incr("i", 2)).toBe(2);
    expect(await cache.incr("i", 40)).toBe(42);
    expect(await raw.call("get", cache.redisKey("i"))).toBe("42"); // integer steps keep integer text
    await cache.set("obj", { a: 1 });
    await expect(cache.incr("obj")).rejects.toBeInstanceOf(CodecError);
    expect(await cache.get("obj")).toEqual({ a: 1 });
  });
});
