/**
 * The `cmsgpack` table of Redis's Lua (lua_cmsgpack.c 0.4.0, as bundled by Redis 7.0):
 * `pack(...)`, `unpack(s)`, `unpack_one(s [, offset])`, `unpack_limit(s, limit [, offset])`,
 * with its encoding choices (the smallest integer form; floats as float32 when exact, else
 * float64; tables as arrays when their keys are exactly 1..n; nesting past 16 levels as nil)
 * and its error texts. Map entries follow the table's iteration order.
 */
import { lauxlib, lua, type LuaJsFunction, type LuaState } from "./fengari-instance";

const MAX_NESTING = 16;

class Bytes {
  buf = new Uint8Array(64);
  len = 0;
  private view = new DataView(this.buf.buffer);

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b & 0xff;
  }
  /** A type byte then an unsigned (or signed) big-endian integer of `size` bytes. */
  int(type: number, size: 1 | 2 | 4 | 8, n: number, signed: boolean): void {
    this.byte(type);
    this.room(size);
    const v = this.view;
    const at = this.len;
    if (size === 1) signed ? v.setInt8(at, n) : v.setUint8(at, n);
    else if (size === 2) signed ? v.setInt16(at, n) : v.setUint16(at, n);
    else if (size === 4) signed ? v.setInt32(at, n) : v.setUint32(at, n);
    else signed ? v.setBigInt64(at, BigInt(n)) : v.setBigUint64(at, BigInt(n));
    this.len += size;
  }
  float(type: 0xca | 0xcb, d: number): void {
    this.byte(type);
    this.room(8);
    if (type === 0xca) this.view.setFloat32(this.len, d);
    else this.view.setFloat64(this.len, d);
    this.len += type === 0xca ? 4 : 8;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
}

function encodeInteger(out: Bytes, n: number): void {
  if (n >= 0) {
    if (n <= 127) out.byte(n);
    else if (n <= 0xff) out.int(0xcc, 1, n, false);
    else if (n <= 0xffff) out.int(0xcd, 2, n, false);
    else if (n <= 0xffffffff) out.int(0xce, 4, n, false);
    else out.int(0xcf, 8, n, false);
  } else if (n >= -32) out.byte(n);
  else if (n >= -128) out.int(0xd0, 1, n, true);
  else if (n >= -32768) out.int(0xd1, 2, n, true);
  else if (n >= -2147483648) out.int(0xd2, 4, n, true);
  else out.int(0xd3, 8, n, true);
}

function encodeNumber(out: Bytes, n: number): void {
  // IS_INT64_EQUIVALENT: finite and (int64_t)n == n.
  if (Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63) return encodeInteger(out, n);
  out.float(Math.fround(n) === n || Number.isNaN(n) ? 0xca : 0xcb, n);
}

function encodeString(out: Bytes, s: Uint8Array): void {
  const n = s.length;
  if (n < 32) out.byte(0xa0 | n);
  else if (n <= 0xff) out.int(0xd9, 1, n, false);
  else if (n <= 0xffff) out.int(0xda, 2, n, false);
  else out.int(0xdb, 4, n, false);
  out.bytes(s);
}

/** table_is_an_array: every key a positive integer and the largest equal to their count. */
function isArray(L: LuaState, t: number): number | null {
  let count = 0;
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, t) !== 0) {
    lua.lua_pop(L, 1);
    const n = lua.lua_type(L, -1) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : NaN;
    if (!Number.isInteger(n) || n < 1) {
      lua.lua_pop(L, 1);
      return null;
    }
    count++;
    if (n > max) max = n;
  }
  return max === count ? count : null;
}

function encodeTable(out: Bytes, L: LuaState, t: number, level: number): void {
  lauxlib.luaL_checkstack(L, 3, null);
  const length = isArray(L, t);
  if (length !== null) {
    if (length <= 15) out.byte(0x90 | length);
    else if (length <= 0xffff) out.int(0xdc, 2, length, false);
    else out.int(0xdd, 4, length, false);
    for (let i = 1; i <= length; i++) {
      lua.lua_rawgeti(L, t, i);
      encodeValue(out, L, level + 1);
      lua.lua_pop(L, 1);
    }
    return;
  }
  let pairs = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, t) !== 0) {
    lua.lua_pop(L, 1);
    pairs++;
  }
  if (pairs <= 15) out.byte(0x80 | pairs);
  else if (pairs <= 0xffff) out.int(0xde, 2, pairs, false);
  else out.int(0xdf, 4, pairs, false);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, t) !== 0) {
    lua.lua_pushvalue(L, -2);
    encodeValue(out, L, level + 1);
    lua.lua_pop(L, 1);
    encodeValue(out, L, level + 1);
    lua.lua_pop(L, 1);
  }
}

/** Encodes the value on the top of the stack (left there). */
function encodeValue(out: Bytes, L: LuaState, level: number): void {
  const t = lua.lua_type(L, -1);
  if (t === lua.LUA_TBOOLEAN) out.byte(lua.lua_toboolean(L, -1) ? 0xc3 : 0xc2);
  else if (t === lua.LUA_TNUMBER) encodeNumber(out, lua.lua_tonumber(L, -1));
  else if (t === lua.LUA_TSTRING) encodeString(out, lua.lua_tolstring(L, -1)!);
  else if (t === lua.LUA_TTABLE && level < MAX_NESTING) encodeTable(out, L, lua.lua_gettop(L), level);
  else out.byte(0xc0);
}

const pack: LuaJsFunction = (L) => {
  const n = lua.lua_gettop(L);
  if (n === 0) return lauxlib.luaL_argerror(L, 0, "MessagePack pack needs input.");
  const out = new Bytes();
  for (let i = 1; i <= n; i++) {
    lua.lua_pushvalue(L, i);
    encodeValue(out, L, 0);
    lua.lua_pop(L, 1);
  }
  lua.lua_pushstring(L, out.buf.subarray(0, out.len));
  return 1;
};

class Eof extends Error {}
class BadFormat extends Error {}

class Cursor {
  private readonly view: DataView;
  constructor(
    readonly s: Uint8Array,
    public pos: number,
  ) {
    this.view = new DataView(s.buffer, s.byteOffset, s.byteLength);
  }
  need(n: number): number {
    if (this.pos + n > this.s.length) throw new Eof();
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u(size: 1 | 2 | 4 | 8): number {
    const at = this.need(size);
    const v = this.view;
    return size === 1 ? v.getUint8(at) : size === 2 ? v.getUint16(at) : size === 4 ? v.getUint32(at) : Number(v.getBigUint64(at));
  }
  i(size: 1 | 2 | 4 | 8): number {
    const at = this.need(size);
    const v = this.view;
    return size === 1 ? v.getInt8(at) : size === 2 ? v.getInt16(at) : size === 4 ? v.getInt32(at) : Number(v.getBigInt64(at));
  }
  f(size: 4 | 8): number {
    const at = this.need(size);
    return size === 4 ? this.view.getFloat32(at) : this.view.getFloat64(at);
  }
}

/** Decodes one object onto the stack. */
function decodeValue(L: LuaState, c: Cursor): void {
  lauxlib.luaL_checkstack(L, 3, null);
  const b = c.u(1);
  if (b <= 0x7f) return lua.lua_pushnumber(L, b);
  if (b >= 0xe0) return lua.lua_pushnumber(L, b - 256);
  if (b >= 0xa0 && b <= 0xbf) return pushBytes(L, c, b & 0x1f);
  if (b >= 0x90 && b <= 0x9f) return decodeArray(L, c, b & 0x0f);
  if (b >= 0x80 && b <= 0x8f) return decodeMap(L, c, b & 0x0f);
  switch (b) {
    case 0xc0: return lua.lua_pushnil(L);
    case 0xc2: return lua.lua_pushboolean(L, false);
    case 0xc3: return lua.lua_pushboolean(L, true);
    case 0xca: return lua.lua_pushnumber(L, c.f(4));
    case 0xcb: return lua.lua_pushnumber(L, c.f(8));
    case 0xcc: return lua.lua_pushnumber(L, c.u(1));
    case 0xcd: return lua.lua_pushnumber(L, c.u(2));
    case 0xce: return lua.lua_pushnumber(L, c.u(4));
    case 0xcf: return lua.lua_pushnumber(L, c.u(8));
    case 0xd0: return lua.lua_pushnumber(L, c.i(1));
    case 0xd1: return lua.lua_pushnumber(L, c.i(2));
    case 0xd2: return lua.lua_pushnumber(L, c.i(4));
    case 0xd3: return lua.lua_pushnumber(L, c.i(8));
    // Redis's lua_cmsgpack predates the bin8/16/32 types (0xc4–0xc6): "Bad data format", as there.
    case 0xd9: return pushBytes(L, c, c.u(1));
    case 0xda: return pushBytes(L, c, c.u(2));
    case 0xdb: return pushBytes(L, c, c.u(4));
    case 0xdc: return decodeArray(L, c, c.u(2));
    case 0xdd: return decodeArray(L, c, c.u(4));
    case 0xde: return decodeMap(L, c, c.u(2));
    case 0xdf: return decodeMap(L, c, c.u(4));
    default: throw new BadFormat();
  }
}

function pushBytes(L: LuaState, c: Cursor, n: number): void {
  const at = c.need(n);
  lua.lua_pushstring(L, c.s.subarray(at, at + n));
}

function decodeArray(L: LuaState, c: Cursor, n: number): void {
  lua.lua_newtable(L);
  for (let i = 1; i <= n; i++) {
    decodeValue(L, c);
    lua.lua_rawseti(L, -2, i);
  }
}

function decodeMap(L: LuaState, c: Cursor, n: number): void {
  lua.lua_newtable(L);
  for (let i = 0; i < n; i++) {
    decodeValue(L, c);
    decodeValue(L, c);
    lua.lua_rawset(L, -3);
  }
}

/** mp_unpack_full: `limit` objects (0 with offset 0: all of them) from byte `offset`. */
function unpackFull(L: LuaState, limit: number, offset: number): number {
  if (lua.lua_gettop(L) > 3) return lauxlib.luaL_argerror(L, 4, "MessagePack unpack: too many arguments");
  const s = lauxlib.luaL_checklstring(L, 1);
  const len = s.length;
  const all = limit === 0 && offset === 0;
  if (offset < 0 || limit < 0) return lauxlib.luaL_error(L, `Invalid request to unpack with offset of ${offset} and limit of ${len}.`);
  if (offset > len) return lauxlib.luaL_error(L, `Start offset ${offset} greater than input length ${len}.`);
  const max = all ? Infinity : limit;
  const c = new Cursor(s, offset);
  let count = 0;
  const base = lua.lua_gettop(L);
  try {
    while (c.pos < len && count < max) {
      decodeValue(L, c);
      count++;
    }
  } catch (error) {
    lua.lua_settop(L, base);
    if (error instanceof Eof) return lauxlib.luaL_error(L, "Missing bytes in input.");
    if (error instanceof BadFormat) return lauxlib.luaL_error(L, "Bad data format in input.");
    throw error;
  }
  if (all) return count;
  lua.lua_pushinteger(L, c.pos >= len ? -1 : c.pos);
  lua.lua_insert(L, base + 1);
  return count + 1;
}

const optInt = (L: LuaState, i: number) => (lua.lua_type(L, i) <= lua.LUA_TNIL ? 0 : Math.trunc(lauxlib.luaL_checknumber(L, i)));

/** Pushes the `cmsgpack` table. */
export function pushCmsgpackLib(L: LuaState): void {
  lua.lua_createtable(L, 0, 8);
  const fns: Record<string, LuaJsFunction> = {
    pack,
    unpack: (L2) => unpackFull(L2, 0, 0),
    unpack_one: (L2) => unpackFull(L2, 1, optInt(L2, 2)),
    unpack_limit: (L2) => unpackFull(L2, optInt(L2, 2), optInt(L2, 3)),
  };
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  const info: Record<string, string> = {
    _NAME: "cmsgpack",
    _VERSION: "lua-cmsgpack 0.4.0",
    _COPYRIGHT: "Copyright (C) 2012, Salvatore Sanfilippo",
    _DESCRIPTION: "MessagePack C implementation for Lua",
  };
  for (const [name, value] of Object.entries(info)) {
    lua.lua_pushstring(L, value);
    lua.lua_setfield(L, -2, name);
  }
}
