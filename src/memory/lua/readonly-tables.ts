/**
 * Redis 7.0's read-only tables, inside the VM: Redis patches its Lua so a table can carry a
 * `readonly` flag that every write path checks (`t.k = v`, `rawset`, `table.insert`,
 * `setmetatable`…), and flags every table reachable from the globals, recursively, metatables
 * included, plus the string metatable. A script then cannot change what another script sees,
 * whichever way it reaches a table (`getmetatable(redis).__index`, `getmetatable('').__index`,
 * `getmetatable(_G)`): there is no proxy to get behind, the real tables refuse the write.
 *
 * fengari funnels every table write through `ltable.luaH_setfrom` (looked up on the module at
 * call time by lvm.js and lapi.js), so wrapping that one function gives the check;
 * `luaH_setint` (table constructors, lua_rawseti on tables the host just created) gets it too.
 */
import type { LuaTable } from "fengari/internals";
import { internals, lauxlib, lua, to_luastring, type LuaJsFunction, type LuaState } from "./fengari-instance";

/** Redis's text for any write to a read-only table. */
export const READONLY_TABLE = "Attempt to modify a readonly table";
const READONLY_MESSAGE = to_luastring(READONLY_TABLE);

function installWriteCheck(): void {
  const { ltable, ldebug } = internals;
  ltable.Table.prototype.readonly = false;
  const setfrom = ltable.luaH_setfrom;
  const setint = ltable.luaH_setint;
  ltable.luaH_setfrom = (L, t, key, value) => {
    // luaG_runerror adds "user_script:1: " when the write comes from Lua code, nothing from a
    // JS library function (rawset, table.insert): Redis's two wordings exactly.
    if (t.readonly) ldebug.luaG_runerror(L, READONLY_MESSAGE);
    setfrom(L, t, key, value);
  };
  ltable.luaH_setint = (t, key, value) => {
    // Only the host's own fresh tables and the registry get here (no lua_State to raise on).
    if (t.readonly) throw new Error(`narwhal: ${READONLY_TABLE} (raw integer write)`);
    setint(t, key, value);
  };
}
installWriteCheck();

function tableAt(L: LuaState, idx: number): LuaTable {
  return lua.lua_topointer(L, idx) as LuaTable;
}

/** Whether the table at `idx` is read-only (false for any other value). */
export function isReadonly(L: LuaState, idx: number): boolean {
  return lua.lua_type(L, idx) === lua.LUA_TTABLE && tableAt(L, idx).readonly;
}

/** Sets or clears the read-only flag of the table at `idx` (the host writes KEYS/ARGV into the globals this way). */
export function setReadonly(L: LuaState, idx: number, on: boolean): void {
  tableAt(L, idx).readonly = on;
}

/** Flags the table at `idx`, every table reachable from it and their metatables (luaSetTableProtectionRecursively). */
export function protectRecursively(L: LuaState, idx: number): void {
  const t = lua.lua_absindex(L, idx);
  if (isReadonly(L, t)) return; // also stops the _G → globals cycle
  setReadonly(L, t, true);
  lauxlib.luaL_checkstack(L, 3, null);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, t) !== 0) {
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) protectRecursively(L, -1);
    if (lua.lua_type(L, -2) === lua.LUA_TTABLE) protectRecursively(L, -2);
    lua.lua_pop(L, 1);
  }
  if (lua.lua_getmetatable(L, t)) {
    protectRecursively(L, -1);
    lua.lua_pop(L, 1);
  }
}

/**
 * `setmetatable` that refuses a read-only table, as Redis's lua_setmetatable does (fengari's
 * sets the field directly, past the write check).
 */
export function guardedSetmetatable(original: LuaJsFunction): LuaJsFunction {
  return (L) => {
    if (isReadonly(L, 1)) return internals.ldebug.luaG_runerror(L, READONLY_MESSAGE);
    return original(L);
  };
}
