/**
 * The one Lua state the host reuses: Lua 5.1-flavoured globals (base, table, string, math,
 * coroutine, bit, cjson, redis; 5.1 numbers, see numbers.ts and lib51.ts), no os/io/debug/require/loadfile/dofile/print, and Redis
 * 7.0's protections: scripts run with an environment that rejects every global write
 * ("Attempt to modify a readonly table") and every read of an unknown global ("Script
 * attempted to access nonexistent global variable 'x'"); library tables are read-only proxies.
 */
import { lauxlib, lua, lualib, to_luastring, type LuaJsFunction, type LuaState } from "./fengari-instance";
import { pushBitLib } from "./bit-lib";
import { cjsonDecode } from "./cjson-decode";
import { CJSON_NULL, cjsonEncode } from "./cjson-encode";
import { installLua51Numbers } from "./lib51";
import { useLua51Numbers } from "./numbers";
import { pushRedisLib, type ScriptContext } from "./redis-lib";

export interface LuaRuntime {
  readonly L: LuaState;
  readonly ctx: ScriptContext;
  /** Registry refs: the scripts' environment, the real globals, the error handler. */
  readonly envRef: number;
  readonly globalsRef: number;
  readonly handlerRef: number;
}

const PRELUDE = `
local env = ...
local dbg, _load, _tonumber = debug, load, tonumber
debug, dofile, loadfile, print, rawlen = nil, nil, nil, nil, nil
_VERSION = 'Lua 5.1'
unpack = table.unpack
loadstring = function(s, name) return _load(s, name, 't', env) end
load = function(chunk, name) return _load(chunk, name, 't', env) end
gcinfo = function() return collectgarbage('count') end
table.getn = function(t) return #t end
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

const READONLY = "Attempt to modify a readonly table";

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

/**
 * Redis 7.0's `pcall`: an error table caught by pcall comes back as its `err` string
 * (`pcall(redis.call, 'incr', 'str')` → false, "ERR value is not an integer or out of range").
 */
const redisPcall: LuaJsFunction = (L) => {
  const argc = lua.lua_gettop(L);
  if (argc < 1) return lauxlib.luaL_error(L, "bad argument #1 to 'pcall' (value expected)");
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, 1);
  if (lua.lua_pcall(L, argc - 1, lua.LUA_MULTRET, 0) !== lua.LUA_OK) {
    lua.lua_remove(L, 1);
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
    lua.lua_pushboolean(L, false);
    lua.lua_insert(L, 1);
  }
  return lua.lua_gettop(L);
};

const missingGlobal: LuaJsFunction = (L) => {
  const name = lua.lua_tojsstring(L, 2) ?? "?";
  return lauxlib.luaL_error(L, `Script attempted to access nonexistent global variable '${name}'`);
};
const readonlyWrite: LuaJsFunction = (L) => lauxlib.luaL_error(L, READONLY);

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

/** Replaces global `name` (a table) with a read-only proxy that still iterates with pairs. */
function protectLibrary(L: LuaState, name: string, next: number, protectedSet: number): void {
  lua.lua_getglobal(L, name);
  const lib = lua.lua_gettop(L);
  lua.lua_newtable(L); // proxy
  lua.lua_createtable(L, 0, 3); // its metatable
  lua.lua_pushvalue(L, lib);
  lua.lua_setfield(L, -2, "__index");
  lua.lua_pushjsfunction(L, readonlyWrite);
  lua.lua_setfield(L, -2, "__newindex");
  lua.lua_pushvalue(L, lib);
  lua.lua_pushjsclosure(
    L,
    (L2) => {
      lua.lua_rawgeti(L2, lua.LUA_REGISTRYINDEX, next);
      lua.lua_pushvalue(L2, lua.lua_upvalueindex(1));
      lua.lua_pushnil(L2);
      return 3;
    },
    1,
  );
  lua.lua_setfield(L, -2, "__pairs");
  lua.lua_setmetatable(L, -2);
  markProtected(L, -1, protectedSet);
  lua.lua_setglobal(L, name);
  lua.lua_pop(L, 1);
}

function markProtected(L: LuaState, idx: number, protectedSet: number): void {
  const abs = lua.lua_absindex(L, idx);
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, protectedSet);
  lua.lua_pushvalue(L, abs);
  lua.lua_pushboolean(L, true);
  lua.lua_rawset(L, -3);
  lua.lua_pop(L, 1);
}

export function createLuaRuntime(): LuaRuntime {
  useLua51Numbers();
  const L = lauxlib.luaL_newstate();
  const ctx: ScriptContext = { call: null, resp: 2 };
  openLibs(L);
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
  const globals = lua.lua_gettop(L);
  installLua51Numbers(L, globals);

  lua.lua_createtable(L, 0, 4);
  setFunctions(L, { encode: cjsonEncode, decode: cjsonDecode });
  lua.lua_pushlightuserdata(L, CJSON_NULL);
  lua.lua_setfield(L, -2, "null");
  lua.lua_setfield(L, globals, "cjson");
  pushBitLib(L);
  lua.lua_setfield(L, globals, "bit");
  pushRedisLib(L, ctx);
  lua.lua_setfield(L, globals, "redis");

  // The scripts' environment: reads fall through to the globals, writes are rejected.
  lua.lua_newtable(L);
  const env = lua.lua_gettop(L);
  lua.lua_createtable(L, 0, 2);
  lua.lua_pushvalue(L, globals);
  lua.lua_setfield(L, -2, "__index");
  lua.lua_pushjsfunction(L, readonlyWrite);
  lua.lua_setfield(L, -2, "__newindex");
  lua.lua_setmetatable(L, env);

  if (lauxlib.luaL_loadbuffer(L, to_luastring(PRELUDE), null, "=prelude") !== lua.LUA_OK) throw new Error(String(lua.lua_tojsstring(L, -1)));
  lua.lua_pushvalue(L, env);
  lua.lua_call(L, 1, 0);

  lua.lua_newtable(L);
  const protectedSet = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  lua.lua_getglobal(L, "next");
  const next = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  for (const name of ["redis", "cjson", "bit", "string", "table", "math", "coroutine"]) protectLibrary(L, name, next, protectedSet);
  markProtected(L, env, protectedSet);
  markProtected(L, globals, protectedSet);
  guardRawAccess(L, protectedSet);
  lua.lua_pushjsfunction(L, redisPcall);
  lua.lua_setglobal(L, "pcall");

  lua.lua_pushvalue(L, env);
  lua.lua_setfield(L, globals, "_G");
  lua.lua_getglobal(L, "__redis__err__handler");
  const handlerRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);

  // Finally the globals themselves: unknown reads raise, new keys are rejected.
  lua.lua_createtable(L, 0, 2);
  lua.lua_pushjsfunction(L, missingGlobal);
  lua.lua_setfield(L, -2, "__index");
  lua.lua_pushjsfunction(L, readonlyWrite);
  lua.lua_setfield(L, -2, "__newindex");
  lua.lua_setmetatable(L, globals);

  // Lua 5.1 names a function in "bad argument" errors only from its call site ("'?'" under
  // pcall); 5.3 also searches the loaded modules, so leave it none to find.
  lua.lua_newtable(L);
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, "_LOADED");

  lua.lua_pushvalue(L, env);
  const envRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  lua.lua_pushvalue(L, globals);
  const globalsRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  lua.lua_settop(L, 0);
  return { L, ctx, envRef, globalsRef, handlerRef };
}

/** rawset and setmetatable refuse the protected tables, as Redis's read-only tables do. */
function guardRawAccess(L: LuaState, protectedSet: number): void {
  for (const name of ["rawset", "setmetatable"]) {
    lua.lua_getglobal(L, name);
    const original = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_pushjsfunction(L, (L2) => {
      lua.lua_rawgeti(L2, lua.LUA_REGISTRYINDEX, protectedSet);
      lua.lua_pushvalue(L2, 1);
      const isProtected = lua.lua_rawget(L2, -2) !== lua.LUA_TNIL;
      lua.lua_pop(L2, 2);
      if (isProtected) {
        lua.lua_pushstring(L2, READONLY);
        return lua.lua_error(L2);
      }
      const n = lua.lua_gettop(L2);
      lua.lua_rawgeti(L2, lua.LUA_REGISTRYINDEX, original);
      lua.lua_insert(L2, 1);
      lua.lua_call(L2, n, 1);
      return 1;
    });
    lua.lua_setglobal(L, name);
  }
}
