/**
 * The ioredis-style command methods of the memory facade (`client.hget(k, f)`,
 * `client.hgetBuffer(k, f)`), defined once on a class's prototype rather than per instance:
 * a MULTI builds a new batch each time, and copying ~400 closures onto it cost more than
 * running the transaction.
 */

/** Command names that get a method (and a `…Buffer` twin) on clients and batches. */
export const COMMAND_METHODS = [
  "get", "set", "setnx", "setex", "psetex", "getset", "getdel", "getex", "mget", "mset", "msetnx", "incr", "decr", "incrby", "decrby", "incrbyfloat", "append", "strlen", "getrange", "setrange",
  "del", "unlink", "copy", "move", "exists", "type", "rename", "renamenx", "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "persist", "keys", "scan", "dbsize", "flushdb", "flushall", "select", "ping", "echo", "time", "info",
  "hset", "hmset", "hsetnx", "hget", "hmget", "hdel", "hlen", "hstrlen", "hexists", "hkeys", "hvals", "hgetall", "hincrby", "hincrbyfloat", "hrandfield", "hscan",
  "lpush", "rpush", "lmpop", "blmpop", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "lindex", "lset", "linsert", "lrem", "ltrim", "lpos", "lmove", "rpoplpush", "blpop", "brpop", "blmove", "brpoplpush",
  "sadd", "srem", "smembers", "sismember", "smismember", "scard", "spop", "srandmember", "smove", "sinter", "sintercard", "sinterstore", "sunion", "sunionstore", "sdiff", "sdiffstore", "sscan",
  "zadd", "zincrby", "zrem", "zscore", "zmscore", "zcard", "zcount", "zlexcount", "zrank", "zrevrank", "zrange", "zrangestore", "zrangebyscore", "zrevrangebyscore", "zrangebylex", "zrevrangebylex", "zrevrange",
  "zremrangebyrank", "zremrangebyscore", "zremrangebylex", "zpopmin", "zpopmax", "bzpopmin", "bzpopmax", "zmpop", "bzmpop", "zrandmember", "zunionstore", "zinterstore", "zdiffstore", "zunion", "zinter", "zdiff", "zscan",
  "pfadd", "pfcount", "pfmerge", "eval", "evalsha", "script", "watch", "unwatch",
  "xadd", "xrange", "xrevrange", "xlen", "xdel", "xtrim", "xsetid", "xread", "xreadgroup", "xgroup", "xack", "xpending", "xclaim", "xautoclaim", "xinfo",
  "setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro",
] as const;

/** Defines `name(...args)` and `nameBuffer(...args)` for every command on `proto`, calling `send`. */
export function defineCommandMethods<T>(proto: T, send: (self: T, name: string, buffers: boolean, args: unknown[]) => unknown): void {
  for (const name of COMMAND_METHODS) {
    for (const [method, buffers] of [[name, false], [`${name}Buffer`, true]] as const) {
      Object.defineProperty(proto, method, {
        value(this: T, ...args: unknown[]) {
          return send(this, name, buffers, args);
        },
        writable: true,
        configurable: true,
      });
    }
  }
}
