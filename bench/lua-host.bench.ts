/**
 * `npm run bench lua-host`: the fengari Lua host in process (EVALSHA straight into the host,
 * with a Map-backed dispatcher) versus EVALSHA on a private redis-server over a unix socket
 * through ioredis. Same scripts on both; ratios > 1 mean the host is faster per call.
 */
import { Redis } from "ioredis";
import { createScriptingHost } from "../src/memory/lua";
import { fakeDispatcher } from "../test/support/fake-dispatcher";
import { privateRedis, table, time } from "./support";

const SCRIPTS: Array<[string, string]> = [
  ["return 1", "return 1"],
  ["GET via redis.call", "return redis.call('get', KEYS[1])"],
  ["INCR + SET", "local n = redis.call('incr', KEYS[1]) redis.call('set', KEYS[2], n) return n"],
  ["cjson round trip", "return cjson.encode(cjson.decode(ARGV[1]))"],
  ["loop 1000", "local s = 0 for i = 1, 1000 do s = s + i end return s"],
];

export default async function run(): Promise<void> {
  const server = await privateRedis();
  const redis = new Redis({ path: server.socket, enableAutoPipelining: false });
  const host = createScriptingHost();
  const d = fakeDispatcher();
  const session = { id: 1, db: 0, protocol: 2 as const };
  const call = (argv: readonly Buffer[]) => d.dispatch(session, argv) as ReturnType<Parameters<typeof host.evalSha>[3]>;
  const keys = [Buffer.from("bench:a"), Buffer.from("bench:b")];
  const args = [Buffer.from('{"a":[1,2,3],"b":"x"}')];
  const rows: Array<Array<string | number>> = [];
  try {
    for (const [name, body] of SCRIPTS) {
      const sha = host.load(Buffer.from(body)) as string;
      await redis.script("LOAD", body);
      const ours = await time(async () => host.evalSha(sha, keys, args, call), { iterations: 20000, warmup: 2000 });
      const theirs = await time(() => redis.evalsha(sha, 2, "bench:a", "bench:b", args[0]!), { iterations: 5000, warmup: 500 });
      rows.push([name, ours.meanUs, theirs.meanUs, theirs.meanUs / ours.meanUs]);
    }
    table("Lua host (in process) vs redis-server EVALSHA (ioredis, unix socket)", ["script", "host µs", "redis µs", "ratio"], rows);
  } finally {
    redis.disconnect();
    await server.stop();
  }
}
