import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
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
    sourcemap: true,
    clean: false,
    target: "node20",
  },
]);
