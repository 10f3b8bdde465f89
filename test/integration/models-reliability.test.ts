/**
 * Reliability of the model layer: an invariant checker after random concurrent writes from
 * 20 connections, after a run where connections are killed mid-stream, 50 concurrent
 * creates racing for one unique email, and expiry sweeps.
 */
import { expect, it } from "vitest";
import { Database } from "../../src/database";
import { Model, model, field } from "../../src/index";
import { ConnectionError, UniqueConstraintError } from "../../src/errors";
import type { RHash } from "../../src/containers/hash";
import { buildModelMeta } from "../../src/models/metadata";
import { describeBackends } from "../support/backends";
import type { SuiteContext } from "../support/backends";
import { checkModelInvariants } from "../support/model-invariants";

@model({ name: "Acct" })
class Acct extends Model {
  @field.id() id!: string;
  @field.text({ unique: true }) email!: string;
  @field.text({ index: true }) team = "red";
  @field.integer({ index: true }) n = 0;
  @field.text({ fullText: true }) bio = "";
  @field.hash() h!: RHash<string>;
}

const TEAMS = ["red", "green", "blue", "a:b", "{x}"];
const WORDS = ["alpha", "beta", "gamma", "délta", "ε", "🦭"];

/** One subclass per connection, all named "Acct" (same keys), each bound to its own Database. */
function clients(count: number, make: () => Database): Array<{ db: Database; M: typeof Acct }> {
  return Array.from({ length: count }, () => {
    const db = make();
    const M = class extends Acct {};
    model({ name: "Acct" })(M);
    M.use(db);
    return { db, M };
  });
}

async function randomOps(workers: Array<{ M: typeof Acct }>, total: number, emails: number): Promise<{ ok: number; unique: number; other: number; errors: string[] }> {
  const ids: string[] = [];
  const stats = { ok: 0, unique: 0, other: 0, errors: [] as string[] };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const bio = () => Array.from({ length: 1 + Math.floor(Math.random() * 4) }, () => pick(WORDS)).join(" ");
  let next = 0;
  await Promise.all(
    workers.map(async ({ M }) => {
      while (next < total) {
        next++;
        const roll = Math.random();
        try {
          if (roll < 0.35 || ids.length < 5) {
            const a = await M.create({ email: `e${Math.floor(Math.random() * emails)}@x.io`, team: pick(TEAMS), n: Math.floor(Math.random() * 100), bio: bio() });
            ids.push(a.id);
            if (Math.random() < 0.3) await a.h.set("k", "v");
          } else if (roll < 0.65) {
            const a = await M.find(pick(ids));
            if (!a) continue;
            if (Math.random() < 0.5) a.team = pick(TEAMS);
            if (Math.random() < 0.5) a.email = `e${Math.floor(Math.random() * emails)}@x.io`;
            if (Math.random() < 0.5) a.bio = Math.random() < 0.2 ? "" : bio();
            if (Math.random() < 0.5) a.n = Math.floor(Math.random() * 100);
            await a.save();
          } else if (roll < 0.75) {
            const a = await M.find(pick(ids));
            if (a) await a.incr("n", 1 + Math.floor(Math.random() * 5));
          } else if (roll < 0.85) {
            await M.create({ id: pick(ids), email: `e${Math.floor(Math.random() * emails)}@x.io`, team: pick(TEAMS), bio: bio() }, { upsert: true });
          } else {
            const a = await M.find(pick(ids));
            if (a) await a.delete();
          }
          stats.ok++;
        } catch (error) {
          if (error instanceof UniqueConstraintError) stats.unique++;
          else if ((error as { code?: string }).code === "NOT_FOUND") stats.ok++;
          else {
            stats.other++;
            if (stats.errors.length < 5) stats.errors.push((error as Error).message);
            // Refused while reconnecting (nothing sent): pause so the run spans the reconnect.
            if (error instanceof ConnectionError && !error.mayHaveApplied) await new Promise((resolve) => setTimeout(resolve, 5));
          }
        }
      }
    }),
  );
  return stats;
}

/** Kills the connections named `name` on one server (CLIENT LIST, then CLIENT KILL ID each); returns how many. */
async function killNamed(node: { call: (command: string, ...args: string[]) => Promise<unknown> }, name: string): Promise<number> {
  let killed = 0;
  for (const line of String(await node.call("client", "list")).split("\n")) {
    const id = line.includes(` name=${name} `) ? /\bid=(\d+)/.exec(line)?.[1] : undefined;
    if (id) killed += Number(await node.call("client", "kill", "id", id));
  }
  return killed;
}

/** Client factories and the invariant check, for a suite context. */
function reliabilityKit(ctx: () => SuiteContext) {
  const meta = buildModelMeta(Acct);
  const base = () => `{${ctx().prefix}:Acct}:`;
  const quietClient = (name?: string) => {
    const c = ctx().backend.client(name);
    c.on("error", () => undefined); // killed connections reconnect; their errors surface as rejected commands
    return c;
  };
  const make = (name?: string) => new Database(quietClient(name), { prefix: ctx().prefix });
  /** A fresh client for the checker (the suite's own raw client may have just been killed). */
  const check = async () => {
    const c = quietClient();
    try {
      const nodes = (c as unknown as { nodes?: (r: string) => unknown[] }).nodes;
      await c.call("ping");
      for (let i = 0; nodes && nodes.call(c, "master").length < 3 && i < 100; i++) await new Promise((r) => setTimeout(r, 20));
      return await checkModelInvariants(c, meta, base());
    } finally {
      c.disconnect();
    }
  };
  return { quietClient, make, check };
}

describeBackends("models reliability", (ctx) => {
  const { make, check } = reliabilityKit(ctx);

  it("2,000 random creates/updates/upserts/incrs/deletes from 20 concurrent clients keep every invariant", async () => {
    const workers = clients(20, make);
    try {
      const stats = await randomOps(workers, 2000, 150);
      const report = await check();
      console.log(`[invariants ${ctx().backend.name}] ops=2000 ok=${stats.ok} unique-rejections=${stats.unique} other-errors=${stats.other} records=${report.records} keys=${report.keys} orphan-containers=${report.orphanContainers} violations=${report.violations.length}`, report.violations.slice(0, 8));
      expect(stats.errors).toEqual([]);
      expect(report.violations).toEqual([]);
      expect(report.records).toBeGreaterThan(0);
    } finally {
      await Promise.all(workers.map(async (w) => { await w.db.close(); w.db.client.disconnect(); }));
      await Acct.query().deleteAll().catch(() => undefined);
    }
  }, 60000);

  it("50 concurrent creates of the same email: exactly one wins", async () => {
    const workers = clients(10, make);
    try {
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => workers[i % 10]!.M.create({ email: "race@x.io", team: `t${i}` })));
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r) => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost.every((r) => (r as PromiseRejectedResult).reason instanceof UniqueConstraintError)).toBe(true);
      expect(await workers[0]!.M.count((q) => q.team.in(Array.from({ length: 50 }, (_, i) => `t${i}`)))).toBe(1);
      expect((await check()).violations).toEqual([]);
    } finally {
      await Promise.all(workers.map(async (w) => { await w.db.close(); w.db.client.disconnect(); }));
      await Acct.query().deleteAll().catch(() => undefined);
    }
  });
});

describeBackends(
  "models reliability under killed connections",
  (ctx) => {
    const { quietClient, make, check } = reliabilityKit(ctx);

    it("connections killed mid-stream (CLIENT KILL ID, every worker connection) leave no half-written record", async () => {
      // Only this test's worker connections are killed (found by name in CLIENT LIST): suites
      // running at the same time on the same servers keep theirs.
      const victims = `narwhal-victim-${ctx().prefix}`;
      const workers = clients(10, () => make(victims));
      const killer = quietClient();
      const nodes = (killer as unknown as { nodes?: (r: string) => Array<{ call: (...a: unknown[]) => Promise<unknown> }> }).nodes;
      let kills = 0;
      let running = true;
      const killing = (async () => {
        while (running) {
          await new Promise((r) => setTimeout(r, 15 + Math.random() * 25));
          const targets = nodes ? nodes.call(killer, "master") : [killer];
          for (const t of targets) {
            try {
              kills += await killNamed(t, victims);
            } catch {
              /* the killer itself reconnecting */
            }
          }
        }
      })();
      try {
        const stats = await randomOps(workers, 1000, 100);
        running = false;
        await killing;
        await new Promise((r) => setTimeout(r, 200));
        const report = await check();
        console.log(`[invariants+kills ${ctx().backend.name}] ops=1000 ok=${stats.ok} unique-rejections=${stats.unique} failed-by-kill=${stats.other} connections-killed=${kills} records=${report.records} orphan-containers=${report.orphanContainers} violations=${report.violations.length}`, report.violations.slice(0, 5));
        expect(kills).toBeGreaterThan(0);
        expect(report.violations).toEqual([]);
      } finally {
        running = false;
        killer.disconnect();
        await Promise.all(workers.map(async (w) => { w.db.client.disconnect(); }));
        await Acct.query().deleteAll().catch(() => undefined);
      }
    }, 60000);
  },
  { requires: ["connections"] },
);
