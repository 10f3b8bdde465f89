/**
 * The local answer tier of autocomplete (`local: { maxEntries }`): a repeated search is
 * answered from process memory (no command sent), and never after a change of the index made
 * by anyone — another Database ("process"), a boost, a clear — once that change's
 * invalidation is in (`sync()` waits for it). On standalone, cluster and the embedded engine.
 */
import { expect, it } from "vitest";
import type { Autocomplete } from "../../src/autocomplete/autocomplete";
import type { ClientLike } from "../../src/client";
import { Database } from "../../src/database";
import { describeBackends } from "../support/backends";
import { rng } from "../support/random";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let counter = 0;
const unique = (base: string) => `${base}${++counter}`;
const titles = (r: Array<{ title: string }>) => r.map((x) => x.title);

async function up(ac: Autocomplete<unknown>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (ac.localState !== "up") {
    if (Date.now() > deadline) throw new Error(`local answer tier still ${ac.localState}`);
    await sleep(2);
  }
}

/** Counts the commands `client` sends (call/callBuffer, pipelines and MULTIs) while `fn` runs. */
async function commandsDuring(client: ClientLike, fn: () => Promise<unknown>): Promise<number> {
  const c = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  // Every way narwhal sends: call/callBuffer, the drivers' callArgs/callBufferArgs/sendArgs (node-redis adapter), batches.
  const methods = ["call", "callBuffer", "callArgs", "callBufferArgs", "sendArgs", "pipeline", "multi"].filter((m) => typeof c[m] === "function");
  const originals = Object.fromEntries(methods.map((m) => [m, c[m]!]));
  let sent = 0;
  for (const m of methods) {
    c[m] = function (this: unknown, ...args: unknown[]) {
      sent++;
      return originals[m]!.apply(this, args);
    };
  }
  try {
    await fn();
  } finally {
    Object.assign(c, originals);
  }
  return sent;
}

describeBackends("autocomplete local answer tier", (ctx) => {
  function twoProcesses(name: string): { reader: Autocomplete<{ n: number }>; writer: Autocomplete<{ n: number }>; db2: Database } {
    const { db, backend, prefix } = ctx();
    const db2 = new Database(backend.client(), { prefix });
    return { reader: db.autocomplete<{ n: number }>(name, { local: { maxEntries: 100 } }), writer: db2.autocomplete<{ n: number }>(name), db2 };
  }

  it("answers a repeated search from memory: no command sent, fresh objects each time", async () => {
    const { reader, writer, db2 } = twoProcesses(unique("loc"));
    try {
      await up(reader);
      await writer.addMany([
        { id: "1", title: "Paris", score: 3, data: { n: 1 } },
        { id: "2", title: "Parma", score: 2, data: { n: 2 } },
      ]);
      await reader.sync();
      const first = await reader.search("par");
      expect(titles(first)).toEqual(["Paris", "Parma"]);
      let again: Array<{ title: string; data?: { n: number } }> = [];
      expect(await commandsDuring(ctx().db.client, async () => (again = await reader.search("par")))).toBe(0);
      expect(again).toEqual(first);
      expect(again[0]).not.toBe(first[0]); // a caller mutating its result never changes another's
      // A different page, fuzzy flag or limit is a different search.
      expect(await commandsDuring(ctx().db.client, () => reader.search("par", { limit: 1 }))).toBeGreaterThan(0);
    } finally {
      reader.close();
      await db2.close();
      db2.client.disconnect();
    }
  });

  it("a write, a removal, a boost or a clear from another process is seen after sync(), and soon without it", async () => {
    const { reader, writer, db2 } = twoProcesses(unique("loc"));
    try {
      await up(reader);
      await writer.add({ id: "1", title: "Lyon", score: 5 });
      await reader.sync();
      expect(titles(await reader.search("ly"))).toEqual(["Lyon"]);
      await writer.add({ id: "2", title: "Lyonville", score: 9 });
      await reader.sync();
      expect(titles(await reader.search("ly"))).toEqual(["Lyonville", "Lyon"]);
      await writer.boost("1", 10);
      await reader.sync();
      expect(titles(await reader.search("ly"))).toEqual(["Lyon", "Lyonville"]);
      await writer.remove("1");
      await reader.sync();
      expect(titles(await reader.search("ly"))).toEqual(["Lyonville"]);
      await writer.add({ id: "3", title: "Lyons", score: 1 });
      for (let i = 0; i < 500 && titles(await reader.search("ly")).length !== 2; i++) await sleep(2); // the invalidation crosses a socket
      expect(titles(await reader.search("ly"))).toEqual(["Lyonville", "Lyons"]);
      await writer.clear();
      await reader.sync();
      expect(await reader.search("ly")).toEqual([]);
    } finally {
      reader.close();
      await db2.close();
      db2.client.disconnect();
    }
  });

  it("read your writes: this process's add, remove, boost and clear are seen by its next search at once", async () => {
    const { db } = ctx();
    const ac = db.autocomplete(unique("ryw"), { local: { maxEntries: 10 } });
    await up(ac);
    await ac.add({ id: "1", title: "Bordeaux", score: 1 });
    expect(titles(await ac.search("bor"))).toEqual(["Bordeaux"]);
    expect(titles(await ac.search("bor"))).toEqual(["Bordeaux"]); // kept
    await ac.add({ id: "2", title: "Borneo", score: 2 });
    expect(titles(await ac.search("bor"))).toEqual(["Borneo", "Bordeaux"]);
    await ac.boost("1", 5);
    expect(titles(await ac.search("bor"))).toEqual(["Bordeaux", "Borneo"]);
    await ac.remove("1");
    expect(titles(await ac.search("bor"))).toEqual(["Borneo"]);
    await ac.addMany([{ id: "3", title: "Bora Bora", score: 9 }]);
    expect(titles(await ac.search("bor"))).toEqual(["Bora Bora", "Borneo"]);
    await ac.clear();
    expect(await ac.search("bor")).toEqual([]);
    ac.close();
  });

  it("a closed tier is off: searches go to Redis", async () => {
    const { db } = ctx();
    const ac = db.autocomplete(unique("loc"), { local: { maxEntries: 10 } });
    await up(ac);
    await ac.add({ id: "1", title: "Nice", score: 1 });
    await ac.sync();
    expect(titles(await ac.search("ni"))).toEqual(["Nice"]);
    expect(await commandsDuring(db.client, () => ac.search("ni"))).toBe(0);
    ac.close();
    expect(ac.localState).toBe("closed");
    expect(titles(await ac.search("ni"))).toEqual(["Nice"]);
    expect(await commandsDuring(db.client, () => ac.search("ni"))).toBeGreaterThan(0);
  });

  it("random writes from another process and searches through the tier: after sync() every answer equals a search without it", async () => {
    const name = unique("model");
    const { reader, writer, db2 } = twoProcesses(name);
    const next = rng(4242);
    const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
    const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
    const words = ["san", "santa", "sant", "new", "newport", "port", "porto", "lake", "la", "los"];
    try {
      await up(reader);
      let localHits = 0;
      for (let step = 0; step < 150; step++) {
        const op = int(0, 9);
        const id = String(int(1, 25));
        if (op < 3) {
          const title = Array.from({ length: int(1, 3) }, () => pick(words)).join(" ");
          await writer.add({ id, title, score: int(0, 100), data: { n: step } });
        } else if (op < 4) await writer.remove(id);
        else if (op < 5) await writer.boost(id, pick([1, 2, 0.5]));
        await reader.sync();
        const q = pick(["s", "sa", "san", "n", "ne", "p", "po", "l", "la", "san p", "la s", "new po"]);
        const expected = await writer.search(q, { limit: 5 });
        let got: unknown;
        const sent = await commandsDuring(ctx().db.client, async () => (got = await reader.search(q, { limit: 5 })));
        if (sent === 0) localHits++;
        expect(got, `step ${step}: "${q}"`).toEqual(expected);
      }
      expect(localHits).toBeGreaterThan(10);
    } finally {
      reader.close();
      await db2.close();
      db2.client.disconnect();
    }
  });
}, { requires: ["tracking"] });
