/**
 * Issue 17 (Redis's lazyfree.tcl): UNLINK and FLUSHDB ASYNC of a 100,000-member set, then
 * INFO memory, against a private redis-server 7.0 through the RESP server: both report
 * `lazyfree_pending_objects` (the suite's wait_lazyfree_done polls it) and come back to 0 — the
 * engine frees at once, Redis in its background thread — and `used_memory` grows by more than
 * 1 MB with the set and falls back once it is freed.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrivateSides, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

const field = async (client: Redis, name: string): Promise<number | undefined> => {
  const m = new RegExp(`^${name}:(\\d+)\\r?$`, "m").exec(String(await client.info("memory")));
  return m ? Number(m[1]) : undefined;
};

/** Polls `lazyfree_pending_objects` until 0 (at most 5 s); resolves with the last reading. */
async function settled(client: Redis): Promise<number | undefined> {
  let pending = await field(client, "lazyfree_pending_objects");
  for (let i = 0; i < 50 && pending !== 0 && pending !== undefined; i++) {
    await new Promise((r) => setTimeout(r, 100));
    pending = await field(client, "lazyfree_pending_objects");
  }
  return pending;
}

describe.skipIf(!hasRedisServer())("lazy freeing vs a private redis-server (skipped without redis-server)", () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());

  for (const how of [["unlink", "myset"], ["flushdb", "async"]] as const) {
    it(`${how.join(" ").toUpperCase()} of a big set: lazyfree_pending_objects back to 0, used_memory back down`, async () => {
      const seen = {} as Record<"redis" | "memory", unknown[]>;
      for (const side of ["redis", "memory"] as const) {
        const c = sides[side];
        const orig = (await field(c, "used_memory"))!;
        for (let i = 0; i < 100_000; i += 10_000) await c.sadd("myset", ...Array.from({ length: 10_000 }, (_, j) => String(i + j)));
        const peak = (await field(c, "used_memory"))!;
        await c.call(how[0], how[1]);
        const pending = await settled(c);
        const after = (await field(c, "used_memory"))!;
        seen[side] = [peak > orig + 1_000_000, pending, after < peak && after < orig * 2];
      }
      expect(seen.memory).toEqual(seen.redis);
      expect(seen.redis).toEqual([true, 0, true]);
    }, 60_000);
  }
});
