/**
 * Issue 17: COMMAND INFO / LIST / COUNT / GETKEYS / GETKEYSANDFLAGS and CLIENT INFO's buffer
 * fields of `narwhal serve` against a private redis-server 7.0, on raw sockets. serve answers
 * for the commands it has (Redis's own entries for them, RESP2 and RESP3 byte for byte); a
 * command it lacks (GEOADD, MIGRATE, CLUSTER…) is unknown to COMMAND as to the server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokens } from "../support/raw-resp";
import { hasRedisServer } from "../support/servers";
import { parseReplies, ServePair, SIDES, type Parsed, type Side } from "../support/serve-vs-redis";

/**
 * COMMAND INFO entries with their subcommands sorted by name: Redis lists a container's
 * subcommands in its dict's order, which changes with each process's hash seed.
 */
function sortedSubcommands(entries: Parsed): Parsed {
  if (!Array.isArray(entries)) return entries;
  return entries.map((entry) => {
    if (!Array.isArray(entry) || entry.length < 10) return entry;
    const subs = entry[9]!;
    const list = Array.isArray(subs) ? subs : typeof subs === "object" && "set" in subs ? subs.set : [];
    const sorted = [...list].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    return [...entry.slice(0, 9), Array.isArray(subs) ? sorted : { set: sorted }];
  });
}

/** The bulk strings of a flat array reply. */
const names = (stream: string) => tokens(stream).filter((_, i, all) => all[i - 1]?.startsWith("$"));

const GETKEYS: string[][] = [
  ["GET", "k"],
  ["SET", "k", "v"],
  ["SET", "k", "v", "GET"],
  ["MSET", "a", "1", "b", "2"],
  ["LMOVE", "k1", "k2", "LEFT", "RIGHT"],
  ["SORT", "k1", "BY", "w*", "LIMIT", "0", "1", "STORE", "k2"],
  ["SORT_RO", "k1", "GET", "#"],
  ["BITFIELD", "k", "GET", "u8", "0"],
  ["BITFIELD", "k", "SET", "u8", "0", "1"],
  ["EVAL", "return 1", "2", "a", "b", "arg"],
  ["EVAL", "return 1", "0"],
  ["FCALL_RO", "f", "1", "a"],
  ["ZUNIONSTORE", "dst", "3", "a", "b", "c", "WEIGHTS", "1", "2", "3"],
  ["XREAD", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0"],
  ["XGROUP", "CREATE", "k", "g", "$"],
  ["MEMORY", "USAGE", "k"],
  ["OBJECT", "ENCODING", "k"],
  ["LCS", "k1", "k2"],
  ["BLMPOP", "0", "2", "a", "b", "LEFT"],
  ["RENAME", "a", "b"],
  ["PING"],
  ["CONFIG", "GET", "x"],
  ["NOSUCHCOMMAND", "x"],
  ["GET"],
  ["ZUNIONSTORE", "dst", "x", "a"],
  ["CONFIG"],
];

describe.skipIf(!hasRedisServer())("COMMAND and CLIENT INFO buffers, serve vs a private redis-server (skipped without redis-server)", () => {
  const pair = new ServePair();
  beforeAll(() => pair.start());
  afterAll(() => pair.stop());

  it("COMMAND INFO of every command serve has is Redis's entry, in RESP2 and RESP3; unknown names and subcommands are nil", async () => {
    const served = names(await pair.connect("serve").exchange([["COMMAND", "LIST"]])).filter((n) => !n.includes("|"));
    expect(served.length).toBeGreaterThan(180);
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      const c = pair.connect(side);
      const resp2 = parseReplies(await c.exchange([["COMMAND", "INFO", ...served, "geoadd_nope", "get|key", "config|get|x", "CONFIG|GET"]], 300)).map(sortedSubcommands);
      await c.exchange([["HELLO", "3"]]);
      const resp3 = parseReplies(await c.exchange([["COMMAND", "INFO", ...served]], 300)).map(sortedSubcommands);
      seen[side] = { resp2, resp3 };
    }
    expect(seen.serve).toEqual(seen.redis);
    expect((seen.serve as { resp2: Parsed[][] }).resp2[0]!.length).toBe(served.length + 4);
  });

  it("COMMAND LIST [FILTERBY …] is Redis's list restricted to serve's commands; COMMAND and COUNT agree with it; syntax errors match", async () => {
    const serve = pair.connect("serve");
    const redis = pair.connect("redis");
    const all = new Set(names(await serve.exchange([["COMMAND", "LIST"]])));
    const redisAll = new Set(names(await redis.exchange([["COMMAND", "LIST"]])));
    expect([...all].filter((n) => !redisAll.has(n))).toEqual([]);
    expect(all.has("client|list") && all.has("config|resetstat") && all.has("set") && !all.has("geoadd")).toBe(true);
    for (const filter of [["ACLCAT", "scripting"], ["ACLCAT", "SortedSet"], ["ACLCAT", "nope"], ["PATTERN", "z*"], ["PATTERN", "cl*help"], ["PATTERN", "CONFIG|*RE*"], ["MODULE", "none"]]) {
      const got = names(await serve.exchange([["COMMAND", "LIST", "FILTERBY", ...filter]])).sort();
      const want = names(await redis.exchange([["COMMAND", "LIST", "FILTERBY", ...filter]])).filter((n) => all.has(n)).sort();
      expect(got, filter.join(" ")).toEqual(want);
    }
    const count = tokens(await serve.exchange([["COMMAND", "COUNT"]]))[0];
    const top = [...all].filter((n) => !n.includes("|")).length;
    expect(count).toBe(`:${top}`);
    expect(tokens(await serve.exchange([["COMMAND"]]))[0]).toBe(`*${top}`);
    const errors = [["COMMAND", "LIST", "bad"], ["COMMAND", "LIST", "FILTERBY", "bad", "x"], ["COMMAND", "LIST", "FILTERBY", "PATTERN"], ["COMMAND", "COUNT", "x"], ["COMMAND", "NOPE"]];
    expect(tokens(await serve.exchange(errors))).toEqual(tokens(await redis.exchange(errors)));
  });

  it("COMMAND GETKEYS and GETKEYSANDFLAGS answer as Redis (key specs, SET/BITFIELD/SORT procedures, errors), RESP2 and RESP3", async () => {
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      const c = pair.connect(side);
      const keys = tokens(await c.exchange(GETKEYS.map((cmd) => ["COMMAND", "GETKEYS", ...cmd])));
      const flags2 = tokens(await c.exchange(GETKEYS.map((cmd) => ["COMMAND", "GETKEYSANDFLAGS", ...cmd])));
      await c.exchange([["HELLO", "3"]]);
      const flags3 = tokens(await c.exchange(GETKEYS.map((cmd) => ["COMMAND", "GETKEYSANDFLAGS", ...cmd])));
      seen[side] = { keys, flags2, flags3 };
    }
    expect(seen.serve).toEqual(seen.redis);
    expect((seen.serve as { keys: string[] }).keys.slice(0, 2)).toEqual(["*1", "$1"]);
  });

  it("CLIENT INFO's buffer fields: the query buffer, the command's arguments and pending replies of a pipeline", async () => {
    const fields = ["qbuf", "argv-mem", "multi-mem", "obl", "oll", "omem"];
    const pick = (line: string) => fields.map((f) => new RegExp(`(?:^| )(${f}=[^ ]*)`).exec(line)?.[1]).join(" ");
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      const c = pair.connect(side);
      const alone = pick(tokens(await c.exchange([["CLIENT", "INFO"]]))[1]!);
      const piped = pick(tokens(await c.exchange([["SET", "buf:k", "v"], ["GET", "buf:k"], ["CLIENT", "INFO"]]))[4]!);
      seen[side] = { alone, piped };
    }
    expect(seen.serve).toEqual(seen.redis);
    expect((seen.serve as { alone: string }).alone).toBe("qbuf=26 argv-mem=10 multi-mem=0 obl=0 oll=0 omem=0");
  });
});
