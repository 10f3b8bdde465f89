import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { codecs } from "../../src/codec";
import { IndexOutOfRangeError, TransactionError, ValidationError } from "../../src/errors";
import { describeBackends } from "../support/backends";

describeBackends("RList", (ctx) => {
  it("push appends in order in one command and pins the wire format", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:push");
    expect(await l.push("a")).toBe(1);
    expect(await l.push("b", "c", "d")).toBe(4);
    expect(l.key).toBe(`${ctx().prefix}:l:push`);
    expect(await raw.call("lrange", l.key, 0, -1)).toEqual(["a", "b", "c", "d"]);
    await expect(l.push()).rejects.toBeInstanceOf(ValidationError);
  });

  it("unshift(a, b, c) leaves [a, b, c, ...old] like an array", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:unshift");
    await l.push("x", "y");
    expect(await l.unshift("a", "b", "c")).toBe(5);
    expect(await raw.call("lrange", l.key, 0, -1)).toEqual(["a", "b", "c", "x", "y"]);
    const arr = ["x", "y"];
    arr.unshift("a", "b", "c");
    expect(await l.toArray()).toEqual(arr);
    await expect(l.unshift()).rejects.toBeInstanceOf(ValidationError);
  });

  it("pop and shift take from the ends; undefined when empty", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:pop");
    await l.push("a", "b", "c");
    expect(await l.pop()).toBe("c");
    expect(await l.shift()).toBe("a");
    expect(await raw.call("lrange", l.key, 0, -1)).toEqual(["b"]);
    expect(await l.pop()).toBe("b");
    expect(await l.pop()).toBeUndefined();
    expect(await l.shift()).toBeUndefined();
    expect(await raw.call("exists", l.key)).toBe(0);
  });

  it("at follows Array.prototype.at (negative, out of range)", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:at");
    const arr = ["a", "b", "c"];
    await l.push(...arr);
    for (const i of [0, 1, 2, 3, 100, -1, -3, -4, -100]) expect(await l.at(i)).toBe(arr.at(i));
    expect(await raw.call("lindex", l.key, -1)).toBe("c");
    await expect(l.at(1.5)).rejects.toBeInstanceOf(ValidationError);
    await expect(l.at(Number.NaN)).rejects.toThrow(/index/);
  });

  it("set replaces by index like Array.prototype.with; out of range is IndexOutOfRangeError", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:set");
    await l.push("a", "b", "c");
    await l.set(0, "A");
    await l.set(-1, "C");
    expect(await raw.call("lrange", l.key, 0, -1)).toEqual(["A", "b", "C"]);
    await expect(l.set(3, "x")).rejects.toBeInstanceOf(IndexOutOfRangeError);
    await expect(l.set(-4, "x")).rejects.toMatchObject({ code: "INDEX_OUT_OF_RANGE", index: -4 });
    await expect(db.list("l:set:missing").set(0, "x")).rejects.toBeInstanceOf(IndexOutOfRangeError);
    expect(await raw.call("exists", `${ctx().prefix}:l:set:missing`)).toBe(0);
    await expect(l.set(0.5, "x")).rejects.toBeInstanceOf(ValidationError);
  });

  it("slice follows Array.prototype.slice, including the tricky cases", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:slice");
    const arr = ["a", "b", "c", "d", "e"];
    await l.push(...arr);
    const cases: Array<[number?, number?]> = [
      [], [0], [2], [-2], [-100], [100], [3, 1], [1, 3], [-100, 2], [0, -1], [-3, -1], [0, 0], [2, 2], [1, 100], [-1, -2], [0, -100], [5], [4, 5],
    ];
    for (const [s, e] of cases) expect(await l.slice(s, e), `slice(${s}, ${e})`).toEqual(arr.slice(s, e));
    expect(await raw.call("lrange", l.key, -2, -1)).toEqual(["d", "e"]);
    await expect(l.slice(0.5)).rejects.toBeInstanceOf(ValidationError);
    await expect(l.slice(0, Infinity)).rejects.toBeInstanceOf(ValidationError);
  });

  it("size, indexOf, lastIndexOf, includes", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:search");
    expect(await l.size()).toBe(0);
    // Seeded through a plain client: pins what the read methods expect on the wire.
    await raw.call("rpush", l.key, "a", "b", "a", "c");
    expect(await l.size()).toBe(4);
    expect(await raw.call("llen", l.key)).toBe(4);
    expect(await l.indexOf("a")).toBe(0);
    expect(await l.lastIndexOf("a")).toBe(2);
    expect(await l.indexOf("z")).toBe(-1);
    expect(await l.lastIndexOf("z")).toBe(-1);
    expect(await l.includes("c")).toBe(true);
    expect(await l.includes("z")).toBe(false);
  });

  it("remove(value, count) removes from the start, the end, or everywhere", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:rem");
    await l.push("x", "a", "x", "b", "x", "x");
    expect(await l.remove("x")).toBe(1);
    expect(await raw.call("lrange", l.key, 0, -1)).toEqual(["a", "x", "b", "x", "x"]);
    expect(await l.remove("x", -1)).toBe(1);
    expect(await raw.call("lrange", l.key, 0, -1)).toEqual(["a", "x", "b", "x"]);
    expect(await l.remove("x", 0)).toBe(2);
    expect(await raw.call("lrange", l.key, 0, -1)).toEqual(["a", "b"]);
    expect(await l.remove("nope", 0)).toBe(0);
    await expect(l.remove("a", 1.5)).rejects.toBeInstanceOf(ValidationError);
  });

  it("removeAt removes the element at an index (not the first equal value), atomically", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:removeAt");
    await l.push("x", "y", "x", "z");
    expect(await l.removeAt(2)).toBe("x");
    expect(await raw.call("lrange", l.key, 0, -1)).toEqual(["x", "y", "z"]);
    expect(await l.removeAt(-1)).toBe("z");
    expect(await l.removeAt(5)).toBeUndefined();
    expect(await l.removeAt(-5)).toBeUndefined();
    expect(await l.toArray()).toEqual(["x", "y"]);
    expect(await db.list("l:removeAt:none").removeAt(0)).toBeUndefined();
    await expect(l.removeAt(0.5)).rejects.toBeInstanceOf(ValidationError);
  });

  it("insertBefore / insertAfter resolve the new length, or -1 when the pivot is absent", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:insert");
    expect(await l.insertBefore("a", "x")).toBe(-1);
    await l.push("a", "c");
    expect(await l.insertAfter("a", "b")).toBe(3);
    expect(await l.insertBefore("a", "_")).toBe(4);
    expect(await l.insertAfter("zz", "q")).toBe(-1);
    expect(await raw.call("lrange", l.key, 0, -1)).toEqual(["_", "a", "b", "c"]);
  });

  it("trim keeps slice(start, end) and deletes the key when the result is empty", async () => {
    const { db, raw } = ctx();
    const arr = ["a", "b", "c", "d", "e"];
    const cases: Array<[number, number?]> = [[1], [1, 3], [-2], [0, -1], [3, 1], [0, 0], [-100, 2], [2, 100]];
    for (const [i, [s, e]] of cases.entries()) {
      const l = db.list(`l:trim:${i}`);
      await l.push(...arr);
      await l.trim(s, e);
      expect(await raw.call("lrange", l.key, 0, -1), `trim(${s}, ${e})`).toEqual(arr.slice(s, e));
      if (arr.slice(s, e).length === 0) expect(await raw.call("exists", l.key)).toBe(0);
    }
  });

  it("iterates past one page (2,500 elements) in order with for await and values({ pageSize })", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:iter");
    const arr = Array.from({ length: 2500 }, (_, i) => `v${i}`);
    await l.push(...arr);
    expect(await raw.call("llen", l.key)).toBe(2500);
    const seen: string[] = [];
    for await (const v of l) seen.push(v);
    expect(seen).toEqual(arr);
    const paged: string[] = [];
    for await (const v of l.values({ pageSize: 7 })) paged.push(v);
    expect(paged).toEqual(arr);
    const exact = db.list("l:iter:exact");
    await exact.push("a", "b", "c", "d");
    const out: string[] = [];
    for await (const v of exact.values({ pageSize: 2 })) out.push(v);
    expect(out).toEqual(["a", "b", "c", "d"]);
    for await (const _ of db.list("l:iter:none")) throw new Error(`unexpected ${_}`);
    await expect(l.values({ pageSize: 0 }).next()).rejects.toBeInstanceOf(ValidationError);
  });

  it("codecs: numbers, json and binary elements round-trip", async () => {
    const { db, raw } = ctx();
    const n = db.list<number>("l:num", { codec: codecs.number });
    await n.push(1.5, -2, Infinity);
    expect(await n.toArray()).toEqual([1.5, -2, Infinity]);
    expect(await raw.call("lindex", n.key, 0)).toBe("1.5");
    expect(await n.indexOf(-2)).toBe(1);
    const b = db.list<Buffer>("l:bin", { codec: codecs.buffer });
    const bytes = [Buffer.from([0, 255, 1]), Buffer.from([0xc3]), Buffer.from([0xff, 0xfe])];
    await b.push(...bytes);
    expect(await b.toArray()).toEqual(bytes);
    expect(await b.at(-1)).toEqual(bytes[2]);
    expect(await b.removeAt(1)).toEqual(bytes[1]);
    expect(await raw.callBuffer("lrange", b.key, 0, -1)).toEqual([bytes[0], bytes[2]]);
    expect(await b.pop()).toEqual(bytes[2]);
    expect(await b.shiftBlocking(1)).toEqual(bytes[0]);
  });

  it("joins a transaction: every call in one MULTI, results after EXEC", async () => {
    const { db, raw } = ctx();
    const out = await db.transaction((tx) => {
      const l = tx.list("{tx}:l");
      return [l.push("a", "b", "c"), l.unshift("z"), l.at(-1), l.slice(1, 3), l.set(0, "Z"), l.removeAt(1), l.size(), l.indexOf("c")];
    });
    expect(out).toEqual([3, 4, "c", ["a", "b"], undefined, "a", 3, 2]);
    expect(await raw.call("lrange", `${ctx().prefix}:{tx}:l`, 0, -1)).toEqual(["Z", "b", "c"]);
  });

  it("joins a pipeline, removeAt's script included (EVALSHA, NOSCRIPT → EVAL)", async () => {
    const { db, raw } = ctx();
    const out = await db.pipeline((p) => {
      const l = p.list("{p}:l");
      return { pushed: l.push("a", "b", "c"), removed: l.removeAt(-2), rest: l.toArray() };
    });
    expect(out).toEqual({ pushed: 3, removed: "b", rest: ["a", "c"] });
    expect(await raw.call("lrange", `${ctx().prefix}:{p}:l`, 0, -1)).toEqual(["a", "c"]);
  });

  it("a set() out of range inside a transaction fails the transaction", async () => {
    const { db } = ctx();
    await expect(db.transaction((tx) => [tx.list("{tx}:oor").set(5, "x")])).rejects.toBeInstanceOf(TransactionError);
  });

  it("iteration inside a transaction is refused", async () => {
    const { db } = ctx();
    await expect(
      db.transaction(async (tx) => {
        for await (const _ of tx.list("{tx}:l")) void _;
      }),
    ).rejects.toBeInstanceOf(TransactionError);
  });

  it("key-level methods: exists, expire, ttl, clear", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:key");
    expect(await l.exists()).toBe(false);
    await l.push("a");
    expect(await l.expire(10)).toBe(true);
    expect(Number(await raw.call("pttl", l.key))).toBeGreaterThan(9000);
    expect(await l.clear()).toBe(true);
    expect(await l.exists()).toBe(false);
  });

  it("property: slice and at match Array.prototype for random lists and indexes (real Redis)", async () => {
    const { db } = ctx();
    const l = db.list("l:prop");
    const index = fc.integer({ min: -12, max: 12 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 3 }), { maxLength: 9 }), fc.option(index, { nil: undefined }), fc.option(index, { nil: undefined }), index, async (arr, s, e, i) => {
        await l.clear();
        if (arr.length > 0) await l.push(...arr);
        expect(await l.slice(s, e)).toEqual(arr.slice(s, e));
        expect(await l.at(i)).toBe(arr.at(i));
      }),
      { numRuns: 60 },
    );
  });
});

describe("RList without a backend", () => {
  it("validates arguments before sending", async () => {
    const { Database } = await import("../../src/database");
    const db = new Database("redis://127.0.0.1:1", { connectTimeout: 200 });
    const l = db.list("l");
    await expect(l.at("1" as unknown as number)).rejects.toBeInstanceOf(ValidationError);
    await expect(l.push(5 as unknown as string)).rejects.toMatchObject({ code: "CODEC" });
    await expect(l.shiftBlocking(Number.NaN)).rejects.toBeInstanceOf(ValidationError);
    await db.close();
  });
});
