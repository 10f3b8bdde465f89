/**
 * RList between lists and across time: move (LMOVE, refused across cluster slots) and the
 * blocking pops on a dedicated connection (refused inside a transaction). The rest of RList is
 * in list.test.ts.
 */
import { expect, it } from "vitest";
import { CrossSlotError, TransactionError, ValidationError } from "../../src/errors";
import { describeBackends } from "../support/backends";
import { otherSlotName } from "../support/slots";

describeBackends("RList move and blocking pops", (ctx) => {
  it("move takes from one end and puts at the other (LMOVE), defaults to RPOPLPUSH", async () => {
    const { db, raw } = ctx();
    const src = db.list("{mv}:src");
    const dst = db.list("{mv}:dst");
    await src.push("a", "b", "c");
    expect(await src.move(dst)).toBe("c");
    expect(await src.move(dst, { from: "head", to: "tail" })).toBe("a");
    expect(await src.move("{mv}:dst", { from: "head", to: "head" })).toBe("b");
    expect(await src.move(dst)).toBeUndefined();
    expect(await raw.call("lrange", dst.key, 0, -1)).toEqual(["b", "c", "a"]);
    expect(await dst.move(dst, { from: "head", to: "tail" })).toBe("b");
    expect(await dst.toArray()).toEqual(["c", "a", "b"]);
    await expect(src.move(dst, { from: "middle" as "head" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("move across cluster slots is refused client-side on a cluster", async () => {
    const { db, backend } = ctx();
    const a = db.list("mv:a");
    await a.push("x");
    const other = otherSlotName(db, a.key, "mv:b");
    if (backend.name === "cluster") {
      await expect(a.move(other)).rejects.toBeInstanceOf(CrossSlotError);
      expect(await a.size()).toBe(1);
    } else {
      expect(await a.move(other)).toBe("x");
    }
  });

  it("popBlocking / shiftBlocking wait on a dedicated connection and time out with undefined", async () => {
    const { db, raw } = ctx();
    const l = db.list("l:block");
    const waiting = l.shiftBlocking(5);
    // The shared connection is not blocked meanwhile.
    expect(await db.list("l:other").size()).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    await raw.call("rpush", l.key, "first", "second");
    expect(await waiting).toBe("first");
    expect(await l.popBlocking(1)).toBe("second");
    const t0 = Date.now();
    expect(await l.popBlocking(0.2)).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(await raw.call("exists", l.key)).toBe(0);
    await expect(l.popBlocking(-1)).rejects.toBeInstanceOf(ValidationError);
  });

  it("blocking pops are refused inside a transaction, which then sends nothing", async () => {
    const { db, raw } = ctx();
    await expect(
      db.transaction((tx) => {
        void tx.list("{tx}:blk").push("a");
        void tx.list("{tx}:blk").popBlocking(1);
      }),
    ).rejects.toBeInstanceOf(TransactionError);
    expect(await raw.call("exists", `${ctx().prefix}:{tx}:blk`)).toBe(0);
  });
});
