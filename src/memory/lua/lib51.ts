/**
 * The Lua 5.1 number behaviour of the standard library functions fengari (5.3) implements
 * differently: `tonumber` (strtod for base 10, strtoul for other bases, no 32-bit wrap),
 * `string.format` (string-format.ts), the `math` table (math-lib.ts), and the functions whose
 * integer arguments 5.1 reads with luaL_checkint, i.e. `(int)` of the truncated double
 * (`string.rep('x', 3.7)` is "xxx", where 5.3 raises "number has no integer representation").
 */
import { str2d, strtoul } from "./c-strtod";
import { lauxlib, lua, type LuaJsFunction, type LuaState } from "./fengari-instance";
import { castInt, pushMathLib, Rand48 } from "./math-lib";
import { luaNumberToString } from "./numbers";
import { stringFormat } from "./string-format";

const isSpace = (c: number | undefined) => c === 32 || (c !== undefined && c >= 9 && c <= 13);

/** 5.1's luaB_tonumber. */
const tonumber: LuaJsFunction = (L) => {
  const base = lua.lua_type(L, 2) <= lua.LUA_TNIL ? 10 : castInt(lauxlib.luaL_checknumber(L, 2));
  if (base === 10) {
    lauxlib.luaL_checkany(L, 1);
    const t = lua.lua_type(L, 1);
    if (t === lua.LUA_TNUMBER) {
      lua.lua_pushnumber(L, lua.lua_tonumber(L, 1));
      return 1;
    }
    if (t === lua.LUA_TSTRING) {
      const n = str2d(lua.lua_tolstring(L, 1)!);
      if (n !== null) {
        lua.lua_pushnumber(L, n);
        return 1;
      }
    }
  } else {
    const s = lauxlib.luaL_checklstring(L, 1);
    if (base < 2 || base > 36) lauxlib.luaL_argerror(L, 2, "base out of range");
    const parsed = strtoul(s, base);
    if (parsed) {
      let i = parsed.end;
      while (isSpace(s[i])) i++;
      if (i >= s.length || s[i] === 0) {
        lua.lua_pushnumber(L, parsed.value);
        return 1;
      }
    }
  }
  lua.lua_pushnil(L);
  return 1;
};

/**
 * `tostring` of a number formats it here (%.14g), not through lua_pushfstring("%f", n): that
 * passes the number in an arguments array, where V8 may canonicalize a NaN and lose its sign
 * ("-nan" for 0/0, like glibc on x86-64).
 */
function tostringNumbers(original: LuaJsFunction): LuaJsFunction {
  return (L) => {
    if (lua.lua_type(L, 1) !== lua.LUA_TNUMBER) return original(L);
    lua.lua_pushstring(L, luaNumberToString(lua.lua_tonumber(L, 1)));
    return 1;
  };
}

/** Rewrites the arguments `which(L)` names as luaL_checkint would read them, then calls `original`. */
function intArgs(original: LuaJsFunction, which: (L: LuaState) => readonly number[]): LuaJsFunction {
  return (L) => {
    for (const i of which(L)) {
      const t = lua.lua_type(L, i);
      if (t !== lua.LUA_TNUMBER && t !== lua.LUA_TSTRING) continue;
      const n = t === lua.LUA_TNUMBER ? lua.lua_tonumber(L, i) : str2d(lua.lua_tolstring(L, i)!);
      if (n === null) continue; // not a number: the original raises its own error
      lua.lua_pushnumber(L, castInt(n));
      lua.lua_replace(L, i);
    }
    return original(L);
  };
}

/** 5.1's str_char: luaL_checkint, then "invalid value" outside 0–255 (fengari's own check names no argument). */
const stringChar: LuaJsFunction = (L) => {
  const n = lua.lua_gettop(L);
  const bytes = new Uint8Array(n);
  for (let i = 1; i <= n; i++) {
    const c = castInt(lauxlib.luaL_checknumber(L, i));
    if (c < 0 || c > 255) lauxlib.luaL_argerror(L, i, "invalid value");
    bytes[i - 1] = c;
  }
  lua.lua_pushstring(L, bytes);
  return 1;
};

/**
 * 5.1's tremove: nothing to remove (an empty table, a position out of 1..#t) returns no value
 * and writes nothing; 5.3's writes `t[#t] = nil` even then, which a read-only table refuses.
 */
const tableRemove: LuaJsFunction = (L) => {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  const e = lua.lua_rawlen(L, 1);
  const pos = lua.lua_type(L, 2) <= lua.LUA_TNIL ? e : castInt(lauxlib.luaL_checknumber(L, 2));
  if (!(pos >= 1 && pos <= e)) return 0;
  lua.lua_rawgeti(L, 1, pos);
  for (let i = pos; i < e; i++) {
    lua.lua_pushinteger(L, i);
    lua.lua_rawgeti(L, 1, i + 1);
    lua.lua_rawset(L, 1);
  }
  lua.lua_pushinteger(L, e);
  lua.lua_pushnil(L);
  lua.lua_rawset(L, 1);
  return 1;
};

/** 5.1's table.foreach / foreachi: call `f(k, v)` for each pair (each index 1..#t), stop at the first non-nil result. */
function tableForeach(indexed: boolean): LuaJsFunction {
  return (L) => {
    lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
    lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION);
    const visit = (): boolean => {
      lua.lua_call(L, 2, 1);
      if (lua.lua_type(L, -1) !== lua.LUA_TNIL) return true;
      lua.lua_pop(L, 1);
      return false;
    };
    if (indexed) {
      const n = lua.lua_rawlen(L, 1);
      for (let i = 1; i <= n; i++) {
        lua.lua_pushvalue(L, 2);
        lua.lua_pushinteger(L, i);
        lua.lua_rawgeti(L, 1, i);
        if (visit()) return 1;
      }
      return 0;
    }
    lua.lua_pushnil(L);
    while (lua.lua_next(L, 1) !== 0) {
      lua.lua_pushvalue(L, 2);
      lua.lua_pushvalue(L, -3);
      lua.lua_pushvalue(L, -3);
      if (visit()) return 1;
      lua.lua_pop(L, 1); // the value; the key stays for lua_next
    }
    return 0;
  };
}

/** 5.1 (without LUA_COMPAT_GETN): table.setn only raises. */
const tableSetn: LuaJsFunction = (L) => lauxlib.luaL_error(L, "'setn' is obsolete");

/** The 5.1 functions that read integers with luaL_checkint / luaL_optint, and which arguments. */
const CHECKINT: Record<string, Record<string, (L: LuaState) => readonly number[]>> = {
  string: {
    rep: () => [2],
    gsub: () => [4],
  },
  table: {
    insert: (L) => (lua.lua_gettop(L) === 3 ? [2] : []),
    concat: () => [3, 4],
    unpack: () => [2, 3],
  },
  _G: {
    select: (L) => (lua.lua_type(L, 1) === lua.LUA_TSTRING && lua.lua_tolstring(L, 1)![0] === 35 ? [] : [1]),
  },
};

function replaceFunction(L: LuaState, table: number, name: string, make: (original: LuaJsFunction) => LuaJsFunction): void {
  lua.lua_getfield(L, table, name);
  const original = lua.lua_tocfunction(L, -1);
  lua.lua_pop(L, 1);
  if (!original) throw new Error(`narwhal: Lua library function ${name} not found`);
  lua.lua_pushjsfunction(L, make(original));
  lua.lua_setfield(L, table, name);
}

/**
 * Installs the 5.1 number functions into the globals table at `globals` (after fengari's base,
 * string and table libraries are open): tonumber, string.format, math, and the luaL_checkint
 * argument conversions.
 */
export function installLua51Numbers(L: LuaState, globals: number): void {
  lua.lua_pushjsfunction(L, tonumber);
  lua.lua_setfield(L, globals, "tonumber");
  pushMathLib(L, new Rand48());
  lua.lua_setfield(L, globals, "math");
  for (const [lib, fns] of Object.entries(CHECKINT)) {
    if (lib === "_G") lua.lua_pushvalue(L, globals);
    else lua.lua_getfield(L, globals, lib);
    const table = lua.lua_gettop(L);
    for (const [name, which] of Object.entries(fns)) replaceFunction(L, table, name, (original) => intArgs(original, which));
    if (lib === "string") replaceFunction(L, table, "format", () => stringFormat);
    if (lib === "string") replaceFunction(L, table, "char", () => stringChar);
    if (lib === "table") {
      replaceFunction(L, table, "remove", () => tableRemove);
      for (const [name, fn] of [["foreach", tableForeach(false)], ["foreachi", tableForeach(true)], ["setn", tableSetn]] as const) {
        lua.lua_pushjsfunction(L, fn);
        lua.lua_setfield(L, table, name);
      }
    }
    if (lib === "_G") replaceFunction(L, table, "tostring", tostringNumbers);
    lua.lua_pop(L, 1);
  }
}
