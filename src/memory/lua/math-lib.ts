/**
 * Lua 5.1's `math` library as Redis 7.0 ships it: every result a double (fengari's 5.3 library
 * returns integers from floor/ceil/fmod/random, and has tointeger/type/ult instead of 5.1's
 * frexp/ldexp/cosh/sinh/tanh/atan2/log10/pow/mod), `math.log` with one argument, and Redis's
 * own `math.random`/`math.randomseed`: rand48, the same sequence for the same seed as
 * redis-server (a fresh server starts from rand48's default seed, like a fresh engine).
 */
import { quietNaN } from "./c-strtod";
import { lauxlib, lua, type LuaJsFunction, type LuaState } from "./fengari-instance";

const TWO63 = 2 ** 63;

/** 5.1's luaL_checkint on x86-64: `(int)(ptrdiff_t)x`, i.e. the low 32 bits of the truncation. */
export function castInt(x: number): number {
  return x >= -TWO63 && x < TWO63 ? x | 0 : 0;
}

export function checkInt(L: LuaState, arg: number): number {
  return castInt(lauxlib.luaL_checknumber(L, arg));
}

const num = (L: LuaState, arg: number) => lauxlib.luaL_checknumber(L, arg);

/**
 * A one-argument libm function with glibc's NaNs: a NaN argument comes back as it is (sign
 * included), and a domain error gives "-nan" (log, sqrt, sin…) or "nan" (log10, acos, asin).
 */
function unary(f: (x: number) => number, negativeDomainNaN = true): LuaJsFunction {
  return (L) => {
    const x = num(L, 1);
    const r = f(x);
    lua.lua_pushnumber(L, r === r ? r : x !== x ? x : quietNaN(negativeDomainNaN));
    return 1;
  };
}

/** C's pow: 1 for pow(1, y) and pow(x, ±0) even with NaN, and for pow(-1, ±inf); "-nan" for a negative base and fractional exponent. */
function pow(x: number, y: number): number {
  if (x === 1 || y === 0 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  const r = Math.pow(x, y);
  if (r === r) return r;
  return quietNaN(!(x !== x || y !== y));
}

/** C's fmod: NaN (x86's default NaN, "-nan") for a zero divisor or an infinite dividend. */
function fmod(x: number, y: number): number {
  const r = x % y;
  if (!Number.isNaN(r)) return r;
  if (Number.isNaN(x)) return x;
  return Number.isNaN(y) ? y : quietNaN(true);
}

const view = new DataView(new ArrayBuffer(8));

/** C's frexp for a finite non-zero x: x = m·2^e with 0.5 ≤ |m| < 1. */
function frexp(x: number): [number, number] {
  let scale = 0;
  if (Math.abs(x) < 2 ** -1022) {
    x *= 2 ** 64; // subnormal: normalise first
    scale = -64;
  }
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const e = ((hi >>> 20) & 0x7ff) - 1022;
  view.setUint32(0, (hi & 0x800fffff) | (1022 << 20));
  return [view.getFloat64(0), e + scale];
}

/** C's ldexp: m·2^e without intermediate overflow. */
function ldexp(m: number, e: number): number {
  while (e > 1000) {
    m *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    m *= 2 ** -1000;
    e += 1000;
  }
  return m * 2 ** e;
}

const RADIANS_PER_DEGREE = Math.PI / 180;
const LRAND48_MAX = 2147483647;

/** rand48 (Redis's rand.c): x ← (0x5DEECE66D·x + 0xB) mod 2^48, lrand48 = x >> 17. */
export class Rand48 {
  private x = 0x1234abcd330en;

  seed(seed: number): void {
    this.x = (BigInt(seed >>> 0) << 16n) | 0x330en;
  }

  next(): number {
    this.x = (0x5deece66dn * this.x + 0xbn) & 0xffffffffffffn;
    return Number(this.x >> 17n);
  }
}

function minMax(isMax: boolean): LuaJsFunction {
  return (L) => {
    const n = lua.lua_gettop(L);
    let best = num(L, 1);
    for (let i = 2; i <= n; i++) {
      const d = num(L, i);
      if (isMax ? d > best : d < best) best = d;
    }
    lua.lua_pushnumber(L, best);
    return 1;
  };
}

function random(rand: Rand48): LuaJsFunction {
  return (L) => {
    const r = (rand.next() % LRAND48_MAX) / LRAND48_MAX;
    switch (lua.lua_gettop(L)) {
      case 0:
        lua.lua_pushnumber(L, r);
        return 1;
      case 1: {
        const u = checkInt(L, 1);
        if (!(1 <= u)) lauxlib.luaL_argerror(L, 1, "interval is empty");
        lua.lua_pushnumber(L, Math.floor(r * u) + 1);
        return 1;
      }
      case 2: {
        const l = checkInt(L, 1);
        const u = checkInt(L, 2);
        if (!(l <= u)) lauxlib.luaL_argerror(L, 2, "interval is empty");
        lua.lua_pushnumber(L, Math.floor(r * ((u - l + 1) | 0)) + l);
        return 1;
      }
      default:
        return lauxlib.luaL_error(L, "wrong number of arguments");
    }
  };
}

/** Pushes the `math` table; `rand` holds math.random's state (one per Lua state, like Redis's one per server). */
export function pushMathLib(L: LuaState, rand: Rand48): void {
  const fns: Record<string, LuaJsFunction> = {
    abs: (L2) => {
      const x = Math.abs(num(L2, 1));
      lua.lua_pushnumber(L2, x === x ? x : quietNaN(false));
      return 1;
    },
    acos: unary(Math.acos, false),
    asin: unary(Math.asin, false),
    atan2: (L2) => {
      const y = num(L2, 1);
      const x = num(L2, 2);
      lua.lua_pushnumber(L2, y !== y ? y : x !== x ? x : Math.atan2(y, x));
      return 1;
    },
    atan: unary(Math.atan),
    ceil: unary(Math.ceil),
    cosh: unary(Math.cosh),
    cos: unary(Math.cos),
    deg: unary((x) => x / RADIANS_PER_DEGREE),
    exp: unary(Math.exp),
    floor: unary(Math.floor),
    fmod: (L2) => {
      lua.lua_pushnumber(L2, fmod(num(L2, 1), num(L2, 2)));
      return 1;
    },
    frexp: (L2) => {
      const x = num(L2, 1);
      // 0, ±inf and NaN come back unchanged; never through an array, where V8 may canonicalize a NaN.
      const [m, e] = x === 0 || !Number.isFinite(x) ? [0, 0] : frexp(x);
      lua.lua_pushnumber(L2, x === 0 || !Number.isFinite(x) ? x : m);
      lua.lua_pushnumber(L2, e);
      return 2;
    },
    ldexp: (L2) => {
      lua.lua_pushnumber(L2, ldexp(num(L2, 1), checkInt(L2, 2)));
      return 1;
    },
    log10: unary(Math.log10, false),
    log: unary(Math.log),
    max: minMax(true),
    min: minMax(false),
    modf: (L2) => {
      const x = num(L2, 1);
      const ip = Number.isFinite(x) ? Math.trunc(x) : x;
      const fp = Number.isFinite(x) ? x - ip : Number.isNaN(x) ? x : 0;
      lua.lua_pushnumber(L2, ip);
      lua.lua_pushnumber(L2, fp === 0 && (x < 0 || Object.is(x, -0)) ? -0 : fp);
      return 2;
    },
    pow: (L2) => {
      lua.lua_pushnumber(L2, pow(num(L2, 1), num(L2, 2)));
      return 1;
    },
    rad: unary((x) => x * RADIANS_PER_DEGREE),
    random: random(rand),
    randomseed: (L2) => {
      rand.seed(checkInt(L2, 1));
      return 0;
    },
    sinh: unary(Math.sinh),
    sin: unary(Math.sin),
    sqrt: unary(Math.sqrt),
    tanh: unary(Math.tanh),
    tan: unary(Math.tan),
  };
  lua.lua_createtable(L, 0, 32);
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pushnumber(L, Math.PI);
  lua.lua_setfield(L, -2, "pi");
  lua.lua_pushnumber(L, Infinity);
  lua.lua_setfield(L, -2, "huge");
  lua.lua_getfield(L, -1, "fmod");
  lua.lua_setfield(L, -2, "mod");
}
