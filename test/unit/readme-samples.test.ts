/**
 * Issue 10, point 3: the README is executed. Every ```ts block of README.md runs, in order, on
 * the embedded engine, and the results its comments promise are checked, so the README
 * cannot drift from the code.
 *
 * How a block runs:
 * - it is compiled as the README's reader would (TypeScript, legacy decorators with
 *   `emitDecoratorMetadata`: the setup the README's models section shows) into an ES module
 *   (the samples use top-level await) and imported; `from "narwhal-redis"` is this repository's src;
 * - `new Database(<anything>, options)` becomes `Database.memory(options)` (no server);
 * - a block without imports gets narwhal's exports it does not declare, and a `db`
 *   (`Database.memory({ prefix: "app" })`) when it uses one without declaring it;
 * - a block preceded by `<!-- README test: stubs a, b -->` uses names that stand for the
 *   reader's own code (`store.write(…)`, `render(signal)`): they are declared as inert stubs
 *   (callable, any property, not thenable); everything narwhal does in the block still runs;
 * - `<!-- README test: given userId = 42 -->` declares a value the block assumes;
 * - `<!-- README test: skip "<reason>" -->`: the block cannot end on its own (a live tail, a
 *   worker loop); it is listed as skipped, with the reason, never silently;
 * - a block preceded by `<!-- README test: continues "<name>" -->` runs in the same module as
 *   (after) the block preceded by `<!-- README test: name "<name>" -->`: it uses that block's
 *   declarations.
 *
 * What is checked: a statement whose trailing comment starts with a value
 * (`await user.get("name"); // "Ann"`) or shows one after an arrow
 * (`await visits.incr("home"); // HINCRBY → 1 (…)`) must produce that value (`toEqual`; an
 * object shorthand such as `{ id, title: "São Paulo" }` accepts any `id`; `Set { "a" }` is a
 * Set, and objects and arrays (`{ name: "ann" }`) are partial descriptions: `toMatchObject`;
 * `<digest>` inside a string matches any text). `// rejects with XError` must reject
 * with that error class. Prose comments (`// SET PX`, `// ONE script`) are not checks.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import * as narwhal from "../../src/index";
import type { Sample } from "../support/readme-samples";
import { declared, expectedSource, instrument, readmeSamples } from "../support/readme-samples";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const entry = join(root, "src/index.ts");
const outDir = join(root, ".tmp/readme-samples");
const PACKAGE = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string }).name;

const exported = Object.keys(narwhal).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));

/** Builds the module of one block (or of a block and the ones continuing it). */
function moduleSource(blocks: Sample[]): { code: string; checks: number } {
  let checks = 0;
  const parts = blocks.map((b) => {
    const r = instrument(b.code, b.line);
    checks += r.checks;
    return r.code;
  });
  let body = parts.join("\n");
  const names = declared(body);
  const imports = /^import .* from ["']([^"']+)["'];?$/gm;
  for (const m of body.matchAll(imports)) {
    if (m[1] !== PACKAGE) throw new Error(`README sample at line ${blocks[0]!.line} imports ${JSON.stringify(m[1])}, not ${JSON.stringify(PACKAGE)}`);
  }
  body = body.replaceAll(`from "${PACKAGE}"`, `from ${JSON.stringify(entry)}`);
  const givens = exported.filter((k) => !names.has(k));
  const stubs = blocks.flatMap((b) => b.stubs).filter((k) => !names.has(k));
  const prelude = [
    `import { ${givens.join(", ")} } from ${JSON.stringify(entry)};`,
    `const { __check, __rejects, __ANY, __stub } = globalThis.__readme;`,
    ...stubs.map((k) => `const ${k} = __stub(${JSON.stringify(k)});`),
    ...blocks.flatMap((b) => b.givens).map((d) => `const ${d};`),
    names.has("db") || !/\bdb\b/.test(body) ? "" : `const db = Database.memory({ prefix: "app" });`,
  ];
  return { code: `${prelude.join("\n")}\n${body}\n`, checks };
}

/** An inert stand-in for the reader's own code: callable, every property is another stub, not a promise. */
function stub(name: string): unknown {
  const target = function () {} as unknown as object;
  return new Proxy(target, {
    get: (_t, key) => (key === "then" ? undefined : key === Symbol.toPrimitive ? () => name : key === "toString" ? () => name : stub(`${name}.${String(key)}`)),
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`) as object,
  });
}

function compile(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: true,
      verbatimModuleSyntax: false,
    },
  }).outputText;
}

const markdown = readFileSync(join(root, "README.md"), "utf8");
const samples = readmeSamples(markdown);
const groups: Sample[][] = [];
const named = new Map<string, Sample[]>();
for (const s of samples) {
  const host = s.marker?.kind === "continues" ? named.get(s.marker.name) : undefined;
  if (s.marker?.kind === "continues" && !host) throw new Error(`README.md:${s.line} continues "${s.marker.name}", which no earlier sample is named`);
  if (host) host.push(s);
  else groups.push([s]);
  if (s.marker?.kind === "name") named.set(s.marker.name, groups[groups.length - 1]!);
}

mkdirSync(outDir, { recursive: true });
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("README samples run and print what their comments say", () => {
  it("the README has samples and the comment parser reads its notations", () => {
    expect(samples.length).toBeGreaterThanOrEqual(6);
    expect(expectedSource('// "Ann"')).toEqual({ source: '"Ann"' });
    expect(expectedSource("// HINCRBY → 1 (codecs.number: HINCRBYFLOAT)")).toEqual({ source: "1" });
    expect(expectedSource('// SINTER → Set { "redis" }, a JS Set')).toEqual({ source: 'new Set([ "redis" ])' });
    expect(expectedSource('// ["b", "c"]  (LRANGE -2 -1); slice(3, 1) → []')).toEqual({ source: '["b", "c"]' });
    expect(expectedSource("// SET PX")).toBeUndefined();
    expect(expectedSource("// GETBIT → 0 | 1")).toBeUndefined();
    expect(expectedSource("// BLPOP on a dedicated connection; undefined after 5 s")).toBeUndefined();
    expect(expectedSource("// rejects with IndexOutOfRangeError (LSET)")).toEqual({ rejects: "IndexOutOfRangeError" });
  });

  it("the samples promise enough values to be worth running", () => {
    const total = groups.filter((g) => !g.some((b) => b.skip)).reduce((n, g) => n + moduleSource(g).checks, 0);
    expect(total).toBeGreaterThanOrEqual(30); // 30 when written (issue 10)
  });

  it("every sample runs with the install line the README gives (optional packages are named where used)", () => {
    for (const s of samples) {
      if (/\bstemming\s*:/.test(s.code)) expect(s.code, `README.md:${s.line} uses stemming`).toMatch(/npm install snowball-stemmers/);
    }
  });

  const skipped = groups.filter((g) => g.some((b) => b.skip));
  for (const g of skipped) {
    it.skip(`sample at README.md:${g[0]!.line}: not run, ${g.find((b) => b.skip)!.skip}`, () => undefined);
  }

  it.each(groups.filter((g) => !skipped.includes(g)).map((g) => [g[0]!.line, g] as const))("sample at README.md:%i", async (_line, group) => {
    const { code, checks } = moduleSource(group);
    let ran = 0;
    (globalThis as Record<string, unknown>).__readme = {
      __ANY: expect.anything(),
      __stub: stub,
      __check(actual: unknown, wanted: unknown, where: string, partial: boolean) {
        ran++;
        if (partial) return expect(actual, where).toMatchObject(wanted as object);
        const want =
          typeof wanted === "string" && /<[\w -]+>/.test(wanted)
            ? expect.stringMatching(new RegExp(`^${wanted.split(/<[\w -]+>/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+")}$`))
            : wanted;
        expect(actual, where).toEqual(want);
      },
      async __rejects(run: () => Promise<unknown>, name: string, where: string) {
        ran++;
        await expect(run(), where).rejects.toSatisfy((e: unknown) => e instanceof Error && e.constructor.name === name);
      },
    };
    const file = join(outDir, `sample-${group[0]!.line}.mjs`);
    writeFileSync(file, compile(code));
    await import(/* @vite-ignore */ pathToFileURL(file).href);
    expect(ran).toBe(checks);
  });
});
