import { expect, it } from "vitest";
import { codecs } from "../../src/codec";
import { TransactionError, ValidationError } from "../../src/errors";
import { describeBackends } from "../support/backends";

describeBackends("RStream", (ctx) => {
  it("add appends entries with generated or explicit IDs and pins the wire format", async () => {
    const { db, raw } = ctx();
    const s = db.stream("st:add");
    const id = await s.add({ name: "ann", age: "31" });
    expect(id).toMatch(/^\d+-\d+$/);
    expect(s.key).toBe(`${ctx().prefix}:st:add`);
    expect(await raw.call("xrange", s.key, "-", "+")).toEqual([[id, ["name", "ann", "age", "31"]]]);
    const ms = Number(id!.split("-")[0]) + 1000;
    expect(await s.add(new Map([["a", "1"]]), { id: `${ms}-5` })).toBe(`${ms}-5`);
    expect(await s.add([["a", "2"], ["a", "3"]], { id: `${ms}-*` })).toBe(`${ms}-6`);
    expect(await raw.call("xlen", s.key)).toBe(3);
    await expect(s.add({ a: "x" }, { id: `${ms}-1` })).rejects.toThrow(/equal or smaller/);
    await expect(s.add({})).rejects.toBeInstanceOf(ValidationError);
    await expect(s.add({ a: "x" }, { id: "12-x" })).rejects.toBeInstanceOf(ValidationError);
    expect(await db.stream("st:none").add({ a: "1" }, { noMkStream: true })).toBeUndefined();
    expect(await raw.call("exists", db.stream("st:none").key)).toBe(0);
  });

  it("range and revRange with bounds, exclusivity and count; fields through the codec", async () => {
    const { db, raw } = ctx();
    const s = db.stream("st:range", { codec: codecs.json<{ n: number }>() });
    for (let i = 1; i <= 5; i++) await s.add({ v: { n: i } }, { id: `${i}-0` });
    expect(await raw.call("xrange", s.key, "2", "2")).toEqual([["2-0", ["v", '{"n":2}']]]);
    expect((await s.range()).map((e) => e.fields.v!.n)).toEqual([1, 2, 3, 4, 5]);
    expect((await s.range("2-0", "4-0")).map((e) => e.id)).toEqual(["2-0", "3-0", "4-0"]);
    expect((await s.range("2-0", "4-0", { startExclusive: true, endExclusive: true })).map((e) => e.id)).toEqual(["3-0"]);
    expect((await s.range("-", "+", { count: 2 })).map((e) => e.id)).toEqual(["1-0", "2-0"]);
    expect((await s.revRange()).map((e) => e.id)).toEqual(["5-0", "4-0", "3-0", "2-0", "1-0"]);
    expect((await s.revRange("+", "-", { count: 1 }))[0]).toEqual({ id: "5-0", fields: { v: { n: 5 } } });
    await expect(s.range("-", "+", { startExclusive: true })).rejects.toBeInstanceOf(ValidationError);
    const all: string[] = [];
    for await (const e of s.entries(2)) all.push(e.id);
    expect(all).toEqual(["1-0", "2-0", "3-0", "4-0", "5-0"]);
  });

  it("trim, delete, size and info", async () => {
    const { db, raw } = ctx();
    const s = db.stream("st:trim");
    for (let i = 1; i <= 10; i++) await s.add({ i: String(i) }, { id: `${i}-1` });
    expect(await s.delete("3-1", "99-1")).toBe(1);
    expect(await s.size()).toBe(9);
    expect(await s.trim({ maxLen: 5 })).toBe(4);
    expect(await raw.call("xlen", s.key)).toBe(5);
    expect(await s.trim({ minId: "8-0" })).toBe(2);
    expect((await s.range()).map((e) => e.id)).toEqual(["8-1", "9-1", "10-1"]);
    // ~ trims whole macro nodes only: 3 entries in one node stay.
    expect(await s.trim({ maxLen: 1, approximate: true })).toBe(0);
    await s.add({ i: "11" }, { id: "11-1", maxLen: 2 });
    const info = await s.info();
    expect(info).toMatchObject({ length: 2, lastGeneratedId: "11-1", maxDeletedEntryId: "3-1", entriesAdded: 11, recordedFirstEntryId: "10-1", groups: 0, radixTreeKeys: 1 });
    expect(info.firstEntry).toEqual({ id: "10-1", fields: { i: "10" } });
    expect(info.lastEntry).toEqual({ id: "11-1", fields: { i: "11" } });
    await expect(s.trim({})).rejects.toBeInstanceOf(ValidationError);
    await expect(s.trim({ maxLen: 1, limit: 5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(db.stream("st:missing").info()).rejects.toThrow(/no such key/);
  });

  it("read returns entries after an ID; a blocking read is woken by an add", async () => {
    const { db } = ctx();
    const s = db.stream("st:read");
    await s.add({ a: "1" }, { id: "1-0" });
    await s.add({ a: "2" }, { id: "2-0" });
    expect((await s.read()).map((e) => e.id)).toEqual(["1-0", "2-0"]);
    expect((await s.read({ after: "1-0" })).map((e) => e.id)).toEqual(["2-0"]);
    expect(await s.read({ after: "2-0" })).toEqual([]);
    // An explicit ID, not "$": the dedicated connection may connect after the add below.
    const pending = s.read({ after: "2-0", block: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    await s.add({ a: "3" }, { id: "3-0" });
    expect(await pending).toEqual([{ id: "3-0", fields: { a: "3" } }]);
    const started = Date.now();
    expect(await s.read({ after: "$", block: 100 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it("tail follows new entries from the current end", async () => {
    const { db } = ctx();
    const s = db.stream("st:tail");
    await s.add({ old: "1" });
    const controller = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of s.tail({ block: 100, signal: controller.signal })) {
        seen.push(e.fields.n!);
        if (seen.length === 3) controller.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    for (const n of ["a", "b", "c"]) await s.add({ n });
    await done;
    expect(seen).toEqual(["a", "b", "c"]);
  });

  it("joins transactions; blocking reads refuse them", async () => {
    const { db, raw } = ctx();
    const s = db.stream("{st:tx}a");
    const [id, size] = await db.transaction((tx) => [tx.stream("{st:tx}a").add({ f: "v" }, { id: "5-0" }), tx.stream("{st:tx}a").size()]);
    expect([id, size]).toEqual(["5-0", 1]);
    expect(await raw.call("xlen", s.key)).toBe(1);
    await expect(db.transaction((tx) => [tx.stream("{st:tx}a").read({ block: 10 })])).rejects.toBeInstanceOf(TransactionError);
  });
});
