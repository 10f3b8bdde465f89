import { describe, expect, it } from "vitest";
import { Model, model, field } from "../../src/index";
import { ValidationError } from "../../src/errors";
import { KeySpace } from "../../src/keys";
import { buildModelMeta } from "../../src/models/metadata";
import { queryRefs } from "../../src/models/query/expr";
import type { QueryRefs } from "../../src/models/query/expr";
import { planOrder, planQuery } from "../../src/models/query/planner";

@model()
class Item extends Model {
  @field.id() id!: string;
  @field.text({ index: true }) name = "";
  @field.text({ unique: true }) sku = "";
  @field.integer({ index: true }) qty = 0;
  @field.date({ sortable: true }) at = new Date();
  @field.boolean({ index: true }) live = true;
  @field.text({ fullText: { stemming: "english" } }) body = "";
  @field.text() note = "";
}

const meta = buildModelMeta(Item);
const keys = new KeySpace("app").model(meta.name);
const q = queryRefs<Item>(meta.scalars.map((f) => f.name));
const plan = (e: (r: QueryRefs<Item>) => { node: unknown }) => planQuery(meta, keys, e(q).node as never);

describe("query planner", () => {
  it("compiles operators to index lookups", () => {
    expect(keys.base).toBe("{app:Item}:");
    expect(plan((r) => r.name.eq("a:b"))).toEqual({ o: "set", k: "{app:Item}:i:name:a:b" });
    expect(plan((r) => r.live.eq(false))).toEqual({ o: "set", k: "{app:Item}:i:live:0" });
    expect(plan((r) => r.sku.eq("X1"))).toEqual({ o: "uniq", k: "{app:Item}:u:sku", v: "X1" });
    expect(plan((r) => r.id.eq("p1"))).toEqual({ o: "pk", v: "p1" });
    expect(plan((r) => r.qty.eq(3))).toEqual({ o: "range", k: "{app:Item}:z:qty", min: "3", max: "3" });
    expect(plan((r) => r.qty.gt(3))).toEqual({ o: "range", k: "{app:Item}:z:qty", min: "(3", max: "+inf" });
    expect(plan((r) => r.at.lt(new Date(5)))).toEqual({ o: "range", k: "{app:Item}:z:at", min: "-inf", max: "(5" });
    expect(plan((r) => r.qty.between(1, 2))).toEqual({ o: "range", k: "{app:Item}:z:qty", min: "1", max: "2" });
    expect(plan((r) => r.name.startsWith("ab"))).toEqual({ o: "prefix", k: "{app:Item}:x:name", p: "ab" });
    expect(plan((r) => r.body.match("Running dogs"))).toEqual({ o: "match", k: ["{app:Item}:f:body:run", "{app:Item}:f:body:dog"], t: "{app:Item}:t:body", f: "body" });
    expect(plan((r) => r.name.in([]))).toEqual({ o: "none" });
    expect(plan((r) => r.name.ne("a"))).toEqual({ o: "not", c: { o: "set", k: "{app:Item}:i:name:a" } });
  });
  it("flattens nested and/or", () => {
    const p = plan((r) => r.name.eq("a").and(r.qty.gt(1).and(r.live.eq(true))).or(r.name.eq("b")));
    expect(p).toEqual({
      o: "or",
      c: [{ o: "and", c: [{ o: "set", k: "{app:Item}:i:name:a" }, { o: "range", k: "{app:Item}:z:qty", min: "(1", max: "+inf" }, { o: "set", k: "{app:Item}:i:live:1" }] }, { o: "set", k: "{app:Item}:i:name:b" }],
    });
  });
  it("rejects unindexed fields and bad values, naming the field", () => {
    expect(() => plan((r) => r.note.eq("x"))).toThrow(ValidationError);
    expect(() => plan((r) => r.note.eq("x"))).toThrow(/Item\.note has no index.*index: true/);
    // @ts-expect-error gt is not an operator of text fields
    expect(() => plan((r) => r.name.gt(3))).toThrow(/name/);
    expect(() => plan((r) => r.qty.eq("3" as never))).toThrow(/qty.*safe integer/);
    expect(() => plan((r) => r.body.match("   "))).toThrow(/no searchable word/);
  });
  it("plans the order", () => {
    const all = planQuery(meta, keys, undefined);
    expect(planOrder(meta, keys, all, undefined, false)).toEqual({ by: "pk", desc: false });
    expect(planOrder(meta, keys, all, "qty", true)).toEqual({ by: "range", k: "{app:Item}:z:qty", desc: true });
    expect(planOrder(meta, keys, all, "name", false)).toEqual({ by: "lex", k: "{app:Item}:x:name", desc: false });
    expect(planOrder(meta, keys, plan((r) => r.body.match("dog")), undefined, false)).toEqual({ by: "score", desc: true });
    expect(() => planOrder(meta, keys, all, "note", false)).toThrow(/orderBy/);
  });
});

describe("query DSL types", () => {
  it("are checked by tsc (this block only needs to compile)", () => {
    const typed = (fn: (r: QueryRefs<Item>) => unknown) => fn;
    typed((r) => r.qty.gte(1).and(r.name.eq("x")).or(r.at.between(new Date(), new Date())).not());
    // @ts-expect-error q.name.gt(3): range operators do not exist on text fields
    typed((r) => r.name.gt(3));
    // @ts-expect-error eq takes the field's type
    typed((r) => r.qty.eq("3"));
    // @ts-expect-error booleans have no startsWith
    typed((r) => r.live.startsWith("t"));
    // @ts-expect-error unknown field
    typed((r) => r.nope.eq(1));
    // @ts-expect-error methods are not fields
    typed((r) => r.save.eq(1));
    // @ts-expect-error match only on strings
    typed((r) => r.qty.match("x"));
    expect(true).toBe(true);
  });
  it("types create data, orderBy and incr", () => {
    const check = async () => {
      await Item.create({ name: "x", qty: 1 });
      // @ts-expect-error wrong value type
      await Item.create({ qty: "1" });
      // @ts-expect-error unknown property
      await Item.create({ nope: 1 });
      Item.query().orderBy("qty", "desc");
      // @ts-expect-error not a field
      Item.query().orderBy("nope");
      const i = new Item();
      await i.incr("qty", 2);
      // @ts-expect-error incr needs a numeric field
      await i.incr("name");
    };
    expect(typeof check).toBe("function");
  });
});
