/**
 * The engine's memory estimate (maxmemory's `used_memory`) is kept incrementally: each key's
 * estimate sits on its value object (`Value.mem`) and every write replaces the old estimate in
 * the database's `usedBytes`. Held here against a recount after fast-check's generated command
 * mix (every family, MULTI blocks) followed by RENAME, MOVE, COPY, SWAPDB and a BITFIELD that
 * grows a key, which move, copy or grow value objects: the sum equals the recount, and each key's estimate is the one for its
 * own name and contents — a value moved from another key must not keep that key's figure, and a
 * command that changes a value after its touch() (XADD's trimming) must account the change.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/memory/create-engine";
import type { Engine } from "../../src/memory/engine";
import { MemoryClient } from "../../src/memory/facade";
import { estimateKeyBytes } from "../../src/memory/memory-size";
import { BLOCKING, sequence, type Argv } from "../support/differential-commands";

/** Commands that could wait for another client: left out (nothing here would wake them). */
const waits = (argv: Argv) => BLOCKING.has(argv[0]!) || argv.some((a) => a.toUpperCase() === "BLOCK");

/** The recount: every key's estimate from its name and value, summed per database. */
function recount(engine: Engine): { sums: number[]; stale: string[] } {
  const stale: string[] = [];
  const sums = engine.dbs.map((db) => {
    let sum = 0;
    for (const [key, value] of db.data) {
      const own = estimateKeyBytes(key, value, value.type === "string" ? 0 : value.avg ?? 0);
      if (value.mem !== own) stale.push(`db ${db.index} ${JSON.stringify(key)}: ${value.mem} kept, ${own} now`);
      sum += value.mem ?? 0;
    }
    return sum;
  });
  return { sums, stale };
}

describe("the engine's memory estimate", () => {
  it("equals a recount of every key after the generated command mix (moves between keys and databases included)", async () => {
    const engine = createEngine({});
    const client = new MemoryClient({ engine });
    const moves = fc.array(fc.constantFrom<Argv>(["rename", "a", "b"], ["rename", "b", "a"], ["move", "a", "1"], ["copy", "a", "c", "REPLACE"], ["swapdb", "0", "1"], ["select", "1"], ["select", "0"], ["bitfield", "a", "OVERFLOW", "FAIL", "INCRBY", "u8", "800", "65535"]), { maxLength: 6 });
    try {
      await fc.assert(
        fc.asyncProperty(sequence, moves, async (seq, extra) => {
          await client.call("flushall");
          await client.call("select", "0");
          for (const argv of [...seq, ...extra].filter((a) => !waits(a))) await client.call(argv[0]!, ...argv.slice(1)).catch(() => undefined);
          await client.call("exec").catch(() => undefined); // a MULTI left open by the sequence
          const { sums, stale } = recount(engine);
          expect(stale).toEqual([]);
          expect(engine.dbs.map((db) => db.usedBytes)).toEqual(sums);
        }),
        // NARWHAL_USED_BYTES_RUNS: a deeper search by hand (e.g. 20000).
        { numRuns: Number(process.env.NARWHAL_USED_BYTES_RUNS ?? 300) },
      );
    } finally {
      client.disconnect();
      engine.close();
    }
  }, 60_000);
});
