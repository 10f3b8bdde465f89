/**
 * Roberto Ierusalimschy's `struct` library as bundled with Redis (deps/lua/src/lua_struct.c):
 * `struct.pack(fmt, …)`, `struct.unpack(fmt, s [, pos])`, `struct.size(fmt)`, on a 64-bit
 * little-endian host (long and size_t are 8 bytes, int 4, short 2, maximum alignment 8).
 * Integers go through a 64-bit integer as in C (BigInt here), so no precision is lost below 2^64.
 */
import { Buffer } from "node:buffer";
import { lauxlib, lua, type LuaJsFunction, type LuaState } from "./fengari-instance";

const LITTLE = 1;
const BIG = 0;
const MAXINTSIZE = 32;
const MAXALIGN = 8;
const MASK64 = (1n << 64n) - 1n;

interface Header {
  endian: number;
  align: number;
}

/** A cursor over the format string (C's `const char **fmt`). */
interface Fmt {
  readonly s: string;
  i: number;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

function getnum(L: LuaState, fmt: Fmt, df: number): number {
  if (!isDigit(fmt.s[fmt.i])) return df;
  let a = 0;
  do {
    const d = fmt.s.charCodeAt(fmt.i) - 48;
    if (a > Math.floor(0x7fffffff / 10) || a * 10 > 0x7fffffff - d) lauxlib.luaL_error(L, "integral size overflow");
    a = a * 10 + d;
    fmt.i++;
  } while (isDigit(fmt.s[fmt.i]));
  return a;
}

function optsize(L: LuaState, opt: string, fmt: Fmt): number {
  switch (opt) {
    case "B": case "b": case "x": return 1;
    case "H": case "h": return 2;
    case "L": case "l": case "T": case "d": return 8;
    case "f": return 4;
    case "c": return getnum(L, fmt, 1);
    case "i": case "I": {
      const sz = getnum(L, fmt, 4);
      if (sz > MAXINTSIZE) lauxlib.luaL_error(L, `integral size ${sz} is larger than limit of ${MAXINTSIZE}`);
      return sz;
    }
    default: return 0;
  }
}

function gettoalign(len: number, h: Header, opt: string, size: number): number {
  if (size === 0 || opt === "c") return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function controloptions(L: LuaState, opt: string, fmt: Fmt, h: Header): void {
  switch (opt) {
    case " ": return;
    case ">": h.endian = BIG; return;
    case "<": h.endian = LITTLE; return;
    case "!": {
      const a = getnum(L, fmt, MAXALIGN);
      if ((a & (a - 1)) !== 0) lauxlib.luaL_error(L, `alignment ${a} is not a power of 2`);
      h.align = a;
      return;
    }
    default: lauxlib.luaL_argerror(L, 1, `invalid format option '${opt}'`);
  }
}

const TWO63 = 1n << 63n;

/** x86-64's cvttsd2si: truncation, anything out of the signed range → 2^63's bit pattern. */
const cvt = (n: number): bigint => (Number.isNaN(n) || n >= 2 ** 63 || n < -(2 ** 63) ? TWO63 : BigInt(Math.trunc(n)) & MASK64);

/** C's `(unsigned long)(long)n` for n < 0, `(unsigned long)n` otherwise, as gcc compiles them on x86-64. */
function toUint64(n: number): bigint {
  if (Number.isNaN(n)) return TWO63;
  if (n < 2 ** 63) return cvt(n);
  return cvt(n - 2 ** 63) ^ TWO63; // the unsigned conversion: 2^64 and beyond wrap to 0
}

function putinteger(out: number[], n: number, endian: number, size: number): void {
  let value = toUint64(n);
  const bytes = new Array<number>(size).fill(0);
  for (let k = 0; k < size; k++) {
    bytes[endian === LITTLE ? k : size - 1 - k] = Number(value & 0xffn);
    value >>= 8n;
  }
  out.push(...bytes);
}

function getinteger(data: Uint8Array, pos: number, endian: number, signed: boolean, size: number): number {
  let l = 0n;
  for (let k = 0; k < size; k++) l = ((l << 8n) | BigInt(data[endian === BIG ? pos + k : pos + size - 1 - k]!)) & MASK64;
  if (!signed) return Number(l);
  const mask = (MASK64 << BigInt((size * 8 - 1) & 63)) & MASK64;
  if (l & mask) l |= mask;
  return Number(BigInt.asIntN(64, l));
}

function floatBytes(x: number, size: number, endian: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  if (size === 4) view.setFloat32(0, x, endian === LITTLE);
  else view.setFloat64(0, x, endian === LITTLE);
  return Array.from(new Uint8Array(view.buffer, 0, size));
}

const checkFormat = (L: LuaState): Fmt => ({ s: Buffer.from(lauxlib.luaL_checklstring(L, 1)).toString("latin1"), i: 0 });

const pack: LuaJsFunction = (L) => {
  const fmt = checkFormat(L);
  const h: Header = { endian: LITTLE, align: 1 };
  let arg = 2;
  lua.lua_pushnil(L); // lua_struct.c's mark below its buffer: a missing argument reads "got nil"
  const out: number[] = [];
  while (fmt.i < fmt.s.length) {
    const opt = fmt.s[fmt.i++]!;
    let size = optsize(L, opt, fmt);
    for (let toalign = gettoalign(out.length, h, opt, size); toalign > 0; toalign--) out.push(0);
    switch (opt) {
      case "b": case "B": case "h": case "H": case "l": case "L": case "T": case "i": case "I":
        putinteger(out, lauxlib.luaL_checknumber(L, arg++), h.endian, size);
        break;
      case "x":
        out.push(0);
        break;
      case "f": case "d":
        out.push(...floatBytes(lauxlib.luaL_checknumber(L, arg++), size, h.endian));
        break;
      case "c": case "s": {
        const s = lauxlib.luaL_checklstring(L, arg++);
        if (size === 0) size = s.length;
        if (s.length < size) lauxlib.luaL_argerror(L, arg, "string too short");
        for (let k = 0; k < size; k++) out.push(s[k]!);
        if (opt === "s") out.push(0);
        break;
      }
      default:
        controloptions(L, opt, fmt, h);
    }
  }
  lua.lua_pushstring(L, Uint8Array.from(out));
  return 1;
};

const unpack: LuaJsFunction = (L) => {
  const fmt = checkFormat(L);
  const data = lauxlib.luaL_checklstring(L, 2);
  const ld = data.length;
  const start = lua.lua_type(L, 3) <= lua.LUA_TNIL ? 1 : Math.trunc(lauxlib.luaL_checknumber(L, 3));
  // A size_t there: 0 is refused, a negative offset wraps around (every later read is then too short).
  if (start === 0) lauxlib.luaL_argerror(L, 3, "offset must be 1 or greater");
  let pos = start - 1;
  const h: Header = { endian: LITTLE, align: 1 };
  let n = 0;
  while (fmt.i < fmt.s.length) {
    const opt = fmt.s[fmt.i++]!;
    let size = optsize(L, opt, fmt);
    pos += gettoalign(pos, h, opt, size);
    if (pos + size > ld || (pos < 0 && size > 0)) lauxlib.luaL_argerror(L, 2, "data string too short");
    lauxlib.luaL_checkstack(L, 2, "too many results");
    switch (opt) {
      case "b": case "B": case "h": case "H": case "l": case "L": case "T": case "i": case "I":
        lua.lua_pushnumber(L, getinteger(data, pos, h.endian, opt === opt.toLowerCase(), size));
        n++;
        break;
      case "x":
        break;
      case "f": case "d": {
        const view = new DataView(data.buffer, data.byteOffset + pos, size);
        lua.lua_pushnumber(L, size === 4 ? view.getFloat32(0, h.endian === LITTLE) : view.getFloat64(0, h.endian === LITTLE));
        n++;
        break;
      }
      case "c":
        if (size === 0) {
          if (n === 0 || !lua.lua_isnumber(L, -1)) lauxlib.luaL_error(L, "format 'c0' needs a previous size");
          size = Math.trunc(lua.lua_tonumber(L, -1));
          lua.lua_pop(L, 1);
          n--;
          if (!(size >= 0 && pos + size <= ld)) lauxlib.luaL_argerror(L, 2, "data string too short");
        }
        lua.lua_pushstring(L, data.subarray(pos, pos + size));
        n++;
        break;
      case "s": {
        const e = data.indexOf(0, pos);
        if (e < 0) lauxlib.luaL_error(L, "unfinished string in data");
        size = e - pos + 1;
        lua.lua_pushstring(L, data.subarray(pos, e));
        n++;
        break;
      }
      default:
        controloptions(L, opt, fmt, h);
    }
    pos += size;
  }
  lua.lua_pushnumber(L, pos + 1);
  return n + 1;
};

const size: LuaJsFunction = (L) => {
  const fmt = checkFormat(L);
  const h: Header = { endian: LITTLE, align: 1 };
  let pos = 0;
  while (fmt.i < fmt.s.length) {
    const opt = fmt.s[fmt.i++]!;
    const sz = optsize(L, opt, fmt);
    pos += gettoalign(pos, h, opt, sz);
    if (opt === "s") lauxlib.luaL_argerror(L, 1, "option 's' has no fixed size");
    else if (opt === "c" && sz === 0) lauxlib.luaL_argerror(L, 1, "option 'c0' has no fixed size");
    if (!/^[0-9A-Za-z]$/.test(opt)) controloptions(L, opt, fmt, h);
    pos += sz;
  }
  lua.lua_pushnumber(L, pos);
  return 1;
};

/** Pushes the `struct` table. */
export function pushStructLib(L: LuaState): void {
  lua.lua_createtable(L, 0, 3);
  for (const [name, fn] of [["pack", pack], ["unpack", unpack], ["size", size]] as const) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}
