/** `narwhal serve --maxmemory <size> --maxmemory-policy <policy>`: parsed with Redis's size units and policy names. */
import { describe, expect, it } from "vitest";
import { parseServeArgs, UsageError } from "../../src/cli";

describe("narwhal serve --maxmemory", () => {
  it("parses sizes and policies", () => {
    expect(parseServeArgs(["--maxmemory", "100mb"])).toEqual({ port: 6380, host: "127.0.0.1", maxmemory: 100 * 1024 * 1024 });
    expect(parseServeArgs(["--maxmemory=1gb", "--maxmemory-policy", "ALLKEYS-LRU"])).toEqual({ port: 6380, host: "127.0.0.1", maxmemory: 1024 ** 3, maxmemoryPolicy: "allkeys-lru" });
    expect(parseServeArgs(["--maxmemory", "0", "--maxmemory-policy=volatile-ttl"])).toMatchObject({ maxmemory: 0, maxmemoryPolicy: "volatile-ttl" });
  });

  it("refuses bad values with a usage error naming the option", () => {
    expect(() => parseServeArgs(["--maxmemory", "lots"])).toThrow(UsageError);
    expect(() => parseServeArgs(["--maxmemory", "-1"])).toThrow(/--maxmemory needs a value/);
    expect(() => parseServeArgs(["--maxmemory-policy", "allkeys-lfu"])).toThrow(/--maxmemory-policy must be one of noeviction, allkeys-lru, volatile-lru, volatile-ttl/);
  });
});
