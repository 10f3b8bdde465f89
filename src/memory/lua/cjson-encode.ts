/**
 * `cjson.encode` with the semantics of the lua-cjson that Redis bundles: `%.14g` numbers (glibc's
 * rounding, see c-format.ts),
 * `/` escaped, arrays detected from positive integer keys (holes → null, "excessively sparse"
 * past a 2:1 ratio above 10 elements), an empty table as `{}`, errors worded like cjson's.
 * Object keys come out in the table's iteration order (fengari: insertion order), which
 * differs from Lua 5.1's hash order in Redis; JSON consumers must not depend on it.
 */
import { lauxlib, lua, type LuaState } from "./fengari-instance";
import { formatG } from "./c-format";
import { ByteWriter } from "./bytes";
import type { CjsonConfig } from "./cjson-lib";

/** The settings of the running encode (cjson-lib.ts): set on entry, encode never re-enters. */
let cfg!: CjsonConfig;

/** Escapes for bytes 0–127 (cjson's char2escape); bytes ≥ 128 pass through untouched. */
const ESCAPES: Array<string | undefined> = [];
for (let c = 0; c < 32; c++) ESCAPES[c] = `\\u${c.toString(16).padStart(4, "0")}`;
Object.assign(ESCAPES, { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", 34: '\\"', 47: "\\/", 92: "\\\\", 127: "\\u007f" });

/** The sentinel behind `cjson.null` (a light userdata, like Redis's NULL pointer). */
export const CJSON_NULL = { cjson: "null" };

function typeName(L: LuaState, idx: number): string {
  const t = lua.lua_type(L, idx);
  if (t === lua.LUA_TLIGHTUSERDATA) return "userdata";
  return ["nil", "boolean", "userdata", "number", "string", "table", "function", "userdata", "thread"][t] ?? "unknown";
}

function fail(L: LuaState, idx: number, reason: string): never {
  return lauxlib.luaL_error(L, `Cannot serialise ${typeName(L, idx)}: ${reason}`);
}

function appendString(out: ByteWriter, s: Uint8Array): void {
  out.byte(34);
  for (let i = 0; i < s.length; i++) {
    const b = s[i]!;
    const esc = b < 128 ? ESCAPES[b] : undefined;
    if (esc === undefined) out.byte(b);
    else out.ascii(esc);
  }
  out.byte(34);
}

function appendNumber(L: LuaState, idx: number, out: ByteWriter): void {
  const n = lua.lua_tonumber(L, idx);
  if (!Number.isFinite(n)) {
    // encode_invalid_numbers: off → error, on → nan / inf / -inf, null → null.
    if (cfg.encodeInvalidNumbers === 0) fail(L, idx, "must not be NaN or Inf");
    if (cfg.encodeInvalidNumbers === 2) return out.ascii("null");
    if (Number.isNaN(n)) return out.ascii("nan");
  }
  out.ascii(formatG(n, cfg.encodeNumberPrecision));
}

/** C's `(int)k` (cvttsd2si): INT_MIN when out of range. */
const toCInt = (k: number) => (k >= -2147483648 && k < 2147483648 ? Math.trunc(k) : -2147483648);

/**
 * lua_array_length: the array length when every key is a positive integer, -1 otherwise. Like
 * cjson, the running maximum is a C `int`, so keys ≥ 2^31 turn it negative and the table is
 * encoded as an object (`{[3e9]='a'}` → `{"3000000000":"a"}`).
 */
function arrayLength(L: LuaState, idx: number): number {
  let max = 0;
  let items = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, idx) !== 0) {
    if (lua.lua_type(L, -2) === lua.LUA_TNUMBER) {
      const k = lua.lua_tonumber(L, -2);
      if (Number.isInteger(k) && k >= 1) {
        if (k > max) max = toCInt(k);
        items++;
        lua.lua_pop(L, 1);
        continue;
      }
    }
    lua.lua_pop(L, 2);
    return -1;
  }
  if (cfg.encodeSparseRatio > 0 && max > items * cfg.encodeSparseRatio && max > cfg.encodeSparseSafe) {
    if (!cfg.encodeSparseConvert) fail(L, idx, "excessively sparse array");
    return -1; // encode_sparse_array(true): as an object
  }
  return max;
}

function appendValue(L: LuaState, idx: number, out: ByteWriter, depth: number): void {
  switch (lua.lua_type(L, idx)) {
    case lua.LUA_TSTRING:
      return appendString(out, lua.lua_tolstring(L, idx)!);
    case lua.LUA_TNUMBER:
      return appendNumber(L, idx, out);
    case lua.LUA_TBOOLEAN:
      return out.ascii(lua.lua_toboolean(L, idx) ? "true" : "false");
    case lua.LUA_TNIL:
      return out.ascii("null");
    case lua.LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, idx) === CJSON_NULL) return out.ascii("null");
      return fail(L, idx, "type not supported");
    case lua.LUA_TTABLE:
      return appendTable(L, idx, out, depth + 1);
    default:
      return fail(L, idx, "type not supported");
  }
}

function appendTable(L: LuaState, idx: number, out: ByteWriter, depth: number): void {
  if (depth > cfg.encodeMaxDepth) lauxlib.luaL_error(L, `Cannot serialise, excessive nesting (${depth})`);
  lauxlib.luaL_checkstack(L, 6, "cjson");
  const len = arrayLength(L, idx);
  if (len > 0) {
    out.byte(91); // [
    for (let i = 1; i <= len; i++) {
      if (i > 1) out.byte(44);
      lua.lua_rawgeti(L, idx, i);
      appendValue(L, lua.lua_gettop(L), out, depth);
      lua.lua_pop(L, 1);
    }
    out.byte(93);
    return;
  }
  out.byte(123); // {
  let first = true;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, idx) !== 0) {
    if (!first) out.byte(44);
    first = false;
    const top = lua.lua_gettop(L);
    const keyType = lua.lua_type(L, top - 1);
    if (keyType === lua.LUA_TSTRING) appendString(out, lua.lua_tolstring(L, top - 1)!);
    else if (keyType === lua.LUA_TNUMBER) {
      out.byte(34);
      appendNumber(L, top - 1, out);
      out.byte(34);
    } else fail(L, top - 1, "table key must be a number or string");
    out.byte(58); // :
    appendValue(L, top, out, depth);
    lua.lua_pop(L, 1);
  }
  out.byte(125);
}

/** `cjson.encode(value)` with the settings `config`. */
export function cjsonEncode(L: LuaState, config: CjsonConfig): number {
  cfg = config;
  if (lua.lua_gettop(L) !== 1) lauxlib.luaL_error(L, "bad argument #1 to 'encode' (expected 1 argument)");
  const out = new ByteWriter();
  appendValue(L, 1, out, 0);
  lua.lua_pushstring(L, out.result());
  return 1;
}
