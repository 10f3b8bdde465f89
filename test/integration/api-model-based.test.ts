/**
 * Issue 9: a stateful property test of the public API. fast-check generates sequences of
 * container operations (RList, RHash incl. a counter hash read through two codecs, RSet,
 * RZSet), model operations (create/upsert/find/getMany/exists/save/incr/delete/query/count),
 * autocomplete add/remove/search (and bulk loads that overflow its prefix lists) and cache
 * set/get/…/wrap/invalidate, issued directly, inside `db.pipeline` and inside
 * `db.transaction`, with SCRIPT FLUSH injected at random points (and before half of the
 * batches), on standalone Redis, a 3-master cluster and the embedded engine. After every step
 * the result and the touched state are compared with a plain in-process oracle
 * (test/support/pbt/); a failure is shrunk and printed as the sequence of calls.
 *
 * NARWHAL_PBT_STEPS (default 5000) steps per backend, NARWHAL_PBT_SEED (default fixed) seeds
 * the generator; the seed, the steps run and the time are printed per backend. Each sequence
 * focuses on 1–3 families of operations (printed first in a counterexample) so that state
 * builds up: a list sees pushes, pops and removes of the same few values, not one call.
 * On the cluster a batch holds container operations (all under the {pbt} hash tag) or model
 * operations (the model's own tag), never both, since a batch must stay in one slot.
 * NARWHAL_PBT_STATS=1 also prints how often each operation ended in each outcome (and its mean time).
 */
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ClientLike } from "../../src/index";
import { backends } from "../support/backends";
import type { Stats } from "../support/pbt/commands";
import { checkState, commandArbitraries, everything, FAMILIES } from "../support/pbt/commands";
import { Oracle } from "../support/pbt/core";
import { closeWorld, deleteKeys, openWorld } from "../support/pbt/world";

const STEPS = Number(process.env.NARWHAL_PBT_STEPS ?? 5000);
const SEED = Number(process.env.NARWHAL_PBT_SEED ?? 0x9e3779b9 % 2 ** 31);
/** Longest generated sequence (fast-check draws lengths up to it: about half on average). */
const MAX_COMMANDS = 60;

for (const backend of backends()) {
  const title = `public API vs an in-process oracle, random sequences [${backend.name}]`;
  if (backend.unavailable) {
    describe.skip(`${title}: not run, ${backend.unavailable}`, () => it("model-based sequences", () => undefined));
    continue;
  }
  if (backend.lacks?.lua) {
    describe.skip(`${title}: not run, needs lua (${backend.lacks.lua})`, () => it("model-based sequences", () => undefined));
    continue;
  }
  // SCRIPT FLUSH only on servers the harness started (and on the engine, which is private).
  const external = backend.name === "standalone" ? inject("standalone")?.external : backend.name === "cluster" ? inject("cluster")?.external : false;
  const flushNote = external ? " (SCRIPT FLUSH not injected: external server)" : ", SCRIPT FLUSH injected";

  describe(title, () => {
    let client: ClientLike;
    let raw: ClientLike;
    const suite = `t${randomBytes(4).toString("hex")}`;

    beforeAll(() => {
      client = backend.client();
      raw = backend.client();
      // Every run borrows this client with a Database of its own (one close/ready listener each).
      (client as unknown as { setMaxListeners?: (n: number) => void }).setMaxListeners?.(0);
    });

    afterAll(async () => {
      await deleteKeys(raw, suite);
      client.disconnect();
      raw.disconnect();
    });

    it(`≥ ${STEPS} steps: direct calls, pipelines and transactions${flushNote}`, async () => {
      const stats: Stats = { runs: 0, steps: 0, ops: 0, batches: 0, flushes: 0, outcomes: new Map() };
      const options = { cluster: backend.name === "cluster", flush: !external };
      // Each sequence focuses on 1–3 families (drawn 8× as often), so that their state builds up.
      const focus = fc.shuffledSubarray([...FAMILIES], { minLength: 1, maxLength: 3 });
      const sequences = focus.chain((f) => fc.tuple(fc.constant(f), fc.commands(commandArbitraries(stats, options, f), { size: "max", maxCommands: MAX_COMMANDS })));
      const property = fc.asyncProperty(sequences, async ([, cmds]) => {
        const o = new Oracle();
        const w = openWorld({ backend: backend.name, client, raw, prefix: `${suite}:${stats.runs++}`, flush: !external });
        try {
          await fc.asyncModelRun(() => ({ model: o, real: w }), cmds);
          const problems = await checkState(o, w, everything());
          if (problems.length > 0) throw new Error(`final state (${backend.name})\n  - ${problems.join("\n  - ")}`);
        } finally {
          await closeWorld(w);
        }
      });
      const started = Date.now();
      // Sequences vary in length: keep drawing (next seed) until the step budget is spent.
      for (let round = 0; stats.steps < STEPS; round++) {
        const seed = (SEED + round) % 2 ** 31;
        const numRuns = Math.max(5, Math.ceil((STEPS - stats.steps) / (MAX_COMMANDS / 2)));
        try {
          await fc.assert(property, { seed, numRuns, verbose: 1 });
        } catch (error) {
          if (error instanceof Error) error.message = `[${backend.name}] reproduce with NARWHAL_PBT_SEED=${seed} (the shrunk sequence is printed below)\n${error.message}`;
          throw error;
        }
      }
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `[api-model-based] ${backend.name}: ${stats.steps} steps (${stats.ops} operations, ${stats.batches} batches, ${stats.flushes} SCRIPT FLUSH) in ${stats.runs} sequences, ${seconds.toFixed(1)} s, seed ${SEED}`,
      );
      if (process.env.NARWHAL_PBT_STATS === "1") {
        const rows = [...stats.outcomes].sort(([a], [b]) => (a < b ? -1 : 1));
        console.log(rows.map(([k, { n, ms }]) => `  ${String(n).padStart(5)} ${ms > 0 ? `${(ms / n).toFixed(2).padStart(7)} ms` : "          "}  ${k}`).join("\n"));
      }
      expect(stats.steps).toBeGreaterThanOrEqual(STEPS);
    }, 600_000);
  });
}
