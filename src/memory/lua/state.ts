/**
 * The one Lua state the host reuses: Lua 5.1-flavoured globals (base, table, string, math,
 * coroutine, bit, cjson, cmsgpack, struct, redis; 5.1 numbers, see numbers.ts and lib51.ts), no os/io/debug/require/loadfile/dofile/print, and Redis
 * 7.0's protections: every table a script can reach (the globals, the libraries, their
 * metatables, the string metatable) is read-only inside the VM ("Attempt to modify a readonly
 * table", readonly-tables.ts), and reading an unknown global raises ("Script attempted to
 * access nonexistent global variable 'x'").
 */
import { lauxlib, lua, lualib, to_luastring, type LuaJsFunction, type LuaState } from "./fengari-instance";
import { pushBitLib } from "./bit-lib";
import { pushStructLib } from "./struct-lib";
import { pushCmsgpackLib } from "./cmsgpack";
import { makeCollectgarbage } from "./gc-estimate";
import { newCjsonConfig, pushCjsonLib } from "./cjson-lib";
import { installLua51Numbers } from "./lib51";
import { useLua51Numbers } from "./numbers";
import { guardedSetmetatable, protectRecursively } from "./readonly-tables";
import { pushRedisLib, type ScriptContext } from "./redis-lib";

export interface LuaRuntime {
  readonly L: LuaState;
  readonly ctx: ScriptContext;
  /** Registry refs: the scripts' environment (the read-only globals themselves, as in Redis 7.0), the globals, the error handler. */
  readonly envRef: number;
  readonly globalsRef: number;
  readonly handlerRef: number;
}

const PRELUDE = `

local dbg = debug
debug, dofile, loadfile, print, rawlen = nil, nil, nil, nil, nil
_VERSION = 'Lua 5.1'
unpack = table.unpack
gcinfo = function() return math.floor(collectgarbage('count')) end
table.getn = function(t) return #t end
table.pack, table.unpack, coroutine.isyieldable = nil, nil, nil
table.maxn = function(t) local m = 0 for k in pairs(t) do if type(k) == 'number' and k > m then m = k end end return m end
string.gfind = string.gmatch
table.move, string.pack, string.unpack, string.packsize = nil, nil, nil, nil
__redis__err__handler = function(err)
  local i = dbg.getinfo(2, 'nSl')
  if i and (i.what == 'C' or i.what == 'J') then i = dbg.getinfo(3, 'nSl') end
  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end
  if i then err['source'] = i.source err['line'] = i.currentline end
  return err
end
`;

/**
 * Lua 5.3 names the culprit after the type ("attempt to index a nil value (local 't')");
 * Lua 5.1, and so Redis, before it ("attempt to index local 't' (a nil value)").
 */
export function lua51Message(message: string): string {
  return message.replace(
    /attempt to ([a-z ]+?) an? (\w+) value \((local|global|field|upvalue|method|constant) '([^']*)'\)/,
    "attempt to $1 $3 '$4' (a $2 value)",
  );
}

/** The error value on the top of the stack as Redis 7.0's pcall hands it to the script. */
function pcallErrorValue(L: LuaState): void {
  if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
    if (lua.lua_getfield(L, -1, "err") === lua.LUA_TSTRING) lua.lua_replace(L, -2);
    else lua.lua_pop(L, 1);
  } else if (lua.lua_type(L, -1) === lua.LUA_TSTRING) {
    const text = lua.lua_tojsstring(L, -1) ?? "";
    const rewritten = lua51Message(text);
    if (rewritten !== text) {
      lua.lua_pushstring(L, rewritten);
      lua.lua_replace(L, -2);
    }
  }
}

/** pcall's continuation (lbaselib's finishpcall): also runs when the protected call yielded and resumed. */
function finishPcall(L: LuaState, status: number): number {
  if (status !== lua.LUA_OK && status !== lua.LUA_YIELD) {
    pcallErrorValue(L);
    lua.lua_pushboolean(L, false);
    lua.lua_pushvalue(L, -2);
    return 2;
  }
  return lua.lua_gettop(L);
}

/**
 * Redis 7.0's `pcall`: an error table caught by pcall comes back as its `err` string
 * (`pcall(redis.call, 'incr', 'str')` → false, "ERR value is not an integer or out of range").
 * Called with a continuation, so a long script can yield to the event loop from inside it (host.ts).
 */
const redisPcall: LuaJsFunction = (L) => {
  const argc = lua.lua_gettop(L);
  if (argc < 1) return lauxlib.luaL_error(L, "bad argument #1 to 'pcall' (value expected)");
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, 1);
  return finishPcall(L, lua.lua_pcallk(L, argc - 1, lua.LUA_MULTRET, 0, 0, finishPcall));
};

/**
 * 5.1's load (a reader function only) and loadstring (a string only), both text-only and bound
 * to the scripts' globals, made from 5.3's load; in JS so a bad argument names the caller's line.
 */
function load51(original: LuaJsFunction, kind: "load" | "loadstring"): LuaJsFunction {
  return (L) => {
    if (kind === "load") lauxlib.luaL_checktype(L, 1, lua.LUA_TFUNCTION);
    else lauxlib.luaL_checklstring(L, 1);
    lua.lua_settop(L, 2);
    lua.lua_pushstring(L, "t");
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    return original(L);
  };
}

const missingGlobal: LuaJsFunction = (L) => {
  const name = lua.lua_tojsstring(L, 2) ?? "?";
  return lauxlib.luaL_error(L, `Script attempted to access nonexistent global variable '${name}'`);
};
function openLibs(L: LuaState): void {
  const libs: Array<[string, (L: LuaState) => number]> = [
    ["_G", lualib.luaopen_base],
    ["table", lualib.luaopen_table],
    ["string", lualib.luaopen_string],
    ["coroutine", lualib.luaopen_coroutine],
    ["debug", lualib.luaopen_debug],
  ];
  for (const [name, open] of libs) {
    lauxlib.luaL_requiref(L, name, open, 1);
    lua.lua_pop(L, 1);
  }
}

function setFunctions(L: LuaState, fns: Record<string, LuaJsFunction>): void {
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}


export function createLuaRuntime(): LuaRuntime {
  useLua51Numbers();
  const L = lauxlib.luaL_newstate();
  const ctx: ScriptContext = { call: null, resp: 2, gcBaseline: -1, scriptBytes: 0, cjson: newCjsonConfig() };
  openLibs(L);
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
  const globals = lua.lua_gettop(L);
  installLua51Numbers(L, globals);

  pushCjsonLib(L, ctx.cjson);
  lua.lua_setfield(L, globals, "cjson");
  pushCmsgpackLib(L);
  lua.lua_setfield(L, globals, "cmsgpack");
  pushBitLib(L);
  lua.lua_setfield(L, globals, "bit");
  pushStructLib(L);
  lua.lua_setfield(L, globals, "struct");
  pushRedisLib(L, ctx);
  lua.lua_setfield(L, globals, "redis");

  if (lauxlib.luaL_loadbuffer(L, to_luastring(PRELUDE), null, "=prelude") !== lua.LUA_OK) throw new Error(String(lua.lua_tojsstring(L, -1)));
  lua.lua_pushvalue(L, globals);
  lua.lua_call(L, 1, 0);

  lua.lua_pushjsfunction(L, redisPcall);
  lua.lua_setglobal(L, "pcall");
  lua.lua_pushjsfunction(L, makeCollectgarbage(ctx));
  lua.lua_setglobal(L, "collectgarbage");
  lua.lua_getglobal(L, "load");
  const load = lua.lua_tocfunction(L, -1)!;
  lua.lua_pop(L, 1);
  for (const kind of ["load", "loadstring"] as const) {
    lua.lua_pushjsfunction(L, load51(load, kind));
    lua.lua_setglobal(L, kind);
  }
  lua.lua_getglobal(L, "setmetatable");
  const setmetatable = lua.lua_tocfunction(L, -1)!;
  lua.lua_pop(L, 1);
  lua.lua_pushjsfunction(L, guardedSetmetatable(setmetatable));
  lua.lua_setglobal(L, "setmetatable");
  lua.lua_getglobal(L, "__redis__err__handler");
  const handlerRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);

  // The globals themselves: unknown reads raise (the metatable below), every write is
  // refused by the read-only flag (readonly-tables.ts), as in Redis 7.0.
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushjsfunction(L, missingGlobal);
  lua.lua_setfield(L, -2, "__index");
  lua.lua_setmetatable(L, globals);

  // Lua 5.1 names a function in "bad argument" errors only from its call site ("'?'" under
  // pcall); 5.3 also searches the loaded modules, so leave it none to find.
  lua.lua_newtable(L);
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, "_LOADED");

  // Everything a script can reach, frozen: the globals (libraries, their metatables, the
  // globals' own metatable, recursively) and the string metatable (getmetatable('')).
  protectRecursively(L, globals);
  lua.lua_pushstring(L, "");
  if (lua.lua_getmetatable(L, -1)) protectRecursively(L, -1);
  lua.lua_settop(L, globals);

  lua.lua_pushvalue(L, globals);
  const globalsRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  lua.lua_settop(L, 0);
  return { L, ctx, envRef: globalsRef, globalsRef, handlerRef };
}
