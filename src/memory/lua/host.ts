/**
 * The embedded engine's {@link ScriptingHost}: one fengari state reused for every script,
 * compiled functions cached by SHA1 (SCRIPT LOAD / EVAL / EVALSHA), KEYS and ARGV as tables
 * of binary-safe Lua strings, and Redis 7.0's error wording
 * (`ERR user_script:1: … script: <sha>, on @user_script:1.`).
 */
import { createHash } from "node:crypto";
import { lauxlib, lua, to_luastring, type LuaState } from "./fengari-instance";
import { ErrorReply, type Reply, type RunningScript, type ScriptCall, type ScriptFlags, type ScriptingHost, type ScriptRunOptions } from "../protocol";
import { errorOfTable, stringField, toReply } from "./convert";
import { setReadonly } from "./readonly-tables";
import { createLuaRuntime, lua51Message } from "./state";
import { SCRIPT_KILLED, ScriptRunner, type RunResult, type ScriptRun, type StallListener } from "./script-runner";
import { resetCjsonConfig } from "./cjson-lib";
import { heapBytes } from "./gc-estimate";
import { COMPAT_FLAGS, parseShebang } from "./shebang";
import { compileChunk } from "./compile";
import { createFunctionHost } from "./function-host";

const SOURCE = to_luastring("source");
const LINE = to_luastring("line");
const ERR = to_luastring("err");
const KEYS = to_luastring("KEYS");
const ARGV = to_luastring("ARGV");

export function sha1hex(body: Buffer | string): string {
  return createHash("sha1").update(body).digest("hex");
}

export function pushStrings(L: LuaState, items: readonly Buffer[]): void {
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    lua.lua_pushstring(L, items[i]!);
    lua.lua_rawseti(L, -2, i + 1);
  }
}

/** The error reply for the handler's error object on the top of the stack (`name`: the script's SHA1, or the function's name). */
export function scriptFailure(L: LuaState, sha: string): ErrorReply {
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
  return errorOfTable(L, top, `${err}${where}`.replace(/[\r\n]/g, " "));
}

export interface ScriptingHostOptions {
  /**
   * How long a script may run without letting the event loop serve other clients: where it
   * cannot yield (a synchronous run: EXEC, a direct host call; Lua called from a JS library
   * function) it is killed, uncatchably, after this long (0: never). Default 30 000 ms.
   */
  timeLimitMs?: number;
  /** Told when a run past `lua-time-limit` cannot give the event loop turns, and when it can again (script-runner.ts). */
  onStall?: StallListener;
}

/** The Lua host: without options a run is synchronous (a Reply), with them it may become a {@link RunningScript}. */
export interface LuaScriptingHost extends ScriptingHost {
  evalBody(body: Buffer, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall): Reply;
  evalBody(body: Buffer, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall, options?: ScriptRunOptions): Reply | RunningScript;
  evalSha(sha: string, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall): Reply;
  evalSha(sha: string, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall, options?: ScriptRunOptions): Reply | RunningScript;
}

/** Creates a host with its own Lua state. Not re-entrant: scripts cannot call EVAL (Redis forbids it too). */
export function createScriptingHost(options: ScriptingHostOptions = {}): LuaScriptingHost {
  const { L, ctx, envRef, globalsRef, handlerRef } = createLuaRuntime();
  const scripts = new Map<string, number>();
  /** The shebang flags of the cached scripts that have one. */
  const scriptFlags = new Map<string, ScriptFlags>();
  /** Scripts that name collectgarbage/gcinfo: their runs take a heap baseline at the start (gc-estimate.ts). */
  const gcScripts = new Set<string>();
  const runner = new ScriptRunner(L, options.timeLimitMs || Infinity, options.onStall);

  function compile(body: Buffer, sha: string): number | ErrorReply {
    const cached = scripts.get(sha);
    if (cached !== undefined) return cached;
    const shebang = parseShebang(body);
    if (typeof shebang === "string") return new ErrorReply(`ERR ${shebang}`);
    // Redis compiles the script without the shebang's text but keeps its line feed (same line numbers).
    if (shebang) body = body.subarray(shebang.length);
    const failure = compileChunk(L, body, "@user_script");
    if (failure !== null) {
      lua.lua_settop(L, 0);
      return new ErrorReply(`ERR Error compiling script (new function): ${failure}`.replace(/[\r\n]/g, " "));
    }
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, envRef);
    lua.lua_setupvalue(L, -2, 1); // _ENV
    const ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    scripts.set(sha, ref);
    ctx.scriptBytes += body.length;
    if (body.includes("collectgarbage") || body.includes("gcinfo")) gcScripts.add(sha);
    if (shebang) scriptFlags.set(sha, shebang.flags);
    return ref;
  }

  /** The reply of a finished run (its thread's stack holds the result or the error object). */
  function settle(result: RunResult, sha: string): Reply {
    const { T } = result;
    try {
      if (result.ok) return toReply(T, -1);
      if (result.killed !== null && lua.lua_type(T, -1) !== lua.LUA_TTABLE) return new ErrorReply(`${result.killed} script: ${sha}`);
      return scriptFailure(T, sha);
    } finally {
      ctx.call = null;
      lua.lua_settop(T, 0);
    }
  }

  function run(ref: number, sha: string, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall, options?: ScriptRunOptions): Reply | RunningScript {
    lua.lua_settop(L, 0);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, globalsRef);
    // Redis lifts the globals' read-only flag for just these two writes (luaSetGlobalArray).
    setReadonly(L, 1, false);
    lua.lua_pushstring(L, KEYS);
    pushStrings(L, keys);
    lua.lua_rawset(L, 1);
    lua.lua_pushstring(L, ARGV);
    pushStrings(L, args);
    lua.lua_rawset(L, 1);
    setReadonly(L, 1, true);
    lua.lua_settop(L, 0);
    ctx.call = call;
    ctx.resp = 2;
    ctx.gcBaseline = gcScripts.has(sha) ? heapBytes() : -1;
    resetCjsonConfig(ctx.cjson);
    let outcome: RunResult | ScriptRun;
    try {
      outcome = runner.run(ref, handlerRef, options ? { busyAfterMs: options.busyAfterMs, sync: options.sync } : { sync: true });
    } catch (error) {
      ctx.call = null;
      throw error;
    }
    if (!(outcome instanceof Promise)) return settle(outcome, sha);
    const pending = outcome;
    const running = pending.then((result) => settle(result, sha)) as RunningScript;
    running.kill = () => pending.kill(SCRIPT_KILLED);
    return running;
  }

  const host = {
    evalBody(body: Buffer, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall, options?: ScriptRunOptions) {
      const sha = sha1hex(body);
      const ref = compile(body, sha);
      return ref instanceof ErrorReply ? ref : run(ref, sha, keys, args, call, options);
    },
    evalSha(sha: string, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall, options?: ScriptRunOptions) {
      const ref = scripts.get(sha.toLowerCase());
      if (ref === undefined) return new ErrorReply("NOSCRIPT No matching script. Please use EVAL.");
      return run(ref, sha.toLowerCase(), keys, args, call, options);
    },
    load(body: Buffer) {
      const sha = sha1hex(body);
      const ref = compile(body, sha);
      return ref instanceof ErrorReply ? ref : sha;
    },
    functions: createFunctionHost(options),
    cachedScripts() {
      return scripts.size;
    },
    exists(sha: string) {
      return scripts.has(sha.toLowerCase());
    },
    flags(sha: string) {
      const key = sha.toLowerCase();
      return scripts.has(key) ? (scriptFlags.get(key) ?? COMPAT_FLAGS) : undefined;
    },
    flush() {
      for (const ref of scripts.values()) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, ref);
      scripts.clear();
      scriptFlags.clear();
      gcScripts.clear();
      ctx.scriptBytes = 0;
    },
  };
  return host as LuaScriptingHost;
}
