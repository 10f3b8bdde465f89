/**
 * Model scripts with integers past 2^31 (issue 9, defect 4). Redis's Lua 5.1 numbers are
 * doubles, so `string.format("%d", x)` works up to 2^53 and beyond; the embedded engine's Lua
 * (fengari, Lua 5.3 with 32-bit integers) used to fail there. Runs on every backend.
 */
import { expect, it } from "vitest";
import { Model } from "../../src/index";
import { ValidationError } from "../../src/errors";
import { describeBackends } from "../support/backends";
import { Ticket } from "../support/model-fixtures";

const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 2^53 - 1

describeBackends("models: integers past 2^31", (ctx) => {
  const setup = () => {
    Model.use(ctx().db);
    const { raw, prefix } = ctx();
    return { raw, tag: `{${prefix}:Ticket}` };
  };

  it("incr() past 3e9, up to 2^53 - 1 and down to -(2^53 - 1), indexes included", async () => {
    const { raw, tag } = setup();
    const t = await Ticket.create({ title: "big", priority: 1 });
    expect(await t.incr("priority", 3e9)).toBe(3_000_000_001);
    expect(t.priority).toBe(3_000_000_001);
    expect(await raw.call("hget", `${tag}:r:${t.id}`, "priority")).toBe("3000000001");
    expect(await raw.call("zscore", `${tag}:z:priority`, String(t.id))).toBe("3000000001");
    expect(await t.incr("priority", -(2 ** 32))).toBe(-1_294_967_295);
    expect(await t.incr("priority", 2 ** 32)).toBe(3_000_000_001);
    expect(await t.incr("priority", MAX_SAFE - 3_000_000_001)).toBe(MAX_SAFE);
    expect(await raw.call("hget", `${tag}:r:${t.id}`, "priority")).toBe(String(MAX_SAFE));
    await expect(t.incr("priority", 1)).rejects.toBeInstanceOf(ValidationError);
    expect(await t.incr("priority", -MAX_SAFE)).toBe(0);
    expect(await t.incr("priority", -MAX_SAFE)).toBe(-MAX_SAFE);
    expect((await Ticket.get(t.id)).priority).toBe(-MAX_SAFE);
    expect(await Ticket.query((q) => q.priority.lt(-(2 ** 52))).ids()).toEqual([t.id]);
    await t.delete();
  });

  it("auto-increment primary keys at and past 2^31, and an explicit key of 5e9", async () => {
    const { raw, tag } = setup();
    await raw.call("set", `${tag}:seq`, String(2 ** 31 - 2));
    const a = await Ticket.create({ title: "a" });
    const b = await Ticket.create({ title: "b" });
    const c = await Ticket.create({ title: "c" });
    expect([a.id, b.id, c.id]).toEqual([2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1]);
    expect(await raw.call("get", `${tag}:seq`)).toBe(String(2 ** 31 + 1));
    expect((await Ticket.get(2 ** 31)).title).toBe("b");
    expect(await raw.call("hget", `${tag}:r:2147483648`, "title")).toBe("b");

    const e = await Ticket.create({ id: 5_000_000_000, title: "e" });
    expect(e.id).toBe(5_000_000_000);
    expect(await raw.call("get", `${tag}:seq`)).toBe("5000000000");
    const f = await Ticket.create({ title: "f" });
    expect(f.id).toBe(5_000_000_001);

    await raw.call("set", `${tag}:seq`, String(MAX_SAFE - 1));
    const g = await Ticket.create({ title: "g" });
    expect(g.id).toBe(MAX_SAFE);
    expect(await raw.call("get", `${tag}:seq`)).toBe(String(MAX_SAFE));
    expect(await Ticket.query().orderBy("id", "desc").limit(3).ids()).toEqual([g.id, f.id, e.id]);
    await g.incr("priority", 4e9);
    expect((await Ticket.get(MAX_SAFE)).priority).toBe(4_000_000_001);
    await Ticket.query().deleteAll();
  });
});
