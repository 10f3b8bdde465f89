/**
 * The `redis` table scripts see: call/pcall into the engine, error_reply/status_reply,
 * sha1hex, log (a no-op here), setresp, and Redis 7.0's constants and compatibility stubs.
 */
import { Buffer } from "node:buffer";
import type { CjsonConfig } from "./cjson-lib";
import { createHash } from "node:crypto";
import { lua, type LuaJsFunction, type LuaState } from "./fengari-instance";
import { formatG } from "./c-format";
import { ErrorReply, type ScriptCall } from "../protocol";
import { asBuffer } from "./bytes";
import { pushErrorReply, pushErrorTable, pushReply } from "./convert";

/** What redis.call needs while a script runs; the host sets it around each run. */
export interface ScriptContext {
  call: ScriptCall | null;
  resp: 2 | 3;
  /** collectgarbage("count")'s estimate (gc-estimate.ts): V8 heap bytes at this run's first count or collect, -1 before. */
  gcBaseline: number;
  /** Bytes of the cached scripts' bodies (the part of Redis's Lua memory that outlives a script). */
  scriptBytes: number;
  /** The `cjson` settings, back to lua-cjson's defaults before each script (cjson-lib.ts). */
  readonly cjson: CjsonConfig;
}

/** Commands flagged `noscript` in Redis 7.0 (plus the containers whose subcommands are). */
const NOSCRIPT = new Set(
  (
    "auth bgrewriteaof bgsave blmove blpop brpop brpoplpush bzpopmax bzpopmin blmpop bzmpop debug discard eval eval_ro " +
    "evalsha evalsha_ro exec failover fcall fcall_ro hello monitor multi psubscribe psync punsubscribe quit replconf " +
    "replicaof reset role save shutdown slaveof ssubscribe subscribe sunsubscribe sync unsubscribe unwatch wait watch " +
    "client script function"
  ).split(" "),
);

/** Raises (redis.call) or returns (redis.pcall) the error table on the top of the stack. */
function failWith(L: LuaState, raise: boolean, text: string): number {
  pushErrorTable(L, text);
  if (raise) lua.lua_error(L);
  return 1;
}

/** The engine's wording for these two errors differs inside scripts. */
function scriptError(reply: ErrorReply): ErrorReply {
  const m = reply.message;
  if (m.startsWith("ERR unknown command")) return new ErrorReply("ERR Unknown Redis command called from script");
  if (m.startsWith("ERR wrong number of arguments")) return new ErrorReply("ERR Wrong number of args calling Redis command from script");
  return reply;
}

function command(ctx: ScriptContext, raise: boolean): LuaJsFunction {
  return (L) => {
    const argc = lua.lua_gettop(L);
    if (argc === 0) return failWith(L, raise, "Please specify at least one argument for this redis lib call");
    const argv: Buffer[] = new Array(argc);
    for (let i = 1; i <= argc; i++) {
      const t = lua.lua_type(L, i);
      if (t === lua.LUA_TSTRING) argv[i - 1] = asBuffer(lua.lua_tolstring(L, i)!);
      else if (t === lua.LUA_TNUMBER) argv[i - 1] = Buffer.from(formatG(lua.lua_tonumber(L, i), 17));
      else return failWith(L, raise, "Lua redis lib command arguments must be strings or integers");
    }
    if (NOSCRIPT.has(argv[0]!.toString("latin1").toLowerCase())) {
      return failWith(L, raise, "This Redis command is not allowed from script");
    }
    if (!ctx.call) return failWith(L, raise, "redis.call used outside a script");
    const reply = ctx.call(argv);
    if (reply instanceof ErrorReply) {
      pushErrorReply(L, scriptError(reply));
      if (raise) lua.lua_error(L);
      return 1;
    }
    pushReply(L, reply, ctx.resp);
    return 1;
  };
}

function singleField(field: string): LuaJsFunction {
  return (L) => {
    if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, 1) !== lua.LUA_TSTRING) {
      pushErrorTable(L, "wrong number or type of arguments");
      return 1;
    }
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushstring(L, field);
    lua.lua_pushvalue(L, 1);
    lua.lua_rawset(L, -3);
    return 1;
  };
}

const errorReply: LuaJsFunction = (L) => {
  if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, 1) !== lua.LUA_TSTRING) {
    pushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  const text = asBuffer(lua.lua_tolstring(L, 1)!).toString();
  pushErrorTable(L, text.startsWith("-") ? text : `-${text}`);
  return 1;
};

const sha1hex: LuaJsFunction = (L) => {
  if (lua.lua_gettop(L) !== 1) return failWith(L, true, "wrong number of arguments");
  const s = lua.lua_tolstring(L, 1) ?? new Uint8Array(0);
  lua.lua_pushstring(L, createHash("sha1").update(s).digest("hex"));
  return 1;
};

const log: LuaJsFunction = (L) => {
  if (lua.lua_gettop(L) < 2) return failWith(L, true, "redis.log() requires two arguments or more.");
  if (lua.lua_type(L, 1) !== lua.LUA_TNUMBER) return failWith(L, true, "First argument must be a number (log level).");
  const level = lua.lua_tonumber(L, 1);
  if (level < 0 || level > 3) return failWith(L, true, "Invalid debug level.");
  return 0;
};

function setresp(ctx: ScriptContext): LuaJsFunction {
  return (L) => {
    if (lua.lua_gettop(L) !== 1) return failWith(L, true, "redis.setresp() requires one argument.");
    const resp = lua.lua_tonumber(L, 1);
    if (resp !== 2 && resp !== 3) return failWith(L, true, "RESP version must be 2 or 3.");
    ctx.resp = resp;
    return 0;
  };
}

const returns =
  (value: boolean | null): LuaJsFunction =>
  (L) => {
    if (value === null) return 0;
    lua.lua_pushboolean(L, value);
    return 1;
  };

/** Pushes the `redis` table. */
export function pushRedisLib(L: LuaState, ctx: ScriptContext): void {
  const fns: Record<string, LuaJsFunction> = {
    call: command(ctx, true),
    pcall: command(ctx, false),
    error_reply: errorReply,
    status_reply: singleField("ok"),
    sha1hex,
    log,
    setresp: setresp(ctx),
    set_repl: returns(null),
    replicate_commands: returns(true),
    breakpoint: returns(false),
    debug: returns(null),
    acl_check_cmd: returns(true),
  };
  const numbers: Record<string, number> = {
    LOG_DEBUG: 0,
    LOG_VERBOSE: 1,
    LOG_NOTICE: 2,
    LOG_WARNING: 3,
    REPL_NONE: 0,
    REPL_AOF: 1,
    REPL_SLAVE: 2,
    REPL_REPLICA: 2,
    REPL_ALL: 3,
    REDIS_VERSION_NUM: 0x07000f,
  };
  lua.lua_createtable(L, 0, 24);
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  for (const [name, n] of Object.entries(numbers)) {
    lua.lua_pushnumber(L, n);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pushstring(L, "7.0.15");
  lua.lua_setfield(L, -2, "REDIS_VERSION");
}

