import { expect, it } from "vitest";
import { ValidationError } from "../../src/errors";
import { describeBackends } from "../support/backends";

describeBackends("RBitmap and RBitField", (ctx) => {
  it("setBit/getBit address bits MSB-first and pin the wire format", async () => {
    const { db, raw } = ctx();
    const b = db.bitmap("bm:bits");
    expect(await b.setBit(1, 1)).toBe(0);
    expect(await b.setBit(1, true)).toBe(1);
    expect(await b.setBit(14, 1)).toBe(0);
    expect(b.key).toBe(`${ctx().prefix}:bm:bits`);
    expect(await raw.callBuffer("get", b.key)).toEqual(Buffer.from([0b0100_0000, 0b0000_0010]));
    expect(await b.getBit(1)).toBe(1);
    expect(await b.getBit(2)).toBe(0);
    expect(await b.getBit(10_000)).toBe(0);
    expect(await b.toBuffer()).toEqual(Buffer.from([0x40, 0x02]));
    await expect(b.setBit(-1, 1)).rejects.toBeInstanceOf(ValidationError);
    await expect(b.setBit(2 ** 32, 1)).rejects.toBeInstanceOf(ValidationError);
    await expect(b.setBit(0, 2 as 1)).rejects.toBeInstanceOf(ValidationError);
  });

  it("count and position take slice-style ranges in bytes or bits", async () => {
    const { db, raw } = ctx();
    const b = db.bitmap("bm:count");
    await raw.callBuffer("set", b.key, Buffer.from([0xff, 0xf0, 0x00]));
    expect(await b.count()).toBe(12);
    expect(await b.count({ start: 1 })).toBe(4);
    expect(await b.count({ start: 0, end: 1 })).toBe(8);
    expect(await b.count({ start: -2 })).toBe(4);
    expect(await b.count({ start: 4, end: 12, unit: "bit" })).toBe(8);
    expect(await b.count({ start: 0, end: 0 })).toBe(0);
    expect(await b.position(0)).toBe(12);
    expect(await b.position(1, { start: 1 })).toBe(8);
    expect(await b.position(1, { start: 2 })).toBe(-1);
    expect(await b.position(0, { start: 0, end: 1 })).toBe(-1);
    expect(await b.position(1, { start: 9, unit: "bit" })).toBe(9);
    expect(await db.bitmap("bm:none").position(0)).toBe(0);
    expect(await db.bitmap("bm:none").count()).toBe(0);
  });

  it("store computes AND/OR/XOR/NOT into the key", async () => {
    const { db, raw } = ctx();
    const [a, b, out] = ["{bm}a", "{bm}b", "{bm}out"].map((n) => db.bitmap(n));
    await raw.callBuffer("set", a!.key, Buffer.from([0b1100, 0xff]));
    await raw.callBuffer("set", b!.key, Buffer.from([0b1010]));
    expect(await out!.store("and", a!, b!)).toBe(2);
    expect(await raw.callBuffer("get", out!.key)).toEqual(Buffer.from([0b1000, 0]));
    expect(await out!.store("or", a!, "{bm}b")).toBe(2);
    expect(await out!.toBuffer()).toEqual(Buffer.from([0b1110, 0xff]));
    expect(await out!.store("xor", a!, b!)).toBe(2);
    expect(await out!.toBuffer()).toEqual(Buffer.from([0b0110, 0xff]));
    expect(await out!.store("not", b!)).toBe(1);
    expect(await out!.toBuffer()).toEqual(Buffer.from([0xf5]));
    expect(await out!.store("and", "{bm}missing")).toBe(0);
    expect(await raw.call("exists", out!.key)).toBe(0);
    await expect(out!.store("not", a!, b!)).rejects.toBeInstanceOf(ValidationError);
    await expect(out!.store("nand" as "and", a!)).rejects.toBeInstanceOf(ValidationError);
  });

  it("bitField get/set/incrBy with every overflow mode", async () => {
    const { db, raw } = ctx();
    const f = db.bitField("bm:field");
    expect(await f.set("u8", 0, 200)).toBe(0);
    expect(await raw.callBuffer("get", f.key)).toEqual(Buffer.from([200]));
    expect(await f.get("u8", 0)).toBe(200);
    expect(await f.incrBy("u8", 0, 100)).toBe(44);
    expect(await f.incrBy("u8", 0, 250, { overflow: "sat" })).toBe(255);
    expect(await f.incrBy("u8", 0, 1, { overflow: "fail" })).toBeNull();
    expect(await f.get("u8", 0)).toBe(255);
    expect(await f.set("i8", "#1", -128)).toBe(0);
    expect(await f.incrBy("i8", "#1", -1, { overflow: "sat" })).toBe(-128);
    expect(await f.incrBy("i8", "#1", -1)).toBe(127);
    expect(await f.get("i5", 3)).toBe(-1);
    expect(await f.set("i64", 64, -1n)).toBe(0);
    expect(await f.get("i64", 64)).toBe(-1);
    const results = await f.exec(f.batch().get("u4", 0).overflow("fail").incrBy("u4", 0, 1).overflow("wrap").incrBy("u4", 0, 1).set("u1", 200, 1));
    expect(results).toEqual([15, null, 0, 0]);
    expect(await f.exec(f.batch().get("u1", 200).get("u16", 0))).toEqual([1, 0x0f7f]);
    expect(await db.bitField("bm:none").get("u8", 7)).toBe(0);
    await expect(f.get("u64" as "u8", 0)).rejects.toBeInstanceOf(ValidationError);
    await expect(f.get("u8", -1)).rejects.toBeInstanceOf(ValidationError);
    await expect(f.incrBy("u8", 0, 1, { overflow: "clamp" as "sat" })).rejects.toBeInstanceOf(ValidationError);
    expect(db.bitmap("bm:field").fields().key).toBe(f.key);
  });
});
