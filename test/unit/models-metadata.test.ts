import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { Model, model, field } from "../../src/index";
import { ModelDefinitionError } from "../../src/errors";
import { buildModelMeta } from "../../src/models/metadata";
import { FIELDS_KEY } from "../../src/models/decorators";
import { checkValue, decodeValue, encodeValue } from "../../src/models/fields";

describe("model metadata", () => {
  it("infers kinds from design:type and merges inheritance", () => {
    @model()
    class Base extends Model {
      @field.id() id!: string;
      @field() name = "";
      @field() count = 0;
      @field() when = new Date();
      @field() flag = false;
      @field() data: Record<string, unknown> = {};
    }
    @model({ name: "Child" })
    class Sub extends Base {
      @field.integer({ index: true }) extra = 1;
      @field.text({ index: true }) override name = "";
    }
    const base = buildModelMeta(Base);
    expect(Object.fromEntries(base.scalars.map((f) => [f.name, f.kind]))).toEqual({ id: "id", name: "text", count: "float", when: "date", flag: "boolean", data: "json" });
    const sub = buildModelMeta(Sub);
    expect(sub.name).toBe("Child");
    expect(sub.scalars.map((f) => f.name)).toEqual(["id", "name", "count", "when", "flag", "data", "extra"]);
    expect(sub.fields.get("name")?.eqIndex).toBe(true);
    expect(base.fields.get("name")?.eqIndex).toBe(false);
    expect(sub.fields.get("extra")?.rangeIndex).toBe(true);
    expect(Object.isFrozen(sub)).toBe(true);
    expect(Object.isFrozen(sub.fields.get("extra"))).toBe(true);
    expect(JSON.parse(sub.schema)).toMatchObject({ pk: "id", inc: 0, c: [] });
  });

  it("decorators only record metadata; values stay plain own properties with initialisers", () => {
    @model()
    class Rec extends Model {
      @field.id() id!: string;
      @field.integer() n = 7;
    }
    const r = new Rec();
    expect(Object.getOwnPropertyDescriptor(r, "n")).toMatchObject({ value: 7, writable: true, enumerable: true });
    expect(Object.getOwnPropertyDescriptor(Rec.prototype, "n")).toBeUndefined();
    expect((Reflect.getOwnMetadata(FIELDS_KEY, Rec) as unknown[]).length).toBe(2);
  });

  it("a field without design:type fails at definition, naming class, field and fix", () => {
    class NoMeta extends Model {
      id!: string;
      name!: string;
    }
    field.id()(NoMeta.prototype, "id");
    // What esbuild/tsx emit: no design:type.
    Reflect.defineMetadata(FIELDS_KEY, [...(Reflect.getOwnMetadata(FIELDS_KEY, NoMeta) as object[]), { name: "name", kind: undefined, options: {}, designType: undefined }], NoMeta);
    expect(() => model()(NoMeta)).toThrow(ModelDefinitionError);
    expect(() => buildModelMeta(NoMeta)).toThrow(/NoMeta\.name: @field\(\) cannot infer.*@field\.text\(\)/);
  });

  it("rejects invalid declarations with every problem listed", () => {
    const define = (fn: () => unknown) => {
      try {
        fn();
        return "";
      } catch (e) {
        expect(e).toBeInstanceOf(ModelDefinitionError);
        return (e as Error).message;
      }
    };
    expect(
      define(() => {
        @model()
        class Bad extends Model {
          @field.id() id!: string;
          @field.id() id2!: string;
          @field.json({ index: true }) j = {};
          @field.integer({ fullText: true }) n = 0;
          @field.hash({ unique: true } as never) h!: unknown;
        }
        return Bad;
      }),
    ).toMatch(/j: a json field cannot be indexed.*n: fullText needs a text field.*h: a hash container.*2 primary keys/);
    expect(
      define(() => {
        @model()
        class NoPk extends Model {
          @field.text() name = "";
        }
        return NoPk;
      }),
    ).toMatch(/no primary key.*@field\.id\(\)/);
    expect(
      define(() => {
        @model()
        class Reserved extends Model {
          @field.id() id!: string;
          @field.text() save2 = "";
          @field.text() constructor2 = "";
        }
        class Reserved2 extends Reserved {}
        Reflect.defineMetadata(FIELDS_KEY, [{ name: "save", kind: "text", options: {}, designType: String }], Reserved2);
        return buildModelMeta(Reserved2);
      }),
    ).toMatch(/Reserved2\.save: the name is reserved/);
  });
});

describe("field kinds", () => {
  const f = (kind: Parameters<typeof checkValue>[0]["kind"], extra = {}) => ({ name: "x", kind, ...extra });
  it("validates", () => {
    expect(checkValue(f("integer"), 1.5)?.message).toMatch(/safe integer/);
    expect(checkValue(f("integer"), 2 ** 53)).toBeDefined();
    expect(checkValue(f("float"), NaN)).toBeDefined();
    expect(checkValue(f("float"), Infinity)).toBeDefined();
    expect(checkValue(f("date"), new Date("x"))?.message).toMatch(/valid Date/);
    expect(checkValue(f("text"), 3)).toBeDefined();
    expect(checkValue(f("enum", { values: ["a"] }), "b")).toBeDefined();
    expect(checkValue(f("uuid"), "nope")).toBeDefined();
    expect(checkValue(f("json"), { a: 1n })).toBeDefined();
    expect(checkValue(f("id"), "a\0b")).toBeDefined();
    expect(checkValue(f("id", { auto: "increment" }), "1")).toBeDefined();
    expect(checkValue(f("boolean"), false)).toBeUndefined();
  });
  it("round-trips exactly", () => {
    const cases: Array<[Parameters<typeof checkValue>[0]["kind"], unknown]> = [
      ["integer", -42], ["float", 0.1 + 0.2], ["float", -0], ["float", 1e300], ["boolean", true], ["boolean", false],
      ["date", new Date(1234567890123)], ["json", { a: [1, "b", null], c: { d: true } }], ["bytes", Buffer.from([0, 1, 255])], ["text", "é\n{x}:*"],
    ];
    for (const [kind, value] of cases) expect(decodeValue(f(kind), encodeValue(kind, value))).toEqual(value);
    expect(Object.is(decodeValue(f("float"), encodeValue("float", -0)), -0)).toBe(true);
  });
});
