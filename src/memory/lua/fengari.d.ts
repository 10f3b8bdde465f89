/**
 * Minimal typings for the parts of `fengari` (Lua 5.3 in JavaScript, no bundled types) that
 * the Lua host uses. Lua strings are `Uint8Array`s of bytes; a JavaScript string passed
 * where a Lua string is expected is UTF-8 encoded by fengari.
 */
declare module "fengari" {
  export type LuaString = Uint8Array;
  /** An opaque lua_State. */
  export interface LuaState {
    readonly __luaState: unique symbol;
  }
  export type LuaJsFunction = (L: LuaState) => number;

  export function to_luastring(s: string, cache?: boolean): LuaString;
  export function to_jsstring(s: LuaString, from?: number, to?: number, replacement_char?: boolean): string;

  export namespace lua {
    const LUA_OK: number;
    const LUA_MULTRET: number;
    const LUA_REGISTRYINDEX: number;
    const LUA_RIDX_GLOBALS: number;
    const LUA_TNONE: number;
    const LUA_TNIL: number;
    const LUA_TBOOLEAN: number;
    const LUA_TLIGHTUSERDATA: number;
    const LUA_TNUMBER: number;
    const LUA_TSTRING: number;
    const LUA_TTABLE: number;
    const LUA_TFUNCTION: number;
    const LUA_MASKCOUNT: number;
    function lua_sethook(L: LuaState, fn: ((L: LuaState, ar: unknown) => void) | null, mask: number, count: number): void;
    function lua_gethook(L: LuaState): ((L: LuaState, ar: unknown) => void) | null;
    function lua_gethookmask(L: LuaState): number;
    function lua_gethookcount(L: LuaState): number;
    function lua_isstring(L: LuaState, idx: number): boolean;
    function lua_isfunction(L: LuaState, idx: number): boolean;
    function lua_gettable(L: LuaState, idx: number): number;
    function lua_checkstack(L: LuaState, n: number): boolean;
    function lua_absindex(L: LuaState, idx: number): number;
    function lua_gettop(L: LuaState): number;
    function lua_settop(L: LuaState, idx: number): void;
    function lua_pop(L: LuaState, n: number): void;
    function lua_pushvalue(L: LuaState, idx: number): void;
    function lua_type(L: LuaState, idx: number): number;
    function lua_isinteger(L: LuaState, idx: number): boolean;
    function lua_tonumber(L: LuaState, idx: number): number;
    function lua_isnumber(L: LuaState, idx: number): boolean;
    function lua_toboolean(L: LuaState, idx: number): boolean;
    function lua_tolstring(L: LuaState, idx: number): LuaString | null;
    function lua_tojsstring(L: LuaState, idx: number): string | null;
    function lua_touserdata(L: LuaState, idx: number): unknown;
    function lua_rawlen(L: LuaState, idx: number): number;
    function lua_pushnil(L: LuaState): void;
    function lua_pushnumber(L: LuaState, n: number): void;
    function lua_pushinteger(L: LuaState, n: number): void;
    function lua_pushstring(L: LuaState, s: LuaString | string): LuaString;
    function lua_pushliteral(L: LuaState, s: string): LuaString;
    function lua_pushboolean(L: LuaState, b: boolean | number): void;
    function lua_pushlightuserdata(L: LuaState, p: unknown): void;
    function lua_pushjsfunction(L: LuaState, fn: LuaJsFunction): void;
    function lua_pushjsclosure(L: LuaState, fn: LuaJsFunction, n: number): void;
    function lua_upvalueindex(i: number): number;
    function lua_insert(L: LuaState, idx: number): void;
    function lua_remove(L: LuaState, idx: number): void;
    function lua_replace(L: LuaState, idx: number): void;
    function lua_createtable(L: LuaState, narr: number, nrec: number): void;
    function lua_newtable(L: LuaState): void;
    function lua_rawget(L: LuaState, idx: number): number;
    function lua_rawset(L: LuaState, idx: number): void;
    function lua_rawgeti(L: LuaState, idx: number, n: number): number;
    function lua_rawseti(L: LuaState, idx: number, n: number): void;
    function lua_getfield(L: LuaState, idx: number, k: LuaString | string): number;
    function lua_setfield(L: LuaState, idx: number, k: LuaString | string): void;
    function lua_getglobal(L: LuaState, name: LuaString | string): number;
    function lua_setglobal(L: LuaState, name: LuaString | string): void;
    function lua_setmetatable(L: LuaState, idx: number): void;
    function lua_setupvalue(L: LuaState, funcindex: number, n: number): LuaString | null;
    function lua_next(L: LuaState, idx: number): number;
    function lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    function lua_call(L: LuaState, nargs: number, nresults: number): void;
    function lua_error(L: LuaState): never;
    function lua_tocfunction(L: LuaState, idx: number): LuaJsFunction | null;
    const LUA_YIELD: number;
    const LUA_ERRRUN: number;
    const LUA_TTHREAD: number;
    function lua_topointer(L: LuaState, idx: number): unknown;
    function lua_getmetatable(L: LuaState, idx: number): boolean;
    function lua_newthread(L: LuaState): LuaState;
    function lua_resume(L: LuaState, from: LuaState | null, nargs: number): number;
    function lua_yield(L: LuaState, nresults: number): number;
    function lua_isyieldable(L: LuaState): boolean;
    function lua_status(L: LuaState): number;
    function lua_xmove(from: LuaState, to: LuaState, n: number): void;
    function lua_pcallk(L: LuaState, nargs: number, nresults: number, msgh: number, ctx: number, k: (L: LuaState, status: number, ctx: number) => number): number;
    function lua_tothread(L: LuaState, idx: number): LuaState | null;
  }

  export namespace lauxlib {
    function luaL_newstate(): LuaState;
    function luaL_loadbuffer(L: LuaState, buff: LuaString, size: number | null, name: LuaString | string): number;
    function luaL_requiref(L: LuaState, modname: LuaString | string, openf: LuaJsFunction, glb: number): void;
    function luaL_ref(L: LuaState, t: number): number;
    function luaL_unref(L: LuaState, t: number, ref: number): void;
    function luaL_where(L: LuaState, level: number): void;
    function luaL_error(L: LuaState, fmt: string, ...args: unknown[]): never;
    function luaL_checkstack(L: LuaState, sz: number, msg: string | null): void;
    function luaL_tolstring(L: LuaState, idx: number): LuaString;
    function luaL_checklstring(L: LuaState, arg: number): LuaString;
    function luaL_checknumber(L: LuaState, arg: number): number;
    function luaL_checkany(L: LuaState, arg: number): void;
    function luaL_argerror(L: LuaState, arg: number, extramsg: string): never;
    function luaL_checktype(L: LuaState, arg: number, t: number): void;
  }

  export namespace lualib {
    function luaopen_base(L: LuaState): number;
    function luaopen_table(L: LuaState): number;
    function luaopen_string(L: LuaState): number;
    function luaopen_math(L: LuaState): number;
    function luaopen_coroutine(L: LuaState): number;
    function luaopen_debug(L: LuaState): number;
  }
}

/**
 * The fengari internals narwhal patches for Lua 5.1 numbers (lua/numbers.ts), loaded from its
 * private instance (lua/fengari-instance.ts). Not a real module: types only.
 */
declare module "fengari/internals" {
  export interface TValue {
    type: number;
    value: unknown;
    ttnov(): number;
    ttisinteger(): boolean;
    ttisstring(): boolean;
    svalue(): Uint8Array;
    setfltvalue(x: number): void;
    setivalue(x: number): void;
    setsvalue(ts: unknown): void;
    setfrom(tv: TValue): void;
  }
  export interface FengariInternals {
    lobject: {
      TValue: { prototype: TValue };
      luaO_str2num(s: Uint8Array, o: TValue): number;
      luaO_tostring(L: unknown, o: TValue): void;
      luaO_pushvfstring(L: unknown, fmt: Uint8Array, argp: unknown[]): Uint8Array;
      luaO_pushfstring(L: unknown, fmt: Uint8Array, ...argp: unknown[]): Uint8Array;
    };
    lstring: { luaS_bless(L: unknown, s: Uint8Array): unknown };
    lvm: { tointeger(o: TValue): number | false };
    /** Tables: every write (VM, lua_rawset, lua_settable) goes through luaH_setfrom, looked up at call time. */
    ltable: {
      Table: { prototype: LuaTable };
      luaH_setfrom(L: unknown, t: LuaTable, key: TValue, value: TValue): void;
      luaH_setint(t: LuaTable, key: number, value: TValue): void;
    };
    ldebug: { luaG_runerror(L: unknown, fmt: Uint8Array, ...args: unknown[]): never };
  }
  /** A Lua table object (what lua_topointer returns for a table). */
  export interface LuaTable {
    metatable: LuaTable | null;
    /** narwhal: Redis 7's read-only table flag (lua/readonly-tables.ts). */
    readonly: boolean;
  }
}
