/**
 * The keys a read-only command reads, as Redis 7.0's key specs give them, for CLIENT TRACKING
 * (only READONLY commands are remembered; writes invalidate through the keyspace instead).
 */

const FIRST = new Set([
  "get", "strlen", "getrange", "substr", "type", "ttl", "pttl", "expiretime", "pexpiretime", "dump",
  "getbit", "bitcount", "bitpos", "bitfield_ro",
  "hget", "hmget", "hgetall", "hkeys", "hvals", "hlen", "hexists", "hstrlen", "hrandfield", "hscan",
  "lrange", "lindex", "llen", "lpos",
  "scard", "smembers", "sismember", "smismember", "srandmember", "sscan",
  "zcard", "zscore", "zmscore", "zrange", "zrangebyscore", "zrevrangebyscore", "zrangebylex", "zrevrangebylex", "zrevrange",
  "zrank", "zrevrank", "zcount", "zlexcount", "zscan", "zrandmember", "sort_ro",
  "xlen", "xrange", "xrevrange", "xpending",
]);
/** Read-only subcommands (the table's `container|sub` names), key at argv[2]. */
const SECOND = new Set(["object|encoding", "object|freq", "object|idletime", "object|refcount", "memory|usage", "xinfo|stream", "xinfo|groups", "xinfo|consumers"]);
const ALL = new Set(["mget", "exists", "touch", "sinter", "sunion", "sdiff", "pfcount"]);
const NUMKEYS = new Set(["sintercard", "zinter", "zunion", "zdiff", "zintercard"]);
/** Redis 7.0's CMD_READONLY commands (commands.c) the engine has that take no key: tracked inside scripts only. */
const KEYLESS = new Set(["dbsize", "keys", "randomkey", "scan"]);

/** The keys read by command `name` (lower case) with `argv`, or undefined when it is not a read-only keyed command. */
export function readOnlyKeys(name: string, argv: readonly Buffer[]): readonly Buffer[] | undefined {
  if (FIRST.has(name)) return argv.length > 1 ? [argv[1]!] : undefined;
  if (ALL.has(name)) return argv.slice(1);
  if (name === "lcs") return argv.slice(1, 3);
  if (NUMKEYS.has(name)) {
    const n = Number(argv[1]?.toString("latin1"));
    return Number.isSafeInteger(n) && n > 0 ? argv.slice(2, 2 + n) : undefined;
  }
  if (SECOND.has(name)) return argv.length > 2 ? [argv[2]!] : undefined;
  if (name === "xread") return streamsKeys(argv);
  return undefined;
}

/** Whether `name` is a Redis CMD_READONLY command (argv for container commands): what makes a script's declared keys tracked. */
export function isReadOnly(name: string, argv: readonly Buffer[]): boolean {
  return KEYLESS.has(name) || readOnlyKeys(name, argv) !== undefined;
}

/** XREAD's keys: the first half of the arguments after STREAMS (Redis's key spec); none when they do not pair up. */
function streamsKeys(argv: readonly Buffer[]): readonly Buffer[] | undefined {
  const at = argv.findIndex((a, i) => i > 0 && a.toString("latin1").toLowerCase() === "streams");
  if (at < 0) return undefined;
  const rest = argv.length - at - 1;
  return rest > 0 && rest % 2 === 0 ? argv.slice(at + 1, at + 1 + rest / 2) : undefined;
}
