/**
 * How a native script (a JavaScript port of one of narwhal's own Lua scripts, see
 * `native-scripts.ts`) talks to the engine: the same `redis.call` path a Lua script takes
 * (`Engine.dispatchInScript`, RESP2 replies), with Lua's value conversions, on latin1
 * strings so every byte round-trips exactly as a Lua string would.
 */
import { Buffer } from "node:buffer";
import { bytes, id } from "../bytes";
import { formatDouble } from "../format-double";
import { DoubleReply, ErrorReply, MapReply, SetReply, StatusReply } from "../protocol";
import type { Reply, ScriptCall } from "../protocol";

/** A reply as a Lua script sees it after `redis.call` in RESP2: false for nil, strings for bulk and doubles. */
export type LuaValue = number | string | false | LuaValue[] | { ok: string };

/** Thrown by {@link ScriptCalls.call} when a command fails, as `redis.call` raises in Lua. */
export class NativeScriptError extends Error {
  constructor(readonly reply: ErrorReply) {
    super(reply.message);
    this.name = "NativeScriptError";
  }
}

function toLuaValue(reply: Reply): LuaValue {
  if (typeof reply === "number") return reply;
  if (typeof reply === "bigint") return Number(reply); // a Lua number is a double, as in Redis
  if (reply === null) return false;
  if (Buffer.isBuffer(reply)) return id(reply);
  if (Array.isArray(reply)) return (reply as readonly Reply[]).map(toLuaValue);
  if (reply instanceof DoubleReply) return formatDouble(reply.value);
  if (reply instanceof StatusReply) return { ok: reply.value };
  if (reply instanceof MapReply) return reply.entries.flat().map(toLuaValue);
  if (reply instanceof SetReply) return reply.items.map(toLuaValue);
  throw new NativeScriptError(reply as ErrorReply);
}

/** `redis.call` for native scripts. Arguments are latin1 strings (byte strings) or numbers. */
export class ScriptCalls {
  constructor(private readonly dispatch: ScriptCall) {}

  /** Runs one command; throws {@link NativeScriptError} on an error reply, like `redis.call`. */
  call(args: ReadonlyArray<string | number>): LuaValue {
    const argv = new Array<Buffer>(args.length);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      argv[i] = bytes(typeof a === "number" ? formatDouble(a) : a);
    }
    return toLuaValue(this.dispatch(argv));
  }

  /** A command answering an integer (ZCARD, ZADD, HSETNX, ZCOUNT…). */
  integer(...args: Array<string | number>): number {
    const r = this.call(args);
    if (typeof r !== "number") throw new NativeScriptError(new ErrorReply(`ERR native script: ${String(args[0])} did not answer an integer`));
    return r;
  }

  /** A command answering a bulk string or nil (HGET, ZSCORE): the string, or undefined for nil. */
  bulk(...args: Array<string | number>): string | undefined {
    const r = this.call(args);
    if (r === false) return undefined;
    if (typeof r !== "string") throw new NativeScriptError(new ErrorReply(`ERR native script: ${String(args[0])} did not answer a string`));
    return r;
  }

  /** A command answering an array of bulk strings or nils (ZRANGE, HMGET): nil as undefined. */
  strings(...args: Array<string | number>): Array<string | undefined> {
    const r = this.call(args);
    if (!Array.isArray(r)) throw new NativeScriptError(new ErrorReply(`ERR native script: ${String(args[0])} did not answer an array`));
    return r.map((x) => (typeof x === "string" ? x : undefined));
  }
}
