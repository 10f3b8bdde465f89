/** RandomPool (the random maxmemory policies' key picker): picks only keys its owner still holds, reaches every one, and stays bounded. */
import { describe, expect, it } from "vitest";
import { RandomPool } from "../../src/memory/random-pool";

describe("RandomPool", () => {
  it("picks only live keys, every live key in time, and undefined once none is left", () => {
    const owner = new Set(["a", "b", "c", "d"]);
    const pool = new RandomPool(owner);
    owner.delete("b");
    owner.delete("d");
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(pool.pick((k) => owner.has(k))!);
    expect([...seen].sort()).toEqual(["a", "c"]);
    owner.clear();
    expect(pool.pick((k) => owner.has(k))).toBeUndefined();
  });

  it("a key deleted and added again is picked; stale slots are rebuilt away past twice the live keys", () => {
    const owner = new Set<string>();
    const pool = new RandomPool();
    for (let round = 0; round < 3000; round++) {
      owner.add("k");
      pool.add("k", owner.size, () => owner);
      owner.delete("k");
    }
    owner.add("k");
    pool.add("k", owner.size, () => owner);
    expect(pool.pick((k) => owner.has(k))).toBe("k");
    // 3001 adds of one key: rebuilt when past 2·1 + 1024 slots, so at most that many are left to drop.
    owner.delete("k");
    let slots = 0;
    expect(pool.pick(() => (slots++, false))).toBeUndefined();
    expect(slots).toBeLessThanOrEqual(2 + 1024 + 1);
    expect(slots).toBeGreaterThan(0);
  });
});
