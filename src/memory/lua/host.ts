/**
 * The embedded engine's {@link ScriptingHost}: one fengari state reused for every script,
 * compiled functions cached by SHA1 (SCRIPT LOAD / EVAL / EVALSHA), KEYS and ARGV as tables
 * of binary-safe Lua strings, and Redis 7.0's error wording
 * (`ERR user_script:1: … script: <sha>, on @user_script:1.`).
 */
import { createHash } from "node:crypto";
import { lauxlib, lua, to_luastring, type LuaState } from "./fengari-instance";
import { ErrorReply, type Reply, type ScriptCall, type ScriptingHost } from "../protocol";
import { stringField, toReply } from "./convert";
import { createLuaRuntime, lua51Message } from "./state";
import { rewriteLua53Tokens } from "./syntax51";

const SOURCE = to_luastring("source");
const LINE = to_luastring("line");
const ERR = to_luastring("err");
const KEYS = to_luastring("KEYS");
const ARGV = to_luastring("ARGV");

export function sha1hex(body: Buffer | string): string {
  return createHash("sha1").update(body).digest("hex");
}

function pushStrings(L: LuaState, items: readonly Buffer[]): void {
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    lua.lua_pushstring(L, items[i]!);
    lua.lua_rawseti(L, -2, i + 1);
  }
}

/** The error reply for the handler's error object on the top of the stack. */
function scriptFailure(L: LuaState, sha: string): ErrorReply {
  if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) {
    const msg = lua.lua_tojsstring(L, -1) ?? "execution failure";
    return new ErrorReply(`ERR Error running script ${sha}, ${msg.slice(0, 100)}`.replace(/[\r\n]/g, " "));
  }
  const top = lua.lua_gettop(L);
  const err = lua51Message(stringField(L, top, ERR) ?? "ERR unknown error");
  const source = stringField(L, top, SOURCE);
  lua.lua_pushstring(L, LINE);
  const line = lua.lua_rawget(L, top) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : undefined;
  lua.lua_pop(L, 1);
  const where = source !== undefined && line ? ` script: ${sha}, on ${source}:${line}.` : "";
  return new ErrorReply(`${err}${where}`.replace(/[\r\n]/g, " "));
}

export interface ScriptingHostOptions {
  /**
   * A script running longer than this is aborted with an error (0: never). Redis lets a
   * long script run and offers SCRIPT KILL from another client; in-process nobody else can
   * run, so an endless loop would hang the process instead. Default 30 000 ms.
   */
  timeLimitMs?: number;
}

/** Instructions between two clock checks of the time limit. */
const HOOK_EVERY = 100_000;

/** Creates a host with its own Lua state. Not re-entrant: scripts cannot call EVAL (Redis forbids it too). */
export function createScriptingHost(options: ScriptingHostOptions = {}): ScriptingHost {
  const { L, ctx, envRef, globalsRef, handlerRef } = createLuaRuntime();
  const scripts = new Map<string, number>();
  const timeLimitMs = options.timeLimitMs ?? 30_000;
  let deadline = Infinity;
  if (timeLimitMs > 0) {
    lua.lua_sethook(
      L,
      (L2) => {
        if (Date.now() > deadline) lauxlib.luaL_error(L2, `Script killed: it ran longer than ${timeLimitMs} ms (narwhal's script time limit)`);
      },
      lua.LUA_MASKCOUNT,
      HOOK_EVERY,
    );
  }

  function compile(body: Buffer, sha: string): number | ErrorReply {
    const cached = scripts.get(sha);
    if (cached !== undefined) return cached;
    const rewritten = rewriteLua53Tokens(body);
    const source = rewritten?.source ?? body;
    if (lauxlib.luaL_loadbuffer(L, source, source.length, "@user_script") !== lua.LUA_OK) {
      const msg = String(lua.lua_tojsstring(L, -1));
      lua.lua_settop(L, 0);
      // 5.1 quotes these tokens in its messages ("'<eof>' expected near 'x'"), 5.3 does not.
      const text = (rewritten ? rewritten.message(msg) : msg)
        .replace(" near <eof>", " near '<eof>'")
        .replace(/: <(eof|name|string|number)> expected/, ": '<$1>' expected");
      return new ErrorReply(`ERR Error compiling script (new function): ${text}`.replace(/[\r\n]/g, " "));
    }
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, envRef);
    lua.lua_setupvalue(L, -2, 1); // _ENV
    const ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    scripts.set(sha, ref);
    return ref;
  }

  function run(ref: number, sha: string, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall): Reply {
    lua.lua_settop(L, 0);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, globalsRef);
    lua.lua_pushstring(L, KEYS);
    pushStrings(L, keys);
    lua.lua_rawset(L, 1);
    lua.lua_pushstring(L, ARGV);
    pushStrings(L, args);
    lua.lua_rawset(L, 1);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, handlerRef);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
    ctx.call = call;
    ctx.resp = 2;
    deadline = Date.now() + timeLimitMs;
    try {
      const status = lua.lua_pcall(L, 0, 1, 2);
      return status === lua.LUA_OK ? toReply(L, -1) : scriptFailure(L, sha);
    } finally {
      ctx.call = null;
      deadline = Infinity;
      lua.lua_settop(L, 0);
    }
  }

  return {
    evalBody(body, keys, args, call) {
      const sha = sha1hex(body);
      const ref = compile(body, sha);
      return ref instanceof ErrorReply ? ref : run(ref, sha, keys, args, call);
    },
    evalSha(sha, keys, args, call) {
      const ref = scripts.get(sha.toLowerCase());
      if (ref === undefined) return new ErrorReply("NOSCRIPT No matching script. Please use EVAL.");
      return run(ref, sha.toLowerCase(), keys, args, call);
    },
    load(body) {
      const sha = sha1hex(body);
      const ref = compile(body, sha);
      return ref instanceof ErrorReply ? ref : sha;
    },
    exists(sha) {
      return scripts.has(sha.toLowerCase());
    },
    flush() {
      for (const ref of scripts.values()) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, ref);
      scripts.clear();
    },
  };
}
