/**
 * Issue 17 (Redis's hyperloglog.tcl): the engine's MurmurHash64A and register updates must give
 * Redis's registers exactly. Random
 * elements of every length 0..40 (every 8-byte block and tail case, ASCII bytes) go
 * into single-element HLLs (the sparse string spells out the register index and run length,
 * hence the hash) and into big ones (dense after promotion); the HYLL strings and PFCOUNTs are
 * compared with a private redis-server's, byte for byte.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { openPrivateSides, sameReplies, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

/** Deterministic pseudo-random elements (xorshift), latin1 strings of `len` bytes. */
function elements(n: number, seed: number): string[] {
  let x = seed >>> 0 || 1;
  const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
  return Array.from({ length: n }, (_, i) => {
    const len = i % 41;
    let s = "";
    for (let j = 0; j < len; j++) s += String.fromCharCode(next() & 0x7f); // ASCII: the same bytes on both wires
    return s;
  });
}

describe.skipIf(!hasRedisServer())("HyperLogLog hash vs a private redis-server (skipped without redis-server)", () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());

  it("one element per HLL: the same sparse strings (register index and run length)", async () => {
    const els = elements(410, 7);
    await sameReplies(sides, els.flatMap((e, i) => [["pfadd", `one:${i}`, e], ["get", `one:${i}`]]));
  });

  it("thousands of elements: the same dense strings and counts", async () => {
    const els = elements(6000, 99);
    await sameReplies(sides, [
      ["del", "big"],
      ...Array.from({ length: 6 }, (_, i) => ["pfadd", "big", ...els.slice(i * 1000, (i + 1) * 1000)]),
      ["pfcount", "big"],
      ["get", "big"],
    ]);
  });
});
