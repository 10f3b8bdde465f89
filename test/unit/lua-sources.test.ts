import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { libraryScript } from "../../src/lua/registry";

describe("library Lua scripts", () => {
  it("sources.gen.ts is up to date with the .lua files", () => {
    expect(() => execFileSync(process.execPath, ["scripts/gen-lua.mjs", "--check"], { stdio: "pipe" })).not.toThrow();
  });

  it("every script has a documented header and a stable sha", () => {
    const s = libraryScript("list-remove-at");
    expect(s.lua.startsWith("-- list-remove-at:")).toBe(true);
    expect(s.lua).toContain("-- KEYS[1]");
    expect(s.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(libraryScript("list-remove-at")).toBe(s);
  });
});
