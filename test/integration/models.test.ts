import { describe, expect, it } from "vitest";
import { Model, model, field } from "../../src/index";
import { NotFoundError, UniqueConstraintError, ValidationError } from "../../src/errors";
import { RHash } from "../../src/containers/hash";
import { RSet } from "../../src/containers/set";
import { RList } from "../../src/containers/list";
import { RZSet } from "../../src/containers/zset";
import { describeBackends } from "../support/backends";
import { countRoundTrips } from "../../bench/support";
import { Gadget, Person, Session, Ticket } from "../support/model-fixtures";
import { checkModelInvariants } from "../support/model-invariants";
import { buildModelMeta } from "../../src/models/metadata";

describeBackends("models: records", (ctx) => {
  const setup = () => {
    Model.use(ctx().db);
    return ctx();
  };

  it("create → raw Redis layout (hash, all-set, indexes, unique) and get round-trips every kind", async () => {
    const { raw, prefix } = setup();
    const created = new Date("2024-05-06T07:08:09.123Z");
    const p = await Person.create({ name: "ann", email: "a@x.io", age: 31, score: 0.1 + 0.2, createdAt: created, prefs: { a: [1, null] }, avatar: Buffer.from([0, 255, 1]) });
    expect(p.id).toMatch(/^[0-9a-f-]{36}$/);
    const tag = `{${prefix}:Person}`;
    expect(await raw.call("hgetall", `${tag}:r:${p.id}`)).toEqual(
      expect.objectContaining({ id: p.id, name: "ann", email: "a@x.io", age: "31", score: "0.30000000000000004", createdAt: String(created.getTime()), active: "1", role: "user", prefs: '{"a":[1,null]}', avatar: "AP8B" }),
    );
    expect(await raw.call("sismember", `${tag}:all`, p.id)).toBe(1);
    expect(await raw.call("sismember", `${tag}:i:name:ann`, p.id)).toBe(1);
    expect(await raw.call("zscore", `${tag}:z:age`, p.id)).toBe("31");
    expect(await raw.call("hget", `${tag}:u:email`, "a@x.io")).toBe(p.id);
    expect(await raw.call("sismember", `${tag}:i:active:1`, p.id)).toBe(1);
    const got = await Person.get(p.id);
    expect(got).toBeInstanceOf(Person);
    expect(got.toJSON()).toEqual(p.toJSON());
    expect(got.createdAt).toBeInstanceOf(Date);
    expect(got.createdAt.getTime()).toBe(created.getTime());
    expect(got.score).toBe(0.1 + 0.2);
    expect(got.avatar).toEqual(Buffer.from([0, 255, 1]));
    expect(Object.keys(got)).not.toContain("meta");
    expect(got.meta).toBeInstanceOf(RHash);
    expect(got.meta.key).toBe(`${tag}:c:meta:${p.id}`);
    await p.delete();
  });

  it("save diffs indexes server-side; only changed fields are sent", async () => {
    const { raw, prefix } = setup();
    const tag = `{${prefix}:Person}`;
    const p = await Person.create({ name: "bob", email: "b@x.io", age: 20 });
    p.name = "robert";
    p.age = 21;
    p.email = "r@x.io";
    await p.save();
    expect(await raw.call("exists", `${tag}:i:name:bob`)).toBe(0);
    expect(await raw.call("sismember", `${tag}:i:name:robert`, p.id)).toBe(1);
    expect(await raw.call("zscore", `${tag}:z:age`, p.id)).toBe("21");
    expect(await raw.call("hexists", `${tag}:u:email`, "b@x.io")).toBe(0);
    // A stale copy changing another field must not clobber name/age.
    const stale = await Person.get(p.id);
    p.age = 22;
    await p.save();
    stale.active = false;
    await stale.save();
    const fresh = await Person.get(p.id);
    expect(fresh.age).toBe(22);
    expect(fresh.active).toBe(false);
    await p.delete();
    await expect(p.reload()).rejects.toBeInstanceOf(NotFoundError);
    p.age = 5;
    await expect(p.save()).rejects.toBeInstanceOf(NotFoundError);
  });

  it("unique violations write nothing; create on an existing pk fails unless upsert (no stale entries)", async () => {
    const { raw, prefix } = setup();
    const tag = `{${prefix}:Person}`;
    const a = await Person.create({ name: "u1", email: "dup@x.io" });
    const err = await Person.create({ name: "u2", email: "dup@x.io" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UniqueConstraintError);
    expect((err as UniqueConstraintError).field).toBe("email");
    expect((err as UniqueConstraintError).value).toBe("dup@x.io");
    expect(await raw.call("exists", `${tag}:i:name:u2`)).toBe(0);
    expect(await Person.count((q) => q.name.eq("u2"))).toBe(0);
    await expect(Person.create({ id: a.id, name: "zz", email: "other@x.io" })).rejects.toBeInstanceOf(UniqueConstraintError);
    const up = await Person.create({ id: a.id, name: "u3", email: "up@x.io", age: 9 }, { upsert: true });
    expect(up.id).toBe(a.id);
    expect(await raw.call("exists", `${tag}:i:name:u1`)).toBe(0);
    expect(await raw.call("hexists", `${tag}:u:email`, "dup@x.io")).toBe(0);
    expect(await raw.call("hget", `${tag}:u:email`, "up@x.io")).toBe(a.id);
    expect((await Person.get(a.id)).name).toBe("u3");
    await up.delete();
  });

  it("validation lists every failing field; unknown and __proto__ keys are rejected", async () => {
    setup();
    const err = (await Person.create({ name: 5 as never, age: 1.5, createdAt: new Date("nope"), role: "root" as never } as never).catch((e: unknown) => e)) as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues.map((i) => i.path).sort()).toEqual(["age", "createdAt", "name", "role"]);
    const hostile = JSON.parse('{"name":"x","email":"h@x.io","__proto__":{"polluted":true},"constructor":{"prototype":{"bad":1}}}') as object;
    const e2 = (await Person.create(hostile as never).catch((e: unknown) => e)) as ValidationError;
    expect(e2).toBeInstanceOf(ValidationError);
    expect(e2.issues.map((i) => i.path).sort()).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Person.prototype as unknown as Record<string, unknown>).bad).toBeUndefined();
    await expect(Person.create({ name: "n", email: "nan@x.io", score: NaN })).rejects.toBeInstanceOf(ValidationError);
  });

  it("find/getMany/exists/reload/toJSON", async () => {
    setup();
    const a = await Person.create({ name: "g1", email: "g1@x.io" });
    const b = await Person.create({ name: "g2", email: "g2@x.io" });
    expect(await Person.find("nope")).toBeUndefined();
    await expect(Person.get("nope")).rejects.toBeInstanceOf(NotFoundError);
    const many = await Person.getMany([b.id, "nope", a.id]);
    expect(many.map((m) => m?.name)).toEqual(["g2", undefined, "g1"]);
    expect(await Person.exists(a.id)).toBe(true);
    const copy = await Person.get(a.id);
    a.age = 44;
    await a.save();
    await copy.reload();
    expect(copy.age).toBe(44);
    expect(JSON.parse(JSON.stringify(copy))).toEqual(expect.objectContaining({ name: "g1", age: 44 }));
    await a.delete();
    await b.delete();
  });

  it("new + save() creates; required, default, unique integers, uuid and enum indexes", async () => {
    setup();
    const g = new Gadget();
    g.label = "first";
    await g.save();
    expect(g.serial).toBe(5);
    expect(g.size).toBe("m");
    expect((await Gadget.get(g.id)).toJSON()).toEqual({ id: g.id, label: "first", serial: 5, owner: null, size: "m" });
    const missing = new Gadget();
    await expect(missing.save()).rejects.toThrow(/label: is required/);
    await expect(Gadget.create({ label: "dup" })).rejects.toBeInstanceOf(UniqueConstraintError);
    const owner = "3f2b8c1e-1111-4a2b-9c3d-0123456789ab";
    const h = await Gadget.create({ label: "h", serial: 6, owner, size: "l" });
    expect((await Gadget.first((q) => q.owner.eq(owner)))?.id).toBe(h.id);
    expect((await Gadget.first((q) => q.serial.eq(6)))?.id).toBe(h.id);
    expect(await Gadget.count((q) => q.size.in(["m", "l"]))).toBe(2);
    await expect(Gadget.create({ label: "x", serial: 7, owner: "not-a-uuid" })).rejects.toBeInstanceOf(ValidationError);
    await Gadget.query().deleteAll();
  });

  it("record TTL: expired records vanish from get/query/count/first and are swept with their indexes", async () => {
    const { raw, prefix } = setup();
    const tag = `{${prefix}:Session}`;
    const s = await Session.create({ token: "tok", user: "u" });
    expect(await s.ttl()).toBeGreaterThan(0);
    const keep = await Session.create({ token: "keep", user: "u" });
    expect(await keep.expire(null)).toBe(true);
    expect(await keep.ttl()).toBeNull();
    await new Promise((r) => setTimeout(r, 450));
    expect(await Session.find(s.id)).toBeUndefined();
    expect(await Session.count((q) => q.user.eq("u"))).toBe(1);
    expect((await Session.first((q) => q.user.eq("u")))?.id).toBe(keep.id);
    expect(await raw.call("exists", `${tag}:r:${s.id}`)).toBe(0);
    expect(await raw.call("hexists", `${tag}:u:token`, "tok")).toBe(0);
    // The unique value of an expired record is free again.
    const again = await Session.create({ token: "tok", user: "v" });
    expect(await again.expire(100)).toBe(true);
    expect(await again.ttl()).toBeGreaterThan(99);
    await Session.query().deleteAll();
  });

  it("container fields live under the model tag and die with the record", async () => {
    const { raw } = setup();
    const p = await Person.create({ name: "c", email: "c@x.io" });
    await p.meta.set("k", "v");
    await p.follows.add("x");
    expect(p.follows).toBeInstanceOf(RSet);
    expect(p.follows.key).toBe(`{${ctx().prefix}:Person}:c:follows:${p.id}`);
    expect(await raw.call("hget", p.meta.key, "k")).toBe("v");
    expect(await raw.call("smembers", p.follows.key)).toEqual(["x"]);
    expect(await (await Person.get(p.id)).meta.get("k")).toBe("v");
    await p.tags.push("a", "b");
    await p.ranks.add("m", 2.5);
    await p.visits.push(7);
    expect(p.tags).toBeInstanceOf(RList);
    expect(p.ranks).toBeInstanceOf(RZSet);
    expect(await raw.call("lrange", p.tags.key, 0, -1)).toEqual(["a", "b"]);
    expect(await raw.call("zscore", p.ranks.key, "m")).toBe("2.5");
    const again = await Person.get(p.id);
    expect(await again.tags.toArray()).toEqual(["a", "b"]);
    expect(await again.visits.at(0)).toBe(7);
    expect(Object.keys(again)).not.toContain("tags");
    await p.delete();
    for (const c of [p.meta, p.follows, p.tags, p.ranks, p.visits]) expect(await raw.call("exists", c.key)).toBe(0);
  });

  it("create, save, delete, incr, get, query page, count: one round trip each (counts one connection's socket writes: standalone only, skipped on cluster and memory)", async (t) => {
    const { db, backend } = setup();
    if (backend.name !== "standalone") t.skip();
    // Load every script once (the first EVALSHA of a script answers NOSCRIPT, then EVAL).
    const warm = await Person.create({ name: "rt", email: "rt0@x.io" });
    await warm.incr("age", 1);
    await warm.delete();
    await Person.query((q) => q.name.eq("rt")).toArray();
    await Person.get(warm.id).catch(() => undefined);
    const trips = async (fn: () => Promise<unknown>) => countRoundTrips(db.client, fn);
    let p!: Person;
    expect(await trips(async () => (p = await Person.create({ name: "rt", email: "rt@x.io", age: 3 })))).toBe(1);
    p.age = 4;
    p.name = "rt2";
    expect(await trips(() => p.save())).toBe(1);
    expect(await trips(() => p.incr("age", 2))).toBe(1);
    expect(await trips(() => Person.get(p.id))).toBe(1);
    expect(await trips(() => Person.query((q) => q.name.eq("rt2").and(q.age.gte(1))).orderBy("age").limit(10).toArray())).toBe(1);
    expect(await trips(() => Person.count((q) => q.age.gte(1)))).toBe(1);
    expect(await trips(() => p.delete())).toBe(1);
  });

  it("User.in(tx): model scripts join a MULTI; invalid input aborts it; a unique violation fails only its call", async () => {
    const { db, raw, prefix } = setup();
    const [a, b] = await db.transaction((tx) => [Person.in(tx).create({ name: "tx1", email: "tx1@x.io" }), Person.in(tx).create({ name: "tx2", email: "tx2@x.io", age: 7 })]);
    expect(a).toBeInstanceOf(Person);
    expect(await raw.call("hget", `{${prefix}:Person}:u:email`, "tx2@x.io")).toBe(b.id);
    a.age = 50;
    const [saved, n, gone, found, count] = await db.transaction((tx) => {
      const P = Person.in(tx);
      return [P.save(a), P.incr(b, "age", 3), P.delete(b), P.find(a.id), P.count((q) => q.name.eq("tx1"))];
    });
    expect(saved.age).toBe(50);
    expect([n, gone, found?.age, count]).toEqual([10, true, 50, 1]);
    expect(await Person.exists(b.id)).toBe(false);
    // Invalid input: nothing at all is sent.
    await expect(db.transaction((tx) => [Person.in(tx).create({ name: "tx3", email: "tx3@x.io" }), Person.in(tx).create({ age: "x" as never })])).rejects.toThrow();
    expect(await Person.count((q) => q.name.eq("tx3"))).toBe(0);
    // A unique violation fails that script only (Redis does not roll back a MULTI).
    const err = await db.transaction((tx) => [Person.in(tx).create({ name: "tx4", email: "tx4@x.io" }), Person.in(tx).create({ name: "tx5", email: "tx1@x.io" })]).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/unique/);
    expect(await Person.count((q) => q.name.eq("tx4"))).toBe(1);
    expect(await Person.count((q) => q.name.eq("tx5"))).toBe(0);
    await Person.query().deleteAll();
  });

  it("hostile values: separators, braces, globs, newlines, emoji, 1 MB strings", async () => {
    const { raw, prefix } = setup();
    const nasty = ["a:b", "{x}", "*?[", "line\nbreak", "🦭 émoji", "\u0000nul"];
    for (const [i, name] of nasty.entries()) {
      const p = await Person.create({ name, email: `${name}${i}@x.io`, bio: name });
      expect((await Person.first((q) => q.name.eq(name)))?.id).toBe(p.id);
      expect((await Person.get(p.id)).name).toBe(name);
    }
    const big = "x".repeat(1024 * 1024);
    const b = await Person.create({ name: big, email: "big@x.io", bio: `${big} end` });
    expect((await Person.get(b.id)).name.length).toBe(big.length);
    expect(await Person.count((q) => q.name.eq(big))).toBe(1);
    const custom = await Person.create({ id: "weird:{id}*", name: "w", email: "w@x.io" });
    expect((await Person.get("weird:{id}*")).name).toBe("w");
    expect(await raw.call("exists", `{${prefix}:Person}:r:weird:{id}*`)).toBe(1);
    const report = await checkModelInvariants(raw, buildModelMeta(Person), `{${prefix}:Person}:`);
    expect(report.violations).toEqual([]);
    expect(report.records).toBeGreaterThanOrEqual(nasty.length + 2);
    await custom.delete();
    await Person.query().deleteAll();
    expect(await Person.count()).toBe(0);
  });
});

describe("models without a Database", () => {
  it("an unbound model throws a clear error", async () => {
    @model()
    class Lonely extends Model {
      @field.id() id!: string;
    }
    Model.use(null);
    await expect(Lonely.find("x")).rejects.toThrow(/not bound|Model.use/);
  });
});
