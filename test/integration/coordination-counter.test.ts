/**
 * Counter (issue 14), all three backends: the raw state, the sliding idle ttl, exactness under
 * concurrent writers, and, with connections killed at random, that no increment is ever applied
 * twice: the final value lies between the increments known applied and those plus the ones
 * reported as "may have applied".
 */
import { expect, it } from "vitest";
import type { ClientLike } from "../../src/client";
import { Database } from "../../src/database";
import { CodecError, CommandError, ConnectionError, ValidationError } from "../../src/index";
import { describeBackends } from "../support/backends";
import { startKiller } from "../support/coordination";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeBackends("coordination: counter", (ctx) => {
  it("incr/decr/get/reset on a plain integer string at <prefix>:<name>", async () => {
    const { db, raw, prefix } = ctx();
    const c = db.counter("visits");
    expect(c.key).toBe(`${prefix}:visits`);
    expect(await c.get()).toBe(0);
    expect(await c.incr()).toBe(1);
    expect(await c.incr(41)).toBe(42);
    expect(await c.decr(2)).toBe(40);
    expect(await c.decr()).toBe(39);
    expect(await raw.call("get", c.key)).toBe("39");
    expect(Number(await raw.call("pttl", c.key))).toBe(-1);
    expect(await c.reset()).toBe(39);
    expect(await raw.call("exists", c.key)).toBe(0);
    expect(await c.reset()).toBe(0);
    await expect(c.incr(1.5)).rejects.toBeInstanceOf(ValidationError);
    await expect(c.incr(Number.MAX_SAFE_INTEGER + 10)).rejects.toThrow(/by/);
    await raw.call("set", c.key, "nope");
    await expect(c.incr()).rejects.toBeInstanceOf(CommandError);
    await expect(c.get()).rejects.toBeInstanceOf(CodecError);
    await raw.call("del", c.key);
  });

  it("an idle ttl is restarted by every write (one script), not by reads", async () => {
    const { db, raw } = ctx();
    const c = db.counter("idle", { idleTtlMs: 300 });
    await c.incr(5);
    await sleep(200);
    expect(await c.get()).toBe(5);
    const left = Number(await raw.call("pttl", c.key));
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(120);
    expect(await c.decr()).toBe(4);
    expect(Number(await raw.call("pttl", c.key))).toBeGreaterThan(250);
    await sleep(350);
    expect(await raw.call("exists", c.key)).toBe(0);
    expect(await c.get()).toBe(0);
  });

  it("20 concurrent writers × 100 increments of random sizes: exact", async () => {
    const { backend, prefix } = ctx();
    const dbs = Array.from({ length: 20 }, () => new Database(backend.client(), { prefix }));
    let expected = 0;
    try {
      await Promise.all(
        dbs.map(async (db, w) => {
          const c = db.counter("exact", { idleTtlMs: w % 2 === 0 ? 60_000 : undefined });
          for (let i = 0; i < 100; i++) {
            const by = ((i * 7 + w) % 11) - 3;
            expected += by;
            await c.incr(by);
          }
        }),
      );
      expect(await dbs[0]!.counter("exact").get()).toBe(expected);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      for (const db of dbs) db.client.disconnect();
    }
  });
});

describeBackends(
  "coordination: counter under killed connections",
  (ctx) => {
    it("no increment is applied twice: known-applied ≤ final ≤ known-applied + may-have-applied", async () => {
      const { backend, prefix } = ctx();
      const victims = `narwhal-counter-victim-${prefix}`;
      const dbs = Array.from({ length: 10 }, () => {
        const client: ClientLike = backend.client(victims);
        client.on("error", () => undefined);
        return new Database(client, { prefix });
      });
      const killer = backend.client();
      killer.on("error", () => undefined);
      const stop = startKiller(killer, victims);
      const tally = { ok: 0, maybe: 0, notApplied: 0 };
      try {
        await Promise.all(
          dbs.map(async (db, w) => {
            const c = db.counter("killed", { idleTtlMs: w % 2 === 0 ? 60_000 : undefined });
            for (let i = 0; i < 150; i++) {
              try {
                await c.incr();
                tally.ok++;
              } catch (error) {
                if (!(error instanceof ConnectionError)) throw error;
                if (error.mayHaveApplied) tally.maybe++;
                else tally.notApplied++;
                await sleep(5);
              }
            }
          }),
        );
      } finally {
        const kills = await stop();
        const final = Number(await killer.call("get", `${prefix}:killed`));
        console.log(`[counter+kills ${backend.name}] 1500 increments, connections killed ${kills}:`, tally, `final ${final}`);
        killer.disconnect();
        await Promise.all(dbs.map((db) => db.close()));
        for (const db of dbs) db.client.disconnect();
        expect(kills).toBeGreaterThan(0);
        expect(final).toBeGreaterThanOrEqual(tally.ok);
        expect(final).toBeLessThanOrEqual(tally.ok + tally.maybe);
      }
    }, 60_000);
  },
  { requires: ["connections"] },
);
