import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { AUTOCOMPLETE_NATIVE_SCRIPTS } from "../../src/autocomplete/native";
import { libraryScript } from "../../src/lua/registry";
import type { LuaScriptName } from "../../src/lua/sources.gen";

const SRC = join(__dirname, "..", "..", "src");

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

describe("native script ports", () => {
  it("each mirrors the current source of its .lua file", () => {
    expect(AUTOCOMPLETE_NATIVE_SCRIPTS.length).toBeGreaterThan(0);
    for (const native of AUTOCOMPLETE_NATIVE_SCRIPTS) {
      const lua = libraryScript(native.name as LuaScriptName);
      // When this fails, the .lua changed: port the change to src/autocomplete/native/, run
      // test/integration/native-scripts.test.ts, then update the port's SHA.
      expect(native.sha, `${native.name}.lua changed since its native port was written`).toBe(lua.sha);
    }
  });

  it("live beside their feature: the engine imports no code from outside src/memory but in its composition root", () => {
    const offenders: string[] = [];
    for (const file of tsFiles(join(SRC, "memory"))) {
      const name = relative(SRC, file);
      if (name === join("memory", "create-engine.ts")) continue;
      for (const [, spec] of readFileSync(file, "utf8").matchAll(/from\s+"(\.[^"]*)"/g)) {
        const target = relative(SRC, join(file, "..", spec!));
        if (!target.startsWith(`memory`)) offenders.push(`${name} imports ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
