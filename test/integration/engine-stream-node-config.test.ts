/**
 * Issue 17 (Redis's stream.tcl "XADD with LIMIT consecutive calls", "XTRIM with LIMIT…"):
 * `stream-node-max-entries` and `stream-node-max-bytes` through CONFIG SET/GET, against a
 * private redis-server 7.0 (CONFIG changes the whole server), reply by reply: the macro nodes
 * close where Redis's close (XINFO STREAM's radix-tree counts, `MAXLEN ~`/`LIMIT` trimming whole
 * nodes), the value 0 (no entry limit; the listpack's own cap for bytes), the default LIMIT of an
 * approximate trim (100 nodes' worth of entries, capped to 10,000..1,000,000), and the errors.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { openPrivateSides, sameReplies, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

type Cmd = Array<string | number>;
const adds = (key: string, n: number, from = 1, value = "v"): Cmd[] => Array.from({ length: n }, (_, i) => ["xadd", key, `${from + i}-1`, "f", value]);
const info = (key: string): Cmd => ["xinfo", "stream", key];

describe.skipIf(!hasRedisServer())("stream-node-max-entries/-bytes vs a private redis-server (skipped without redis-server)", () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => {
    await sides?.redis.call("config", "set", "stream-node-max-entries", "100", "stream-node-max-bytes", "4096");
    await sides?.close();
  });
  const same = (commands: Cmd[]) => sameReplies(sides, commands);

  it("CONFIG GET/SET: defaults, memory units, bounds and errors (one name per GET: Redis answers a glob in its hash order)", async () => {
    await same([
      ["config", "get", "stream-node-max-entries"],
      ["config", "get", "stream-node-max-bytes"],
      ["config", "set", "stream-node-max-bytes", "1kb"],
      ["config", "get", "stream-node-max-bytes"],
      ["config", "set", "stream-node-max-bytes", "-1"],
      ["config", "set", "stream-node-max-bytes", "abc"],
      ["config", "set", "stream-node-max-entries", "-1"],
      ["config", "set", "stream-node-max-entries", "1k"],
      ["config", "set", "stream-node-max-entries", "9223372036854775808"],
      ["config", "set", "stream-node-max-entries", "7", "stream-node-max-bytes", "0"],
      ["config", "get", "stream-node-max-entries"],
      ["config", "get", "stream-node-max-bytes"],
      ["config", "set", "stream-node-max-entries", "100", "stream-node-max-bytes", "4096"],
    ]);
  });

  it("XADD with LIMIT consecutive calls, XTRIM with LIMIT (stream.tcl)", async () => {
    await same([
      ["del", "s"],
      ["config", "set", "stream-node-max-entries", "10"],
      ...adds("s", 100),
      ["xadd", "s", "MAXLEN", "~", "55", "LIMIT", "30", "101-1", "f", "v"],
      ["xlen", "s"],
      ["xadd", "s", "MAXLEN", "~", "55", "LIMIT", "30", "102-1", "f", "v"],
      ["xlen", "s"],
      info("s"),
      ["del", "s"],
      ["config", "set", "stream-node-max-entries", "2"],
      ...adds("s", 3),
      ["xtrim", "s", "MAXLEN", "~", "0", "LIMIT", "1"],
      ["xtrim", "s", "MAXLEN", "~", "0", "LIMIT", "2"],
      info("s"),
      ["config", "set", "stream-node-max-entries", "100"],
    ]);
  });

  it("node sizes: by bytes, by entries, 0 for either, and the default LIMIT of ~ trimming", async () => {
    await same([
      ["del", "b", "e", "z", "t", "w"],
      ["config", "set", "stream-node-max-bytes", "200"],
      ...adds("b", 40, 1, "x".repeat(20)),
      info("b"),
      ["config", "set", "stream-node-max-bytes", "0", "stream-node-max-entries", "3"],
      ...adds("e", 20),
      info("e"),
      ["config", "set", "stream-node-max-entries", "0"],
      ...adds("z", 300),
      info("z"),
      ["xtrim", "z", "MAXLEN", "~", "10"],
      // entries 0 → an approximate trim's default LIMIT is 10000; 1 → 100
      ["config", "set", "stream-node-max-bytes", "4096", "stream-node-max-entries", "1"],
      ...adds("t", 250),
      ["xtrim", "t", "MAXLEN", "~", "0"],
      ["xlen", "t"],
      ["xadd", "t", "MAXLEN", "~", "0", "300-1", "f", "v"],
      ["xlen", "t"],
      // a product past 2^63 wraps negative in Redis: LIMIT 10000 again
      ["config", "set", "stream-node-max-entries", "92233720368547759"],
      ...adds("w", 30),
      ["xtrim", "w", "MAXLEN", "~", "0"],
      info("w"),
      ["config", "set", "stream-node-max-entries", "100"],
    ]);
  });
});
