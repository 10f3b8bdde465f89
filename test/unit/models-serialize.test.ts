/**
 * Issue 9, defect 8: serialising a record needs no Database. `toJSON()` (and so
 * `JSON.stringify(record)`) reads only the model's metadata, so it works on a class that was
 * never bound, or whose binding was removed, with no connection anywhere.
 */
import { describe, expect, it } from "vitest";
import { Model, model, field } from "../../src/index";
import { ModelDefinitionError } from "../../src/errors";

@model({ name: "Unbound" })
class Unbound extends Model {
  @field.id() id!: string;
  @field.text({ index: true }) name = "ann";
  @field.integer() age = 31;
  @field.date() born = new Date(0);
  @field.json() prefs: Record<string, unknown> = { a: [1, null] };
  @field.text() note: string | null = null;
  @field.list() tags!: unknown;
}

describe("records serialise without a Database", () => {
  it("JSON.stringify(record) of an unbound model class works and leaves containers out", () => {
    Model.use(null);
    Unbound.use(null);
    const u = Object.assign(new Unbound(), { id: "u1" });
    expect(u.toJSON()).toEqual({ id: "u1", name: "ann", age: 31, born: new Date(0), prefs: { a: [1, null] }, note: null });
    expect(JSON.parse(JSON.stringify(u))).toEqual({ id: "u1", name: "ann", age: 31, born: "1970-01-01T00:00:00.000Z", prefs: { a: [1, null] }, note: null });
    expect(JSON.stringify([u, { nested: u }])).toContain('"id":"u1"');
  });

  it("a subclass of an unbound model serialises its own and inherited fields", () => {
    @model({ name: "UnboundChild" })
    class Child extends Unbound {
      @field.boolean() admin = true;
    }
    expect(JSON.parse(JSON.stringify(Object.assign(new Child(), { id: "c" })))).toMatchObject({ id: "c", name: "ann", admin: true });
  });

  it("operations that need Redis still say the class is unbound", async () => {
    await expect(Unbound.find("u1")).rejects.toBeInstanceOf(ModelDefinitionError);
  });
});
