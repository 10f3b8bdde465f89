/**
 * Redis 7.0 Functions on their own Lua state, as Redis runs them (function_lua.c): FUNCTION
 * LOAD runs a library's code with a globals table that holds only `redis.register_function`,
 * `redis.log` and the version constants (anything else: "Script attempted to access
 * nonexistent global variable"), within 500 ms; FCALL then runs a registered callback with
 * `(keys, args)` and the full sandbox of EVAL's scripts, but no KEYS/ARGV globals. The state's
 * globals are an empty read-only table whose metatable's `__index` is switched between the
 * load-time API and the real globals, as Redis does.
 */
import { lauxlib, lua, type LuaJsFunction, type LuaState } from "./fengari-instance";
import { ErrorReply, type FunctionHost, type Reply, type RestorePolicy, type RunningScript, type ScriptCall, type ScriptRunOptions } from "../protocol";
import { pushErrorTable, toReply } from "./convert";
import { setReadonly, protectRecursively } from "./readonly-tables";
import { createLuaRuntime, type LuaRuntime } from "./state";
import { SCRIPT_KILLED, ScriptRunner, type RunResult, type ScriptRun } from "./script-runner";
import { resetCjsonConfig } from "./cjson-lib";
import { compileChunk } from "./compile";
import { pushStrings, scriptFailure, type ScriptingHostOptions } from "./host";
import { BAD_NAME, registerFunction, validName, type LoadingLibrary } from "./function-register";
import { LibraryIndex, libraryMetadata, type Library } from "./function-libraries";

/** FUNCTION LOAD's time limit for running a library's code (Redis's LOAD_TIMEOUT_MS). */
export const LOAD_TIMEOUT_MS = 500;

const missingGlobal: LuaJsFunction = (L) => {
  const name = lua.lua_tojsstring(L, 2) ?? "?";
  return lauxlib.luaL_error(L, `Script attempted to access nonexistent global variable '${name}'`);
};

function setErrorMetatable(L: LuaState): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushjsfunction(L, missingGlobal);
  lua.lua_setfield(L, -2, "__index");
  lua.lua_setmetatable(L, -2);
}

interface FunctionState {
  readonly rt: LuaRuntime;
  readonly runner: ScriptRunner;
  /** Registry refs: the library code's environment, its metatable, the load-time API table. */
  readonly envRef: number;
  readonly metaRef: number;
  readonly apiRef: number;
}

/** The Functions side of the Lua host; its Lua state is created at the first FUNCTION LOAD or RESTORE. */
export function createFunctionHost(options: ScriptingHostOptions = {}): FunctionHost {
  let state: FunctionState | undefined;
  let loading: LoadingLibrary | null = null;
  const index = new LibraryIndex();

  function init(): FunctionState {
    if (state) return state;
    const rt = createLuaRuntime();
    const { L } = rt;
    // The load-time API: { redis = { register_function, log, LOG_*, REDIS_VERSION(_NUM) } }.
    lua.lua_newtable(L);
    lua.lua_newtable(L);
    lua.lua_pushjsfunction(L, registerFunction(() => loading));
    lua.lua_setfield(L, -2, "register_function");
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, rt.globalsRef);
    lua.lua_getfield(L, -1, "redis");
    for (const name of ["log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM"]) {
      lua.lua_getfield(L, -1, name);
      lua.lua_setfield(L, -4, name);
    }
    lua.lua_pop(L, 2);
    setErrorMetatable(L);
    lua.lua_setfield(L, -2, "redis");
    setErrorMetatable(L);
    protectRecursively(L, -1);
    const apiRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    // The code's globals: empty, read-only, reading through its metatable's __index.
    lua.lua_newtable(L);
    lua.lua_newtable(L);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, rt.globalsRef);
    lua.lua_setfield(L, -2, "__index");
    setReadonly(L, -1, true);
    lua.lua_pushvalue(L, -1);
    const metaRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_setmetatable(L, -2);
    setReadonly(L, -1, true);
    const envRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_settop(L, 0);
    state = { rt, runner: new ScriptRunner(L, options.timeLimitMs || Infinity, options.onStall), envRef, metaRef, apiRef };
    return state;
  }

  /** Points the code's globals at the load-time API (`ref`: apiRef) or back at the real globals. */
  function setGlobalsIndex(s: FunctionState, ref: number): void {
    const { L } = s.rt;
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, s.metaRef);
    setReadonly(L, -1, false);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
    lua.lua_setfield(L, -2, "__index");
    setReadonly(L, -1, true);
    lua.lua_pop(L, 1);
  }

  function free(lib: Library): void {
    if (!state) return;
    for (const fn of lib.functions.values()) lauxlib.luaL_unref(state.rt.L, lua.LUA_REGISTRYINDEX, fn.ref);
  }

  /** luaEngineCreate: compiles and runs the library's code; its functions, or the error text. */
  function runLibraryCode(name: string, code: Buffer, body: Buffer, timeoutMs: number): Library | string {
    const s = init();
    const { L } = s.rt;
    lua.lua_settop(L, 0);
    const failure = compileChunk(L, body, "@user_function");
    if (failure !== null) return `Error compiling function: ${failure}`;
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, s.envRef);
    lua.lua_setupvalue(L, -2, 1); // _ENV
    const lib: Library = { name, code, functions: new Map() };
    loading = lib;
    setGlobalsIndex(s, s.apiRef);
    const hook = lua.lua_gethook(L);
    const mask = lua.lua_gethookmask(L);
    const count = lua.lua_gethookcount(L);
    const deadline = Date.now() + timeoutMs;
    const loadHook = (H: LuaState) => {
      if (timeoutMs > 0 && Date.now() > deadline) {
        pushErrorTable(H, "FUNCTION LOAD timeout");
        lua.lua_error(H);
      }
    };
    lua.lua_sethook(L, loadHook, lua.LUA_MASKCOUNT, 100_000);
    let status: number;
    try {
      status = lua.lua_pcall(L, 0, 0, 0);
    } finally {
      lua.lua_sethook(L, hook, mask, count);
      setGlobalsIndex(s, s.rt.globalsRef);
      loading = null;
    }
    if (status === lua.LUA_OK) return lib;
    let message: string;
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
      lua.lua_getfield(L, -1, "err");
      message = lua.lua_tojsstring(L, -1) ?? "ERR unknown error";
    } else message = `ERR ${lua.lua_tojsstring(L, -1) ?? "unknown error"}`;
    lua.lua_settop(L, 0);
    free(lib);
    return `Error registering functions: ${message}`;
  }

  /** functionsCreateWithLibraryCtx: the library's name, or the error text. */
  function create(code: Buffer, replace: boolean, into: LibraryIndex, timeoutMs: number): string | ErrorReply {
    const md = libraryMetadata(code);
    if (typeof md === "string") return new ErrorReply(`ERR ${md}`);
    if (!validName(md.name)) return new ErrorReply(`ERR ${BAD_NAME}`);
    if (md.engine.toLowerCase() !== "lua") return new ErrorReply(`ERR Engine '${md.engine}' not found`);
    const old = into.libraries.get(md.name);
    if (old && !replace) return new ErrorReply(`ERR Library '${md.name}' already exists`);
    if (old) into.unlink(old);
    const lib = runLibraryCode(md.name, code, md.body, timeoutMs);
    let error: string | undefined;
    if (typeof lib === "string") error = lib;
    else if (lib.functions.size === 0) error = "No functions registered";
    else {
      const taken = into.collision(lib);
      if (taken !== undefined) error = `Function ${taken} already exists`;
    }
    if (error !== undefined) {
      if (typeof lib !== "string") free(lib);
      if (old) into.link(old);
      return new ErrorReply(`ERR ${error}`.replace(/[\r\n]/g, " "));
    }
    into.link(lib as Library);
    if (old) free(old);
    return md.name;
  }

  function settle(s: FunctionState, result: RunResult, name: string): Reply {
    const { T } = result;
    try {
      if (result.ok) return toReply(T, -1);
      if (result.killed !== null && lua.lua_type(T, -1) !== lua.LUA_TTABLE) return new ErrorReply(`${result.killed} script: ${name}`);
      return scriptFailure(T, name);
    } finally {
      s.rt.ctx.call = null;
      lua.lua_settop(T, 0);
    }
  }

  return {
    load: (code, replace) => create(code, replace, index, LOAD_TIMEOUT_MS),
    restore(codes: readonly Buffer[], policy: RestorePolicy) {
      const staged = new LibraryIndex();
      const dropStaged = () => staged.libraries.forEach(free);
      for (const code of codes) {
        const made = create(code, false, staged, 0);
        if (made instanceof ErrorReply) return dropStaged(), made;
      }
      if (policy === "flush") {
        for (const lib of [...index.libraries.values()]) index.unlink(lib), free(lib);
        index.join(staged, false);
        return undefined;
      }
      const replaced = index.join(staged, policy === "replace");
      if (typeof replaced === "string") return dropStaged(), new ErrorReply(`ERR ${replaced}`);
      replaced.forEach(free);
      return undefined;
    },
    libraries: () => [...index.libraries.values()].map((lib) => ({ name: lib.name, code: lib.code, functions: [...lib.functions.values()] })),
    find: (name) => index.find(name),
    delete(name) {
      const lib = index.libraries.get(name);
      if (!lib) return false;
      index.unlink(lib);
      free(lib);
      return true;
    },
    flush() {
      for (const lib of [...index.libraries.values()]) index.unlink(lib), free(lib);
    },
    call(name: string, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall, runOptions?: ScriptRunOptions): Reply | RunningScript {
      const found = index.find(name);
      if (!found) return new ErrorReply("ERR Function not found");
      const s = init();
      const { ctx } = s.rt;
      ctx.call = call;
      ctx.resp = 2;
      ctx.gcBaseline = -1;
      resetCjsonConfig(ctx.cjson);
      const pushArgs = (T: LuaState) => (pushStrings(T, keys), pushStrings(T, args), 2);
      let outcome: RunResult | ScriptRun;
      try {
        outcome = s.runner.run(found.ref, s.rt.handlerRef, runOptions ? { busyAfterMs: runOptions.busyAfterMs, sync: runOptions.sync } : { sync: true }, pushArgs);
      } catch (error) {
        ctx.call = null;
        throw error;
      }
      if (!(outcome instanceof Promise)) return settle(s, outcome, found.name);
      const pending = outcome;
      const running = pending.then((result) => settle(s, result, found.name)) as RunningScript;
      running.kill = () => pending.kill(SCRIPT_KILLED);
      return running;
    },
  };
}
