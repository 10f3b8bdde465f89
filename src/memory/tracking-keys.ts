/**
 * The keys a read-only command reads, as Redis 7.0's key specs give them, for CLIENT TRACKING
 * (only READONLY commands are remembered; writes invalidate through the keyspace instead).
 */

const FIRST = new Set([
  "get", "strlen", "getrange", "substr", "type", "ttl", "pttl", "expiretime", "pexpiretime",
  "hget", "hmget", "hgetall", "hkeys", "hvals", "hlen", "hexists", "hstrlen", "hrandfield", "hscan",
  "lrange", "lindex", "llen", "lpos",
  "scard", "smembers", "sismember", "smismember", "srandmember", "sscan",
  "zcard", "zscore", "zmscore", "zrange", "zrangebyscore", "zrevrangebyscore", "zrangebylex", "zrevrangebylex", "zrevrange",
  "zrank", "zrevrank", "zcount", "zlexcount", "zscan", "zrandmember", "sort_ro", "dump",
]);
const ALL = new Set(["mget", "exists", "touch", "sinter", "sunion", "sdiff", "pfcount"]);
const NUMKEYS = new Set(["sintercard", "zinter", "zunion", "zdiff", "zintercard"]);

/** The keys read by command `name` (lower case) with `argv`, or undefined when it is not a read-only keyed command. */
export function readOnlyKeys(name: string, argv: readonly Buffer[]): readonly Buffer[] | undefined {
  if (FIRST.has(name)) return argv.length > 1 ? [argv[1]!] : undefined;
  if (ALL.has(name)) return argv.slice(1);
  if (name === "lcs") return argv.slice(1, 3);
  if (NUMKEYS.has(name)) {
    const n = Number(argv[1]?.toString("latin1"));
    return Number.isSafeInteger(n) && n > 0 ? argv.slice(2, 2 + n) : undefined;
  }
  return undefined;
}
