import { describe, expect, it } from "vitest";
import { codecs } from "../../src/codec";
import { CodecError, CrossSlotError, TransactionError, ValidationError } from "../../src/errors";
import { RSet } from "../../src/containers/set";
import { describeBackends } from "../support/backends";
import { rejectsNaming } from "../support/validation";

/** The raw members of a key, sorted (SMEMBERS order is arbitrary). */
async function rawMembers(raw: { call(...args: string[]): Promise<unknown> }, key: string): Promise<string[]> {
  return ((await raw.call("smembers", key)) as string[]).sort();
}

function sorted<T>(values: Iterable<T>): T[] {
  return [...values].sort();
}

describeBackends("RSet", (ctx) => {
  it("add/has/size and the raw wire format (SADD, SISMEMBER, SCARD)", async () => {
    const { db, raw, prefix } = ctx();
    const s = db.set("s:basic");
    expect(s).toBeInstanceOf(RSet);
    expect(s.key).toBe(`${prefix}:s:basic`);
    expect(await s.add("a", "b", "a")).toBe(2);
    expect(await s.add("b", "c")).toBe(1);
    expect(await s.has("a")).toBe(true);
    expect(await s.has("zz")).toBe(false);
    expect(await s.size()).toBe(3);
    expect(await rawMembers(raw, s.key)).toEqual(["a", "b", "c"]);
    expect(await raw.call("type", s.key)).toBe("set");
  });

  it("delete removes members and needs at least one (SREM)", async () => {
    const { db, raw } = ctx();
    const s = db.set("s:del");
    await s.add("a", "b", "c");
    expect(await s.delete("a", "b", "zz")).toBe(2);
    expect(await rawMembers(raw, s.key)).toEqual(["c"]);
    await rejectsNaming(s.delete(), "members");
    expect(await rawMembers(raw, s.key)).toEqual(["c"]);
  });

  it("hasMany answers every member in one command (SMISMEMBER)", async () => {
    const { db, raw } = ctx();
    const s = db.set<number>("s:mis", { codec: codecs.integer });
    await raw.call("sadd", s.key, "1", "3");
    expect(await s.hasMany([1, 2, 3])).toEqual([true, false, true]);
    expect(await s.hasMany([])).toEqual([]);
    await rejectsNaming(s.hasMany(5 as unknown as number[]), "members");
  });

  it("members returns a JS Set (SMEMBERS)", async () => {
    const { db, raw } = ctx();
    const s = db.set<number>("s:members", { codec: codecs.number });
    expect(await s.members()).toEqual(new Set());
    await s.add(1.5, -2, Infinity);
    expect(sorted(await rawMembers(raw, s.key))).toEqual(["-2", "1.5", "Infinity"]);
    const members = await s.members();
    expect(members).toBeInstanceOf(Set);
    expect(members).toEqual(new Set([1.5, -2, Infinity]));
  });

  it("pop removes one or count random members (SPOP)", async () => {
    const { db, raw } = ctx();
    const s = db.set("s:pop");
    expect(await s.pop()).toBeUndefined();
    expect(await s.pop(3)).toEqual([]);
    await s.add("a", "b", "c", "d");
    const one = await s.pop();
    expect(["a", "b", "c", "d"]).toContain(one);
    const two = await s.pop(2);
    expect(two).toHaveLength(2);
    const left = await rawMembers(raw, s.key);
    expect(left).toHaveLength(1);
    expect(sorted([one!, ...two, ...left])).toEqual(["a", "b", "c", "d"]);
    expect(await s.pop(0)).toEqual([]);
    expect(await s.pop(10)).toEqual(left);
    expect(await raw.call("exists", s.key)).toBe(0);
    await rejectsNaming(s.pop(-1), "count");
    await rejectsNaming(s.pop(1.5), "count");
  });

  it("random reads members without removing them (SRANDMEMBER)", async () => {
    const { db, raw } = ctx();
    const s = db.set("s:rand");
    expect(await s.random()).toBeUndefined();
    expect(await s.random(2)).toEqual([]);
    await s.add("a", "b", "c");
    expect(["a", "b", "c"]).toContain(await s.random());
    const distinct = await s.random(10);
    expect(sorted(distinct)).toEqual(["a", "b", "c"]);
    const repeated = await s.random(10, { distinct: false });
    expect(repeated).toHaveLength(10);
    for (const m of repeated) expect(["a", "b", "c"]).toContain(m);
    expect(await s.random(0, { distinct: false })).toEqual([]);
    expect(await rawMembers(raw, s.key)).toEqual(["a", "b", "c"]);
    await rejectsNaming(s.random(Number.NaN), "count");
  });

  it("union, intersection and difference return JS Sets (SUNION, SINTER, SDIFF)", async () => {
    const { db, raw, prefix } = ctx();
    const a = db.set("{alg}:a");
    const b = db.set("{alg}:b");
    await raw.call("sadd", a.key, "1", "2", "3");
    await raw.call("sadd", b.key, "2", "3", "4");
    await raw.call("sadd", `${prefix}:{alg}:c`, "3", "9");
    expect(sorted(await a.union(b))).toEqual(["1", "2", "3", "4"]);
    expect(sorted(await a.union(b, "{alg}:c"))).toEqual(["1", "2", "3", "4", "9"]);
    expect(sorted(await a.intersection(b))).toEqual(["2", "3"]);
    expect(sorted(await a.intersection(b, "{alg}:c"))).toEqual(["3"]);
    expect(sorted(await a.difference(b))).toEqual(["1"]);
    expect(sorted(await a.difference("{alg}:c"))).toEqual(["1", "2"]);
    expect(await a.union()).toEqual(new Set(["1", "2", "3"]));
    expect(await a.intersection("{alg}:missing")).toEqual(new Set());
    await rejectsNaming(a.union(b, 7 as unknown as string), "others[1]");
    await rejectsNaming(a.union(""), "others[0]");
  });

  it("*Store variants write the destination and return it (SUNIONSTORE, SINTERSTORE, SDIFFSTORE)", async () => {
    const { db, raw, prefix } = ctx();
    const a = db.set<number>("{st}:a", { codec: codecs.integer });
    const b = db.set<number>("{st}:b", { codec: codecs.integer });
    await a.add(1, 2, 3);
    await b.add(3, 4);
    const u = await a.unionStore("{st}:u", b);
    expect(u).toBeInstanceOf(RSet);
    expect(u.key).toBe(`${prefix}:{st}:u`);
    expect(u.codec).toBe(codecs.integer);
    expect(await rawMembers(raw, u.key)).toEqual(["1", "2", "3", "4"]);
    expect(await u.members()).toEqual(new Set([1, 2, 3, 4]));
    const dest = db.set<number>("{st}:i", { codec: codecs.integer });
    expect(await a.intersectionStore(dest, b)).toBe(dest);
    expect(await rawMembers(raw, dest.key)).toEqual(["3"]);
    const d = await a.differenceStore("{st}:d", b);
    expect(await rawMembers(raw, d.key)).toEqual(["1", "2"]);
    // The destination is replaced, and deleted when the result is empty.
    await a.intersectionStore(d, "{st}:none");
    expect(await raw.call("exists", d.key)).toBe(0);
    await rejectsNaming(a.unionStore(undefined as unknown as string, b), "destination");
  });

  it("move transfers a member atomically (SMOVE)", async () => {
    const { db, raw } = ctx();
    const from = db.set("{mv}:from");
    const to = db.set("{mv}:to");
    await from.add("x", "y");
    expect(await from.move("x", to)).toBe(true);
    expect(await from.move("x", "{mv}:to")).toBe(false);
    expect(await from.move("y", "{mv}:to")).toBe(true);
    expect(await raw.call("exists", from.key)).toBe(0);
    expect(await rawMembers(raw, to.key)).toEqual(["x", "y"]);
    await rejectsNaming(from.move("x", {} as unknown as string), "destination");
  });

  it("multi-key commands across slots: CrossSlotError on Cluster naming the keys, plain success on standalone", async () => {
    const { db, backend, prefix } = ctx();
    const a = db.set("slot:a");
    await a.add("1");
    await db.set("slot:b").add("2");
    const attempt = a.union("slot:b");
    if (backend.name === "cluster") {
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CrossSlotError);
      expect((error as CrossSlotError).message).toContain(`${prefix}:slot:b`);
      await expect(a.move("1", "slot:b")).rejects.toBeInstanceOf(CrossSlotError);
      await expect(a.unionStore("slot:c")).rejects.toBeInstanceOf(CrossSlotError);
    } else {
      expect(sorted(await attempt)).toEqual(["1", "2"]);
    }
  });

  it("iterates past one SSCAN page (1,500 members) with for await and values({ match, count })", async () => {
    const { db } = ctx();
    const s = db.set("s:scan");
    const all = Array.from({ length: 1500 }, (_, i) => `m${i}`);
    expect(await s.add(...all)).toBe(1500);
    const seen = new Set<string>();
    let yielded = 0;
    for await (const m of s) {
      seen.add(m);
      yielded++;
    }
    expect(yielded).toBeGreaterThanOrEqual(1500);
    expect(seen).toEqual(new Set(all));
    const matched = new Set<string>();
    for await (const m of s.values({ match: "m14??", count: 200 })) matched.add(m);
    expect(matched.size).toBe(100);
    await expect(s.values({ count: 0 }).next()).rejects.toBeInstanceOf(ValidationError);
  });

  it("binary members round-trip through the buffer codec", async () => {
    const { db, raw } = ctx();
    const s = db.set<Buffer>("s:bin", { codec: codecs.buffer });
    const bytes = Buffer.from([0, 255, 128, 0xc3, 0x28]);
    await s.add(bytes, Buffer.from("plain"));
    expect(await s.has(bytes)).toBe(true);
    expect(await raw.callBuffer("sismember", s.key, bytes)).toBe(1);
    const members = [...(await s.members())].map((b) => b.toString("hex")).sort();
    expect(members).toEqual([bytes.toString("hex"), Buffer.from("plain").toString("hex")].sort());
    const iterated: string[] = [];
    for await (const b of s) iterated.push(b.toString("hex"));
    expect(iterated.sort()).toEqual(members);
    expect((await s.pop(5)).map((b) => b.toString("hex")).sort()).toEqual(members);
  });

  it("a value the codec rejects is a CodecError and nothing is sent; garbage in Redis is a CodecError", async () => {
    const { db, raw } = ctx();
    const s = db.set<number>("s:codec", { codec: codecs.integer });
    await expect(s.add(1, 1.5)).rejects.toBeInstanceOf(CodecError);
    expect(await raw.call("exists", s.key)).toBe(0);
    await expect(s.has(Number.NaN)).rejects.toBeInstanceOf(CodecError);
    await raw.call("sadd", s.key, "not a number");
    await expect(s.members()).rejects.toBeInstanceOf(CodecError);
    await expect(s.random()).rejects.toBeInstanceOf(CodecError);
  });

  it("key-level methods: exists, expire, ttl, clear", async () => {
    const { db, raw } = ctx();
    const s = db.set("s:key");
    expect(await s.exists()).toBe(false);
    await s.add("a");
    expect(await s.exists()).toBe(true);
    expect(await s.expire(30)).toBe(true);
    expect(Number(await raw.call("pttl", s.key))).toBeGreaterThan(29000);
    expect(await s.ttl()).toBeGreaterThan(29);
    expect(await s.clear()).toBe(true);
    expect(await raw.call("exists", s.key)).toBe(0);
  });

  it("joins a transaction: every call in one MULTI, results after EXEC", async () => {
    const { db, raw, prefix } = ctx();
    const out = await db.transaction((tx) => {
      const a = tx.set("{stx}:a");
      const b = tx.set("{stx}:b");
      return [a.add("1", "2"), b.add("2", "3"), a.intersection(b), a.move("1", b), a.unionStore("{stx}:u", b), a.members(), a.has("2"), a.size()];
    });
    const [added, addedB, inter, moved, union, members, has, size] = out;
    expect([added, addedB, moved, has, size]).toEqual([2, 2, true, true, 1]);
    expect(inter).toEqual(new Set(["2"]));
    expect(members).toEqual(new Set(["2"]));
    expect(union).toBeInstanceOf(RSet);
    expect(await rawMembers(raw, `${prefix}:{stx}:u`)).toEqual(["1", "2", "3"]);
    expect(await rawMembers(raw, `${prefix}:{stx}:b`)).toEqual(["1", "2", "3"]);
  });

  it("bad input inside a transaction poisons it: nothing is sent", async () => {
    const { db, raw, prefix } = ctx();
    await expect(
      db.transaction((tx) => {
        void tx.set("{stx}:poison").add("a");
        void tx.set("{stx}:poison").add();
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      db.transaction((tx) => {
        void tx.set("{stx}:poison").add("a");
        void tx.set<number>("{stx}:poison", { codec: codecs.integer }).add(0.5);
      }),
    ).rejects.toBeInstanceOf(CodecError);
    expect(await raw.call("exists", `${prefix}:{stx}:poison`)).toBe(0);
  });

  it("iteration inside a transaction is refused", async () => {
    const { db } = ctx();
    await expect(
      db.transaction(async (tx) => {
        for await (const _ of tx.set("{stx}:it")) void _;
      }),
    ).rejects.toBeInstanceOf(TransactionError);
  });

  it("pipeline resolves an object of promises", async () => {
    const { db } = ctx();
    const out = await db.pipeline((p) => ({ n: p.set("{sp}:s").add("x"), has: p.set("{sp}:s").has("x"), all: p.set("{sp}:s").members() }));
    expect(out).toEqual({ n: 1, has: true, all: new Set(["x"]) });
  });
});

describe("RSet without a backend", () => {
  it("validates before sending", async () => {
    const { Database } = await import("../../src/database");
    const db = new Database("redis://127.0.0.1:1", { connectTimeout: 200 });
    const s = db.set("s");
    await rejectsNaming(s.add(), "members");
    await rejectsNaming(s.random(-1), "count");
    await expect(s.add(5 as unknown as string)).rejects.toBeInstanceOf(CodecError);
    await db.close();
  });
});
