import { describe, expect, it } from "vitest";
import { Model, model, field } from "../../src/index";
import { NotFoundError, UniqueConstraintError, ValidationError } from "../../src/errors";
import { RHash } from "../../src/containers/hash";
import { RSet } from "../../src/containers/set";
import { describeBackends } from "../support/backends";
import { countRoundTrips } from "../../bench/support";
import { Gadget, Person, Session, Ticket } from "../support/model-fixtures";

describeBackends("models: queries", (ctx) => {
  const setup = () => {
    Model.use(ctx().db);
    return ctx();
  };

  it("queries: eq/ne/in/ranges/between/and/or/not, orderBy, limit/offset, first, count, ids", async () => {
    setup();
    const people = [];
    for (let i = 0; i < 12; i++) {
      people.push(await Person.create({ name: i % 2 ? "odd" : "even", email: `q${i}@x.io`, age: 20 + i, score: i === 3 ? null : i / 2, role: i < 2 ? "admin" : "user" }));
    }
    const ages = (xs: Person[]) => xs.map((x) => x.age);
    expect(ages(await Person.query((q) => q.age.gte(30)).orderBy("age").toArray())).toEqual([30, 31]);
    expect(ages(await Person.query((q) => q.age.gt(29).and(q.name.eq("odd"))).toArray())).toEqual([31]);
    expect(ages(await Person.query((q) => q.age.between(22, 24)).orderBy("age", "desc").toArray())).toEqual([24, 23, 22]);
    expect(ages(await Person.query((q) => q.age.lt(21).or(q.age.eq(31))).orderBy("age").toArray())).toEqual([20, 31]);
    expect(ages(await Person.query((q) => q.age.in([25, 27, 99])).orderBy("age").toArray())).toEqual([25, 27]);
    const many = Array.from({ length: 3000 }, (_, i) => `q${i}@x.io`);
    expect(await Person.count((q) => q.email.in(many))).toBe(12);
    expect(await Person.count((q) => q.name.in(["odd", ...many]).and(q.age.in(Array.from({ length: 1000 }, (_, i) => i))))).toBe(6);
    expect(ages(await Person.query((q) => q.age.gt(21).and(q.age.lt(25), q.name.eq("even"))).orderBy("age").toArray())).toEqual([22, 24]);
    expect(ages(await Person.query((q) => q.age.gte(22).and(q.age.lte(22))).toArray())).toEqual([22]);
    expect(ages(await Person.query((q) => q.age.gt(29).and(q.score.lt(5.5))).toArray())).toEqual([30]);
    expect(await Person.count((q) => q.name.ne("odd"))).toBe(6);
    expect(await Person.count((q) => q.role.eq("admin").not())).toBe(10);
    expect(await Person.count((q) => q.active.eq(true))).toBe(12);
    expect(ages(await Person.query((q) => q.name.eq("even")).orderBy("age", "desc").limit(2).offset(1).toArray())).toEqual([28, 26]);
    // Nulls come last whatever the direction.
    const byScore = await Person.query().orderBy("score", "desc").toArray();
    expect(byScore.map((p) => p.score)).toEqual([5.5, 5, 4.5, 4, 3.5, 3, 2.5, 2, 1, 0.5, 0, null]);
    const lastTwo = await Person.query().orderBy("score").offset(10).limit(5).toArray();
    expect(lastTwo.map((p) => p.score)).toEqual([5.5, null]);
    expect((await Person.first((q) => q.age.gte(25)))?.age).toBeGreaterThanOrEqual(25);
    const ids = await Person.query((q) => q.name.eq("odd")).ids();
    expect(ids).toEqual([...ids].sort());
    expect(ids).toHaveLength(6);
    expect(await Person.query((q) => q.createdAt.lte(new Date(Date.now() + 1000))).count()).toBe(12);
    let seen = 0;
    for await (const p of Person.query((q) => q.age.gte(20)).pageSize(5)) {
      expect(p).toBeInstanceOf(Person);
      seen++;
    }
    expect(seen).toBe(12);
    expect(await Person.deleteMany((q) => q.age.gte(26))).toBe(6);
    expect(await Person.count()).toBe(6);
    expect(await Person.query().deleteAll()).toBe(6);
    expect(await Person.count()).toBe(0);
  });

  it("for await pages by pk keyset: records present throughout are yielded exactly once despite concurrent writes", async () => {
    setup();
    const made = [];
    for (let i = 0; i < 30; i++) made.push(await Ticket.create({ title: `it${i}`, priority: i % 3 }));
    const yielded: number[] = [];
    for await (const t of Ticket.query((q) => q.priority.gte(0)).pageSize(4)) {
      yielded.push(t.id);
      if (yielded.length === 6) {
        // Delete records already yielded and add new ones: offset paging would skip some.
        for (const m of made.slice(0, 5)) await m.delete();
        await Ticket.create({ title: "late", priority: 1 });
      }
    }
    const stable = made.slice(5).map((m) => m.id);
    for (const id of stable) expect(yielded.filter((y) => y === id)).toHaveLength(1);
    expect(yielded).toEqual([...yielded].sort((a, b) => a - b));
    const filteredDesc = (await Ticket.query((q) => q.priority.gte(0)).orderBy("id", "desc").ids()) as number[];
    expect(filteredDesc).toEqual([...filteredDesc].sort((a, b) => b - a));
    expect(await Ticket.query((q) => q.priority.gte(0)).orderBy("id", "desc").offset(2).limit(3).ids()).toEqual(filteredDesc.slice(2, 5));
    const desc: number[] = [];
    for await (const t of Ticket.query().orderBy("id", "desc").pageSize(7).limit(10)) desc.push(t.id);
    expect(desc).toHaveLength(10);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    const byPriority: number[] = [];
    for await (const t of Ticket.query().orderBy("priority").pageSize(4)) byPriority.push(t.priority);
    expect(byPriority).toEqual([...byPriority].sort());
    await Ticket.query().deleteAll();
  });

  it("pk order is byte order, filtered or not, small or keyset-paged", async () => {
    setup();
    const pks = ["b", "B", "a-1", "a0", "_", "Z", "é", "a"];
    for (const [i, id] of pks.entries()) await Person.create({ id, name: "ord", email: `ord${i}@x.io`, age: i });
    const expected = [...pks].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(await Person.query((q) => q.name.eq("ord")).ids()).toEqual(expected);
    expect(await Person.query().ids()).toEqual(expected);
    expect(await Person.query((q) => q.age.gte(0)).orderBy("id", "desc").ids()).toEqual([...expected].reverse());
    const paged: string[] = [];
    for await (const p of Person.query((q) => q.name.eq("ord")).pageSize(3)) paged.push(p.id);
    expect(paged).toEqual(expected);
    await Person.query().deleteAll();
  });

  it("queries without a suitable index fail with ValidationError naming the field", async () => {
    setup();
    await expect(Person.query((q) => q.bio.eq("x")).toArray()).rejects.toThrow(/bio/);
    await expect(Person.query((q) => q.name.startsWith("a")).toArray()).resolves.toEqual([]);
    // @ts-expect-error a text field has no range operators (and at run time: ValidationError)
    await expect(Person.query((q) => q.email.gt("a")).count()).rejects.toBeInstanceOf(ValidationError);
    await expect(Person.query().orderBy("email").toArray()).rejects.toBeInstanceOf(ValidationError);
  });

  it("startsWith, unique-index eq, full-text match ranked by BM25 with stemming and diacritics", async () => {
    setup();
    const a = await Person.create({ name: "Zoë", email: "fa@x.io", bio: "Crème brûlée recipes and baking recipes" });
    const b = await Person.create({ name: "Zack", email: "fb@x.io", bio: "Running a bakery; one recipe" });
    const c = await Person.create({ name: "Ada", email: "fc@x.io", bio: "Compilers" });
    expect((await Person.query((q) => q.name.startsWith("Z")).orderBy("name").toArray()).map((p) => p.name)).toEqual(["Zack", "Zoë"]);
    expect((await Person.first((q) => q.email.eq("fc@x.io")))?.id).toBe(c.id);
    const hits = await Person.query((q) => q.bio.match("RECIPE")).toArray();
    expect(hits.map((h) => h.id)).toEqual([a.id, b.id]);
    expect((await Person.query((q) => q.bio.match("creme")).toArray()).map((h) => h.id)).toEqual([a.id]);
    expect(await Person.count((q) => q.bio.match("recipes baking"))).toBe(1);
    expect(await Person.count((q) => q.bio.match("recipe").and(q.name.eq("Zack")))).toBe(1);
    expect((await Person.query((q) => q.bio.match("recipe").and(q.createdAt.lte(new Date(Date.now() + 5000)))).toArray()).map((h) => h.id)).toEqual([a.id, b.id]);
    a.bio = "nothing";
    await a.save();
    expect(await Person.count((q) => q.bio.match("recipe"))).toBe(1);
    await expect(Person.count((q) => q.bio.match("   "))).rejects.toBeInstanceOf(ValidationError);
    await Person.query().deleteAll();
  });

  it("auto-increment ids, @field() inference, incr updates indexes", async () => {
    const { raw, prefix } = setup();
    const t1 = await Ticket.create({ title: "a" });
    const t2 = await Ticket.create({ title: "b", priority: 5 });
    expect(t2.id).toBe(t1.id + 1);
    expect(await Ticket.get(t2.id)).toBeInstanceOf(Ticket);
    expect(await t1.incr("priority", 10)).toBe(11);
    expect(t1.priority).toBe(11);
    expect(await raw.call("zscore", `{${prefix}:Ticket}:z:priority`, String(t1.id))).toBe("11");
    expect(await raw.call("get", `{${prefix}:Ticket}:seq`)).toBe(String(t2.id));
    expect((await Ticket.query().orderBy("priority", "desc").toArray()).map((t) => t.id)).toEqual([t1.id, t2.id]);
    expect((await Ticket.query().orderBy("id", "desc").ids())).toEqual([t2.id, t1.id]);
    expect(t1.title).toBe("a");
    expect(await raw.call("hget", `{${prefix}:Ticket}:r:${t1.id}`, "title")).toBe("a");
    const p = await Person.create({ name: "f", email: "f@x.io", score: 1.25 });
    expect(await p.incr("score", 0.5)).toBe(1.75);
    await p.delete();
  });
});
