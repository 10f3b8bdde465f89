/** LuaBitOp's `bit` table (bundled with Redis): 32-bit signed results, as `bit.band` etc. return them. */
import { lauxlib, lua, type LuaJsFunction, type LuaState } from "./fengari-instance";

const view = new DataView(new ArrayBuffer(8));

/**
 * LuaBitOp's barg: adds 2^52 + 2^51 and keeps the low 32 bits of the double's bit pattern, so
 * x is rounded half to even and taken modulo 2^32 (|x| < 2^51; beyond, what that sum leaves).
 */
const tobit = (x: number): number => {
  view.setFloat64(0, x + 6755399441055744, true);
  return view.getInt32(0, true);
};

const arg = (L: LuaState, i: number) => tobit(lauxlib.luaL_checknumber(L, i));

function unary(f: (x: number) => number): LuaJsFunction {
  return (L) => {
    lua.lua_pushnumber(L, f(arg(L, 1)));
    return 1;
  };
}

function variadic(f: (a: number, b: number) => number): LuaJsFunction {
  return (L) => {
    let acc = arg(L, 1);
    for (let i = 2, n = lua.lua_gettop(L); i <= n; i++) acc = f(acc, arg(L, i));
    lua.lua_pushnumber(L, acc | 0);
    return 1;
  };
}

function shift(f: (x: number, n: number) => number): LuaJsFunction {
  return (L) => {
    lua.lua_pushnumber(L, f(arg(L, 1), arg(L, 2) & 31) | 0);
    return 1;
  };
}

const tohex: LuaJsFunction = (L) => {
  const x = arg(L, 1);
  let n = lua.lua_gettop(L) >= 2 ? arg(L, 2) : 8;
  const upper = n < 0;
  if (upper) n = -n;
  n = Math.min(Math.max(n, 0), 8);
  const hex = n === 0 ? "" : (x >>> 0).toString(16).padStart(8, "0").slice(8 - n);
  lua.lua_pushstring(L, upper ? hex.toUpperCase() : hex);
  return 1;
};

/** Pushes the `bit` table. */
export function pushBitLib(L: LuaState): void {
  const fns: Record<string, LuaJsFunction> = {
    tobit: unary((x) => x),
    bnot: unary((x) => ~x),
    bswap: unary((x) => ((x >>> 24) | ((x >> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24)) | 0),
    band: variadic((a, b) => a & b),
    bor: variadic((a, b) => a | b),
    bxor: variadic((a, b) => a ^ b),
    lshift: shift((x, n) => x << n),
    rshift: shift((x, n) => x >>> n),
    arshift: shift((x, n) => x >> n),
    rol: shift((x, n) => (x << n) | (x >>> (32 - n))),
    ror: shift((x, n) => (x >>> n) | (x << (32 - n))),
    tohex,
  };
  lua.lua_createtable(L, 0, 12);
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}
