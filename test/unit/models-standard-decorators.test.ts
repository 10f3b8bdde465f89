/**
 * Issue 10, point 2: `@model`, `@field…` and `@cached` as TC39 standard decorators, with the
 * same imports as the legacy ones. vitest compiles this repository with legacy decorators,
 * so each case is compiled here the way a user's compiler would, in process: by esbuild
 * (what tsx and vite do without a tsconfig) and by TypeScript 5.9's emitter without
 * `experimentalDecorators` (`ts.transpileModule`), then imported, against THIS narwhal
 * module (src/index.ts). Type checking and the three real compilers on a packed tarball are
 * test/integration/consumer-package.test.ts.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transform } from "esbuild";
import ts from "typescript";
import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import { Database, Model, ModelDefinitionError, ValidationError, defineModel, field, model } from "../../src/index";
import type { RList } from "../../src/index";
import { buildModelMeta } from "../../src/models/metadata";

const here = dirname(fileURLToPath(import.meta.url));
const narwhal = resolve(here, "../../src/index.ts");
const outDir = resolve(here, "../../.tmp/standard-decorators");
mkdirSync(outDir, { recursive: true });
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

type Compiler = "esbuild" | "tsc";
let counter = 0;

/** Compiles `source` (which imports from "narwhal-redis") as standard decorators and imports the module. */
async function load<T = Record<string, unknown>>(compiler: Compiler, source: string): Promise<T> {
  const code = source.replaceAll('from "narwhal-redis"', `from ${JSON.stringify(narwhal)}`);
  let js: string;
  if (compiler === "esbuild") {
    js = (await transform(code, { loader: "ts", format: "esm", target: "node20", tsconfigRaw: {} })).code;
  } else {
    js = ts.transpileModule(code, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators: false, useDefineForClassFields: true },
    }).outputText;
  }
  const file = join(outDir, `case-${compiler}-${++counter}.mjs`);
  writeFileSync(file, js);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as T;
}

async function failure(compiler: Compiler, source: string): Promise<Error> {
  try {
    await load(compiler, source);
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the module to throw while defining its classes");
}

const modelSource = `
import { Model, model, field, RList } from "narwhal-redis";
@model({ name: "StdUser", ttl: 60 })
export class User extends Model {
  @field.id() id!: string;
  @field.text({ index: true }) name!: string;
  @field.text({ unique: true }) email!: string;
  @field.integer({ index: true }) age = 0;
  @field.date() createdAt = new Date(0);
  @field.text() nickname?: string;
  @field.list() tags!: RList<string>;
}
@model({ name: "StdAdmin" })
export class Admin extends User {
  @field.boolean({ index: true }) root = false;
}
`;

describe.each<Compiler>(["esbuild", "tsc"])("standard decorators compiled by %s", (compiler) => {
  it("@model and @field record metadata that the builder reads, inheritance included", async () => {
    const { User, Admin } = await load<{ User: typeof Model; Admin: typeof Model }>(compiler, modelSource);
    const meta = buildModelMeta(User as never);
    expect(meta.name).toBe("StdUser");
    expect(meta.ttl).toBe(60);
    expect(Object.fromEntries([...meta.fields.values()].map((f) => [f.name, f.kind]))).toEqual({
      id: "id", name: "text", email: "text", age: "integer", createdAt: "date", nickname: "text", tags: "list",
    });
    const admin = buildModelMeta(Admin as never);
    expect(admin.name).toBe("StdAdmin");
    expect(admin.ttl).toBe(60); // inherited from @model({ ttl }) of the parent
    expect(admin.scalars.map((f) => f.name)).toEqual(["id", "name", "email", "age", "createdAt", "nickname", "root"]);
    // Values stay plain own properties; initialisers are defaults.
    const u = new (User as unknown as new () => Record<string, unknown>)();
    expect(Object.getOwnPropertyDescriptor(u, "age")).toMatchObject({ value: 0, writable: true, enumerable: true });
  });

  it("records round-trip on the embedded engine; an optional field reads back as undefined", async () => {
    type Row = Record<string, unknown> & { toJSON(): unknown };
    const { User } = await load<{ User: { use(db: Database): void; create(d: object): Promise<Row>; get(id: string): Promise<Row> } }>(
      compiler,
      modelSource.replaceAll("StdUser", `StdUser${compiler}`).replaceAll("StdAdmin", `StdAdmin${compiler}`),
    );
    const db = Database.memory({ prefix: `std-${compiler}` });
    User.use(db);
    const ann = await User.create({ name: "Ann", email: "ann@x.io", age: 31 });
    const back = await User.get(ann.id as string);
    expect(back.name).toBe("Ann");
    expect(back.age).toBe(31);
    expect(back.nickname).toBeUndefined();
    expect(back.toJSON()).toEqual({ id: ann.id, name: "Ann", email: "ann@x.io", age: 31, createdAt: new Date(0) });
    await db.close();
  });

  it("@field() without a kind is a ModelDefinitionError naming the field and the fix", async () => {
    const error = await failure(
      compiler,
      `import { Model, model, field } from "narwhal-redis";
       @model() export class Untyped extends Model { @field.id() id!: string; @field() title = ""; }`,
    );
    expect(error).toBeInstanceOf(ModelDefinitionError);
    expect(error.message).toMatch(/Untyped\.title: @field\(\) cannot infer the field kind because standard \(TC39\) decorators carry no type information/);
    expect(error.message).toMatch(/Fix: name the kind, e\.g\. @field\.text\(\)/);
  });

  it("@field on a static, private or accessor member is a definition error", async () => {
    const error = await failure(
      compiler,
      `import { Model, model, field } from "narwhal-redis";
       @model() export class Odd extends Model {
         @field.id() id!: string;
         @field.text() static label = "";
         @field.text() accessor nick = "";
       }`,
    );
    expect(error).toBeInstanceOf(ModelDefinitionError);
    expect(error.message).toMatch(/Odd\.label: @field decorates public instance fields, not a static field/);
    expect(error.message).toMatch(/Odd\.nick: .*not an accessor field/);
  });

  it("@cached memoizes instance and static methods with Class.method names", async () => {
    const mod = await load<{
      run(cache: unknown): Promise<{ calls: string[]; keys: string[]; results: unknown[] }>;
    }>(
      compiler,
      `import { cached } from "narwhal-redis";
       let cache: any;
       const calls: string[] = [];
       export class Repo {
         @cached({ cache: () => cache, ttl: 30 })
         async byId(id: string) { calls.push("Repo.byId " + id); return { id }; }
         @cached({ cache: () => cache })
         static async count() { calls.push("Repo.count"); return 7; }
       }
       export class Other {
         @cached({ cache: () => cache })
         async byId(id: string) { calls.push("Other.byId " + id); return id; }
       }
       export class Sub extends Repo {}
       export async function run(c: unknown) {
         cache = c;
         const staticKey = (Repo.count as any).key();      // known at class definition
         const results = [await new Sub().byId("1"), await new Repo().byId("1"), await new Other().byId("1"), await Repo.count(), await Repo.count()];
         const keys = [(Repo.prototype.byId as any).key("1"), (Other.prototype.byId as any).key("1"), staticKey];
         await (Repo.prototype.byId as any).invalidate("1");
         results.push(await new Repo().byId("1"));
         return { calls, keys, results };
       }`,
    );
    const db = Database.memory({ prefix: "stdc" });
    const { calls, keys, results } = await mod.run(db.cache({ namespace: `c${compiler}` }));
    expect(results).toEqual([{ id: "1" }, { id: "1" }, "1", 7, 7, { id: "1" }]);
    expect(calls).toEqual(["Repo.byId 1", "Other.byId 1", "Repo.count", "Repo.byId 1"]);
    expect(keys[0]).toMatch(new RegExp(`^stdc:c${compiler}:Repo\\.byId:`));
    expect(keys[1]).toMatch(new RegExp(`^stdc:c${compiler}:Other\\.byId:`));
    expect(keys[2]).toMatch(new RegExp(`^stdc:c${compiler}:Repo\\.static\\.count:`));
    await db.close();
  });

  it("@cached before the class is known asks for a name; on a field it is refused", async () => {
    const mod = await load<{ early(): unknown }>(
      compiler,
      `import { cached } from "narwhal-redis";
       class Lazy { @cached({ cache: () => { throw new Error("not reached"); } }) async m() { return 1; } }
       export function early() { return (Lazy.prototype.m as any).key(); }`,
    );
    expect(() => mod.early()).toThrow(ValidationError);
    expect(() => mod.early()).toThrow(/class is not known yet.*pass a `name` option/);
    const error = await failure(compiler, `import { cached } from "narwhal-redis"; export class F { @cached({ cache: {} as any }) x = 1; }`);
    expect(error).toBeInstanceOf(ValidationError);
  });
});

describe("defineModel (no decorators)", () => {
  it("declares a model with the same field vocabulary and validates it at once", async () => {
    class Post extends Model {
      declare id: string;
      declare title: string;
      declare views: number;
    }
    expect(defineModel(Post, { name: "DefPost", fields: { id: field.id(), title: field.text({ index: true }), views: field.integer({ index: true }) } })).toBe(Post);
    const db = Database.memory({ prefix: "def" });
    Post.use(db);
    await Post.create({ title: "hello", views: 3 });
    await Post.create({ title: "world", views: 9 });
    expect((await Post.query((q) => q.views.gte(5)).toArray()).map((p) => p.title)).toEqual(["world"]);
    await db.close();

    class Bad extends Model {}
    expect(() => defineModel(Bad, { fields: { id: field.id(), n: 3 as never } })).toThrow(/Bad\.n: defineModel fields take field\.<kind>\(\) values/);
    class NoKind extends Model {}
    expect(() => defineModel(NoKind, { fields: { id: field.id(), n: field() } })).toThrow(/NoKind\.n: @field\(\) cannot infer the field kind because defineModel\(\) has no type information/);
  });
});

describe("records read back as declared (issue 10, point 6)", () => {
  it("toJSON() is typed from the fields (containers and methods left out, optional fields optional)", async () => {
    @model({ name: "TypedJson" })
    class Typed extends Model {
      @field.id() id!: string;
      @field.text() name = "";
      @field.integer() n = 0;
      @field.text() nick?: string;
      @field.text() note: string | null = null;
      @field.list() tags!: RList<string>;
    }
    const t = Object.assign(new Typed(), { id: "1" });
    const json = t.toJSON();
    expectTypeOf(json).toEqualTypeOf<{ id: string; name: string; n: number; nick?: string; note: string | null }>();
    expect(json).toEqual({ id: "1", name: "", n: 0, note: null });
    expect(Object.keys(json)).not.toContain("nick");
    // Read back: an absent optional field is undefined; a field initialised to null stays null.
    const db = Database.memory({ prefix: "typed" });
    Typed.use(db);
    const saved = await Typed.create({ name: "x" });
    const back = await Typed.get(saved.id);
    expect(back.nick).toBeUndefined();
    expect(back.note).toBeNull();
    expect(back.toJSON()).toEqual({ id: saved.id, name: "x", n: 0, note: null });
    await db.close();
  });
});
