import { describe, expect, it } from "vitest";
import { libraryScript } from "../../src/lua/registry";
import type { LuaScriptName } from "../../src/lua/sources.gen";
import { LIBRARY_NATIVE_SCRIPTS } from "../../src/memory/native";

describe("native script ports", () => {
  it("each mirrors the current source of its .lua file", () => {
    expect(LIBRARY_NATIVE_SCRIPTS.length).toBeGreaterThan(0);
    for (const native of LIBRARY_NATIVE_SCRIPTS) {
      const lua = libraryScript(native.name as LuaScriptName);
      // When this fails, the .lua changed: port the change to src/memory/native/<name>.ts,
      // run test/integration/native-scripts.test.ts, then update the port's SHA.
      expect(native.sha, `${native.name}.lua changed since its native port was written`).toBe(lua.sha);
    }
  });
});
