/**
 * Issue 9, defect 1: a script never runs out of order. Every batch here meets a COLD script
 * cache (SCRIPT FLUSH on every master first), which is what a first use, a restart or a
 * failover looks like; the old pipeline sent EVALSHA, got NOSCRIPT, and re-ran the script
 * after the whole pipeline.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ClientLike } from "../../src/client";
import { ScriptError, TransactionError } from "../../src/errors";
import { Model } from "../../src/index";
import { describeBackends } from "../support/backends";
import { Ticket } from "../support/model-fixtures";

async function flushScripts(raw: ClientLike): Promise<void> {
  const nodes = (raw as unknown as { nodes?: (role: string) => ClientLike[] }).nodes?.("master") ?? [raw];
  for (const node of nodes) await node.call("script", "flush");
}

describeBackends("scripts keep their order on a cold script cache", (ctx) => {
  beforeAll(() => Model.use(ctx().db));
  afterAll(() => Model.use(null));

  for (const mode of ["pipeline", "transaction"] as const) {
    it(`${mode}: push, removeAt(-1), push run in the order given`, async () => {
      const { db, raw } = ctx();
      await flushScripts(raw);
      const results = await db[mode]((b) => {
        const q = b.list("{order}:q");
        return [q.push("x"), q.removeAt(-1), q.push("y")];
      });
      expect(results).toEqual([1, "x", 1]);
      expect(await db.list("{order}:q").toArray()).toEqual(["y"]);
      await db.list("{order}:q").clear();
    });

    it(`${mode}: model scripts and user scripts interleaved with commands`, async () => {
      const { db, raw, prefix } = ctx();
      const append = db.script({ name: "append", lua: "return redis.call('RPUSH', KEYS[1], ARGV[1])", keys: 1, parse: Number });
      await flushScripts(raw);
      const [a, b, c, d] = await db[mode]((batch) => {
        const log = batch.list("{order}:log");
        return [log.push("1"), append.on(batch)(["{order}:log"], ["2"]), log.push("3"), append.on(batch)(["{order}:log"], ["4"])];
      });
      expect([a, b, c, d]).toEqual([1, 2, 3, 4]);
      expect(await raw.call("lrange", `${prefix}:{order}:log`, 0, -1)).toEqual(["1", "2", "3", "4"]);
      await db.list("{order}:log").clear();

      await flushScripts(raw);
      const ticket = await Ticket.create({ title: "t", priority: 1 });
      await flushScripts(raw);
      const [incremented, saved] = await db[mode]((batch) => [Ticket.in(batch).incr(ticket, "priority", 5), Ticket.in(batch).incr(ticket, "priority", 10)]);
      expect([incremented, saved]).toEqual([6, 16]);
      expect((await Ticket.get(ticket.id)).priority).toBe(16);
    });

    it(`${mode}: a script that fails to load reports the load error, and the batch keeps its other results`, async () => {
      const { db } = ctx();
      const broken = db.script({ name: "broken", lua: "return (", keys: 1 });
      const error = await db[mode]((batch) => [batch.hash("{order}:h").set("f", "v"), broken.on(batch)(["{order}:h"])]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransactionError);
      const cause = (error as TransactionError).cause;
      expect(cause).toBeInstanceOf(ScriptError);
      expect((cause as ScriptError).script).toBe("broken");
      expect((cause as Error).message).not.toContain("NOSCRIPT");
      expect(await db.hash("{order}:h").get("f")).toBe("v");
    });
  }

  it("a direct call after SCRIPT FLUSH runs once (EVALSHA, NOSCRIPT → EVAL)", async () => {
    const { db, raw } = ctx();
    const q = db.list("{order}:direct");
    await q.push("a", "b");
    await flushScripts(raw);
    expect(await q.removeAt(0)).toBe("a");
    expect(await q.toArray()).toEqual(["b"]);
  });
});
