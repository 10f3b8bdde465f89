import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    // src only, no decorator options (no @swc/core warning). `npm run build` then removes
    // `@internal` members from the types (scripts/strip-internal.mjs).
    tsconfig: "tsconfig.build.json",
    // `import.meta.url` in the CJS build (src/memory/lua/fengari-instance.ts reads it): a
    // real value instead of esbuild's "import.meta is empty" warning.
    shims: true,
    // Valkey GLIDE is optional (a devDependency, which tsup would bundle): the GLIDE adapter imports
    // it at run time, only when a GLIDE client was given (src/drivers/glide-shape.ts).
    external: ["@valkey/valkey-glide"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    // The Lua sources are inlined by src/lua/sources.gen.ts, so nothing else needs copying.
  },
  {
    // The `narwhal` executable (package.json "bin"): ESM only, no declarations.
    entry: ["src/bin.ts"],
    format: ["esm"],
    tsconfig: "tsconfig.build.json",
    sourcemap: true,
    clean: false,
    target: "node20",
  },
]);
