/** The `narwhal` command line: help, version, usage errors (exit 2) and serve's options. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { HELP, parseCli, parseServeArgs, UsageError } from "../../src/cli";

describe("narwhal CLI", () => {
  it("parses help, version and serve", () => {
    for (const argv of [["--help"], ["-h"], ["help"], ["serve", "--help"], ["serve", "-h"], ["serve", "--port", "1", "-h"]]) {
      expect(parseCli(argv)).toEqual({ kind: "help", text: HELP });
    }
    expect(parseCli(["--version"])).toEqual({ kind: "version" });
    expect(parseCli(["-v"])).toEqual({ kind: "version" });
    expect(parseCli(["serve"])).toEqual({ kind: "serve", options: { port: 6380, host: "127.0.0.1" } });
    expect(parseServeArgs(["--port", "0", "--host", "::1"])).toEqual({ port: 0, host: "::1" });
    expect(parseServeArgs(["-p", "7000", "--host=10.0.0.1"])).toEqual({ port: 7000, host: "10.0.0.1" });
  });

  it("refuses what it cannot run with a UsageError (exit 2); -h never means a host", () => {
    for (const argv of [[], ["bogus"], ["serve", "--bogus"], ["serve", "--host"], ["serve", "--host", "--port", "1"], ["serve", "--port", "x"], ["serve", "--port", "70000"], ["serve", "--port", "-1"], ["serve", "--port"]]) {
      expect(() => parseCli(argv), argv.join(" ")).toThrow(UsageError);
    }
    const error = (() => {
      try {
        parseCli(["serve", "--nope"]);
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toContain("Usage:");
  });

  it("the executable exits 0 for --help and --version, 2 with the usage for an unknown option", () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/bin.ts", ...args], { encoding: "utf8", timeout: 30_000 });
    const help = run("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("narwhal serve");
    const version = run("--version");
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const bad = run("serve", "--nope");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Usage:");
  }, 60_000);
});
