/**
 * Issue 10, "done means" (and point 2 end to end): a fresh consumer project made from the
 * `npm pack` tarball compiles and runs a model, a `@cached` method and an autocomplete search
 * (test/fixtures/consumer/) with each compiler a user may have, as CommonJS and as ESM:
 *
 * - tsc 5.9 with `experimentalDecorators` + `emitDecoratorMetadata` (legacy decorators),
 * - tsc 5.9 with its defaults (standard TC39 decorators),
 * - tsx (esbuild) with no tsconfig at all (standard decorators, no type metadata).
 *
 * The package is built with the repository's own build (`tsup`, into a scratch folder, never
 * the repository's dist/), packed with `npm pack`, and unpacked into each project's
 * node_modules; its dependencies and ioredis are linked from this repository's node_modules
 * (no network). That the packed files need nothing else is checked separately: every module
 * the built files import is a Node builtin, a dependency or a peer dependency.
 * Takes 1.5–3 minutes (the build, its type declarations above all, and four tsc runs), so it
 * is not part of `npm test`: `npm run test:package` runs it, and so does .ci/run.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const fixtures = join(root, "test/fixtures/consumer");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  bin: Record<string, string>;
};
const tsc = join(root, "node_modules/typescript/bin/tsc");
const tsx = join(root, "node_modules/tsx/dist/cli.mjs");

let work: string;
let tarball: string;

/** Runs a command; resolves its stdout (with `both`, stdout and stderr). */
function run(cmd: string, args: string[], cwd: string, timeout = 120_000, both = false): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, NODE_OPTIONS: "" } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return both ? `${r.stdout}\n${r.stderr}` : r.stdout;
}

/** Builds and packs the package into `work`; returns the tarball's path. */
function buildAndPack(): string {
  const stage = join(work, "stage");
  mkdirSync(stage, { recursive: true });
  for (const f of ["package.json", "README.md", "LICENSE"]) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
  const out = run(process.execPath, [join(root, "node_modules/tsup/dist/cli-default.js"), "--outDir", join(stage, "dist")], root, 240_000, true);
  expect(out).not.toMatch(/WARN|warning/i); // `npm run build` prints no warnings (issue 10, point 6)
  run(process.execPath, [join(root, "scripts/strip-internal.mjs"), join(stage, "dist")], root); // as `npm run build` does
  const packed = run("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", work], stage).trim().split("\n").pop()!;
  return join(work, packed);
}

/** A fresh project: package.json, the unpacked tarball, dependencies linked, the fixture sources. */
function project(name: string, type: "commonjs" | "module", tsconfig: object | undefined): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${name}`, version: "1.0.0", private: true, type }, null, 2));
  const unpacked = join(dir, "node_modules", pkg.name);
  mkdirSync(unpacked, { recursive: true });
  run("tar", ["-xzf", tarball, "-C", unpacked, "--strip-components=1"], dir);
  for (const dep of [...Object.keys(pkg.dependencies), "ioredis"]) {
    // A scoped dependency (@ioredis/commands) needs its scope's folder first.
    mkdirSync(dirname(join(dir, "node_modules", dep)), { recursive: true });
    symlinkSync(join(root, "node_modules", dep), join(dir, "node_modules", dep), "dir");
  }
  symlinkSync(join(root, "node_modules/@types/node"), join(dir, "node_modules/@types/node"), "dir");
  for (const f of readdirSync(fixtures)) cpSync(join(fixtures, f), join(dir, f));
  if (tsconfig) writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  return dir;
}

// skipLibCheck as `tsc --init` sets it, except in one variant, which also checks the published types.
const base = { target: "ES2022", strict: true, outDir: "out", rootDir: ".", types: ["node"], skipLibCheck: true, esModuleInterop: true };
const legacy = { experimentalDecorators: true, emitDecoratorMetadata: true };

interface Variant {
  readonly name: string;
  readonly type: "commonjs" | "module";
  /** undefined: tsx with no tsconfig. */
  readonly compilerOptions: Record<string, unknown> | undefined;
  readonly legacy: boolean;
}

const variants: Variant[] = [
  { name: "cjs-tsc-legacy", type: "commonjs", compilerOptions: { ...base, ...legacy, module: "commonjs", moduleResolution: "node10" }, legacy: true },
  { name: "cjs-tsc-standard", type: "commonjs", compilerOptions: { ...base, module: "nodenext", moduleResolution: "nodenext" }, legacy: false },
  { name: "cjs-tsx", type: "commonjs", compilerOptions: undefined, legacy: false },
  { name: "esm-tsc-legacy", type: "module", compilerOptions: { ...base, ...legacy, module: "nodenext", moduleResolution: "nodenext" }, legacy: true },
  { name: "esm-tsc-standard", type: "module", compilerOptions: { ...base, skipLibCheck: false, module: "nodenext", moduleResolution: "nodenext" }, legacy: false },
  { name: "esm-tsx", type: "module", compilerOptions: undefined, legacy: false },
];

describe(`a fresh project installs the packed ${pkg.name} and runs it`, () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "narwhal-consumer-"));
    tarball = buildAndPack();
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("the tarball holds the builds, the types and the bin; the types show no @internal member", () => {
    const listing = run("tar", ["-tzf", tarball], work).split("\n");
    for (const f of ["package/package.json", "package/README.md", "package/LICENSE", "package/dist/index.js", "package/dist/index.cjs", "package/dist/index.d.ts", "package/dist/index.d.cts", "package/dist/bin.js"]) {
      expect(listing).toContain(f);
    }
    const dir = join(work, "types");
    mkdirSync(dir);
    run("tar", ["-xzf", tarball, "-C", dir, "--strip-components=1"], work);
    const dts = readFileSync(join(dir, "dist/index.d.ts"), "utf8");
    // No class or interface member marked @internal is left for editors to complete.
    const declarations = ts.createSourceFile("index.d.ts", dts, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const internal: string[] = [];
    const visit = (node: ts.Node): void => {
      if ((ts.isClassElement(node) || ts.isTypeElement(node)) && ts.getJSDocTags(node).some((t) => t.tagName.text === "internal")) internal.push(node.getText(declarations).slice(0, 60));
      ts.forEachChild(node, visit);
    };
    visit(declarations);
    expect(internal).toEqual([]);
    expect(dts).toContain("declare function defineModel");
    expect(Object.keys(pkg.bin)).toEqual(["narwhal"]);
    // Every module the built files import is a builtin, a dependency or a peer dependency.
    const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
    for (const file of ["dist/index.js", "dist/index.cjs", "dist/bin.js"]) {
      const code = readFileSync(join(dir, file), "utf8");
      const patterns = [/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm, /^\s*import\s*["']([^"']+)["']/gm, /\b(?:require|import)\(\s*["']([^"']+)["']\s*\)/g];
      const specifiers = patterns.flatMap((p) => [...code.matchAll(p)].map((m) => m[1]!)).filter((s) => !s.startsWith("."));
      expect(specifiers.length, file).toBeGreaterThan(0);
      for (const s of specifiers) {
        const name = s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]!;
        if (s.startsWith("node:") || builtinModules.includes(name)) continue;
        expect(declared, `${file} imports ${s}`).toContain(name);
      }
    }
    // The `narwhal` command of an installed package.
    const installed = project("bin", "module", undefined);
    const bin = join(installed, "node_modules", pkg.name, pkg.bin.narwhal!);
    expect(run(process.execPath, [bin, "--version"], installed).trim()).toContain(pkg.version);
  });

  it.each(variants)("$name", (v) => {
    const dir = project(v.name, v.type, v.compilerOptions ? { compilerOptions: v.compilerOptions, include: ["*.ts"] } : undefined);
    let stdout: string;
    if (v.compilerOptions) {
      run(process.execPath, [tsc, "-p", "tsconfig.json"], dir);
      stdout = run(process.execPath, [join(dir, "out/main.js")], dir, 60_000);
    } else {
      stdout = run(process.execPath, [tsx, "main.ts"], dir, 60_000);
    }
    const result = JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;
    expect(result).toMatchObject({
      name: "Ann",
      nickname: "undefined",
      json: { name: "Ann", email: "ann@x.io", age: 31, joined: "1970-01-01T00:00:00.000Z" },
      tags: ["a", "b"],
      adults: ["Ann"],
      squares: [9, 9, 16, 42, 42],
      calls: ["square(3)", "square(4)", "answer()"],
      search: ["São Paulo/BR"],
      fuzzy: ["Zürich"],
    });
    expect(result.json).not.toHaveProperty("nickname");
    if (v.legacy) expect(result.bare).toBe("inferred Bare");
    else expect(result.bare).toMatch(/^ModelDefinitionError: Bare\.title: @field\(\) cannot infer the field kind .*Fix: name the kind, e\.g\. @field\.text\(\)/);
  }, 120_000);
});
