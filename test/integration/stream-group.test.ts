import { expect, it } from "vitest";
import { TransactionError, ValidationError } from "../../src/errors";
import type { GroupMessage } from "../../src/containers/stream-consume";
import { describeBackends } from "../support/backends";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeBackends(
  "RStreamGroup",
  (ctx) => {
    it("create, read, ack, pending and consumers pin the group's wire format", async () => {
      const { db, raw } = ctx();
      const s = db.stream("sg:basic");
      const g = s.group("g", { startAt: "0" });
      expect(await g.create()).toBe(true);
      expect(await g.create()).toBe(false);
      for (let i = 1; i <= 4; i++) await s.add({ n: String(i) }, { id: `${i}-0` });
      const got = await g.read("c1", { count: 3 });
      expect(got.map((m) => [m.id, m.fields.n, m.deliveries])).toEqual([["1-0", "1", 1], ["2-0", "2", 1], ["3-0", "3", 1]]);
      expect(await got[0]!.ack()).toBe(true);
      expect(await got[0]!.ack()).toBe(false);
      expect(await raw.call("xpending", s.key, "g")).toEqual([2, "2-0", "3-0", [["c1", "2"]]]);
      expect(await g.pending()).toEqual({ count: 2, smallestId: "2-0", greatestId: "3-0", consumers: [{ name: "c1", pending: 2 }] });
      const rows = await g.pendingEntries();
      expect(rows.map((r) => [r.id, r.consumer, r.deliveries])).toEqual([["2-0", "c1", 1], ["3-0", "c1", 1]]);
      expect((await g.read("c1", { history: "0" })).map((m) => m.id)).toEqual(["2-0", "3-0"]);
      expect((await g.pendingEntries({ consumer: "c1", count: 1 }))[0]).toMatchObject({ id: "2-0", deliveries: 2 });
      expect((await g.consumers()).map((c) => [c.name, c.pending])).toEqual([["c1", 2]]);
      expect(await g.info()).toMatchObject({ name: "g", consumers: 1, pending: 2, lastDeliveredId: "3-0", entriesRead: 3, lag: 1 });
      expect(await g.ack("2-0", "3-0", "9-0")).toBe(2);
      expect(await g.createConsumer("c2")).toBe(true);
      expect(await g.deleteConsumer("c2")).toBe(0);
      await g.setId("0");
      expect((await g.read("c3", { count: 1 })).map((m) => m.id)).toEqual(["1-0"]);
      expect(await g.destroy()).toBe(true);
      expect(await raw.call("xinfo", "groups", s.key)).toEqual([]);
      await expect(g.ack()).rejects.toBeInstanceOf(ValidationError);
      await expect(s.group("")).toBeDefined();
    });

    it("claim and autoClaim move idle entries; entries deleted from the stream leave the PEL", async () => {
      const { db } = ctx();
      const s = db.stream("sg:claim");
      const g = s.group("g", { startAt: "0" });
      await g.create();
      for (let i = 1; i <= 4; i++) await s.add({ n: String(i) }, { id: `${i}-0` });
      await g.read("dead", { count: 4 });
      await s.delete("2-0");
      expect(await g.claim("alive", ["1-0"], { minIdleMs: 3_600_000 })).toEqual([]);
      const claimed = await g.claim("alive", ["1-0", "2-0"], { idleMs: 5000 });
      expect(claimed.map((m) => m.id)).toEqual(["1-0"]);
      const auto = await g.autoClaim("alive", { minIdleMs: 0, count: 10 });
      expect(auto.messages.map((m) => m.id)).toEqual(["1-0", "3-0", "4-0"]);
      expect(auto.deletedIds).toEqual([]);
      expect(auto.next).toBe("0-0");
      expect((await g.pendingEntries()).map((r) => [r.id, r.consumer])).toEqual([["1-0", "alive"], ["3-0", "alive"], ["4-0", "alive"]]);
      await s.delete("3-0");
      const again = await g.autoClaim("other", { minIdleMs: 0, count: 10 });
      expect(again.deletedIds).toEqual(["3-0"]);
      expect((await g.pending()).count).toBe(2);
    });

    it("consume: 3 consumers, one killed mid-batch — at least once, acked never redelivered, its entries claimed, poison dead-lettered", async () => {
      const { db, raw } = ctx();
      const s = db.stream("sg:work");
      const dlq = db.stream("sg:work:dead");
      const total = 240;
      const poison = new Set<string>();
      for (let i = 1; i <= total; i++) {
        await s.add({ n: String(i) }, { id: `${i}-1` });
        if (i % 41 === 0) poison.add(String(i));
      }
      const group = s.group("workers", { startAt: "0" });
      const processed = new Map<string, string[]>(); // n → consumers that processed it
      const acked = new Set<string>();
      const redeliveredAfterAck: string[] = [];
      const killedUnacked = new Set<string>();
      const deadLettered: string[] = [];
      const stop = new AbortController();
      const options = { count: 10, block: 100, claimIdleMs: 250, maxDeliveries: 3, deadLetter: dlq, signal: stop.signal, onDeadLetter: (e: { fields: Record<string, string> }) => deadLettered.push(e.fields.n!) };

      const handle = async (name: string, m: GroupMessage<string>) => {
        if (acked.has(m.id)) redeliveredAfterAck.push(m.id);
        const n = m.fields.n!;
        if (poison.has(n)) return; // processing fails: never acked
        processed.set(n, [...(processed.get(n) ?? []), `${name}#${m.deliveries}`]);
        await sleep(1);
        if (await m.ack()) acked.add(m.id);
      };
      const worker = async (name: string) => {
        for await (const m of group.consume(name, options)) await handle(name, m);
      };
      // The victim takes a batch of 10, acks 2 of them and dies before acking the rest.
      const victim = async () => {
        let seen = 0;
        for await (const m of group.consume("victim", { ...options, claimIdleMs: undefined })) {
          seen++;
          if (seen <= 2 && !poison.has(m.fields.n!)) await handle("victim", m);
          else killedUnacked.add(m.id);
          if (seen === 5) break; // killed: 5 entries in hand unacked, 5 more of its batch never looked at
        }
      };
      await victim();
      const pendingOfVictim = (await group.pendingEntries({ consumer: "victim", count: 100 })).map((r) => r.id);
      expect(pendingOfVictim.length).toBe(8);
      const workers = [worker("a"), worker("b"), worker("c")];
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const done = processed.size === total - poison.size && deadLettered.length >= poison.size && (await group.pending()).count === 0;
        if (done) break;
        await sleep(50);
      }
      stop.abort();
      await Promise.all(workers);

      // Every entry processed at least once, never after its ack.
      for (let i = 1; i <= total; i++) if (!poison.has(String(i))) expect(processed.has(String(i)), `entry ${i} processed`).toBe(true);
      expect(redeliveredAfterAck).toEqual([]);
      // The dead consumer's unacked entries were claimed and processed by the others (a second delivery).
      for (const id of pendingOfVictim) {
        const n = id.split("-")[0]!;
        if (poison.has(n)) continue;
        expect(processed.get(n)!.some((p) => !p.startsWith("victim") && !p.endsWith("#1")), `entry ${id} claimed`).toBe(true);
      }
      // Poison entries: dead-lettered (fields byte for byte) and acked.
      expect([...new Set(deadLettered)].sort()).toEqual([...poison].sort());
      const dead = (await dlq.range()).map((e) => e.fields.n);
      expect([...new Set(dead)].sort()).toEqual([...poison].sort());
      expect(await raw.call("xpending", s.key, "workers")).toEqual([0, null, null, null]);
    }, 60_000);

    it("validates and refuses batches", async () => {
      const { db } = ctx();
      const g = db.stream("sg:v").group("g");
      await expect(g.consume("c", { maxDeliveries: 2 }).next()).rejects.toBeInstanceOf(ValidationError);
      await expect(g.claim("c", ["x"])).rejects.toBeInstanceOf(ValidationError);
      await expect(db.transaction((tx) => [tx.stream("sg:v").group("g").read("c", { block: 5 })])).rejects.toBeInstanceOf(TransactionError);
    });
  },
  { requires: ["lua"] },
);
