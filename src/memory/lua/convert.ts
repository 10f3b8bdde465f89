/**
 * Reply ↔ Lua conversion with Redis 7.0's rules (script_lua.c).
 *
 * Into Lua (a command's reply inside redis.call), RESP2 (the default for scripts): integer →
 * number, bulk → string, nil → false, array → table, status → {ok=…}, error → {err=…},
 * double → its `%.17g` string, map → flat table, set → table. After `redis.setresp(3)`:
 * nil → nil, double → {double=n}, map → {map={k=v}}, set → {set={m=true}}.
 *
 * Out of Lua (the script's return value): number → integer (truncated), string → bulk,
 * true → 1, false/nil → nil, {err=…} → error, {ok=…} → status, {double=…}/{map=…}/{set=…}
 * → double/map/set, other tables → array up to the first nil.
 */
import { Buffer } from "node:buffer";
import { lauxlib, lua, to_luastring, type LuaState } from "./fengari-instance";
import { formatG } from "./c-format";
import { CountedErrorReply, DoubleReply, ErrorReply, MapReply, SetReply, StatusReply, type Reply } from "../protocol";
import { asBuffer } from "./bytes";

const OK = to_luastring("ok");
const ERR = to_luastring("err");
const DOUBLE = to_luastring("double");
const MAP = to_luastring("map");
const SET = to_luastring("set");

/** Pushes Redis's error table for an error reply text (luaPushErrorBuff): `{err="CODE message"}`. */
export function pushErrorTable(L: LuaState, text: string): void {
  let message: string;
  if (text.startsWith("-")) {
    const space = text.indexOf(" ");
    message = space < 0 ? `ERR ${text.slice(1)}` : text.slice(1);
  } else message = `ERR ${text}`;
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushstring(L, ERR);
  lua.lua_pushstring(L, message.replace(/[\r\n]+$/, ""));
  lua.lua_rawset(L, -3);
}

const IGNORE_STATS = to_luastring("ignore_error_stats_update");

/**
 * The error table for an ErrorReply coming back from a command (its text has a code already),
 * with Redis's `ignore_error_stats_update = true`: INFO errorstats counted it already, so a
 * script returning it is not counted twice.
 */
export function pushErrorReply(L: LuaState, reply: ErrorReply): void {
  pushErrorTable(L, `-${reply.message}`);
  lua.lua_pushstring(L, IGNORE_STATS);
  lua.lua_pushboolean(L, true);
  lua.lua_rawset(L, -3);
}

/** The reply for an error table's message: already counted when the table says so (see pushErrorReply). */
export function errorOfTable(L: LuaState, index: number, message: string): ErrorReply {
  lua.lua_pushstring(L, IGNORE_STATS);
  lua.lua_rawget(L, index);
  const counted = lua.lua_toboolean(L, -1);
  lua.lua_pop(L, 1);
  return counted ? new CountedErrorReply(message) : new ErrorReply(message);
}

function pushField(L: LuaState, key: Uint8Array, push: () => void): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushstring(L, key);
  push();
  lua.lua_rawset(L, -3);
}

/** Pushes a command reply as a Lua value (resp = the script's `redis.setresp`). */
export function pushReply(L: LuaState, reply: Reply, resp: 2 | 3): void {
  if (typeof reply === "number") return lua.lua_pushnumber(L, reply);
  if (typeof reply === "bigint") return lua.lua_pushnumber(L, Number(reply)); // Lua 5.1 numbers are doubles, as in Redis
  if (reply === null) return resp === 3 ? lua.lua_pushnil(L) : lua.lua_pushboolean(L, false);
  if (Buffer.isBuffer(reply)) {
    lua.lua_pushstring(L, reply);
    return;
  }
  lauxlib.luaL_checkstack(L, 4, "reply too deep");
  if (Array.isArray(reply)) return pushArray(L, reply as readonly Reply[], resp);
  if (reply instanceof StatusReply) return pushField(L, OK, () => lua.lua_pushstring(L, reply.value));
  if (reply instanceof ErrorReply) return pushErrorReply(L, reply);
  if (reply instanceof DoubleReply) {
    if (resp === 2) return void lua.lua_pushstring(L, formatG(reply.value, 17));
    return pushField(L, DOUBLE, () => lua.lua_pushnumber(L, reply.value));
  }
  if (reply instanceof MapReply) {
    if (resp === 2) return pushArray(L, reply.entries.flat(), resp);
    return pushField(L, MAP, () => {
      lua.lua_createtable(L, 0, reply.entries.length);
      for (const [k, v] of reply.entries) {
        pushReply(L, k, resp);
        pushReply(L, v, resp);
        lua.lua_rawset(L, -3);
      }
    });
  }
  if (reply instanceof SetReply) {
    if (resp === 2) return pushArray(L, reply.items, resp);
    return pushField(L, SET, () => {
      lua.lua_createtable(L, 0, reply.items.length);
      for (const item of reply.items) {
        pushReply(L, item, resp);
        lua.lua_pushboolean(L, true);
        lua.lua_rawset(L, -3);
      }
    });
  }
  lua.lua_pushnil(L);
}

function pushArray(L: LuaState, items: readonly Reply[], resp: 2 | 3): void {
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushReply(L, items[i]!, resp);
    lua.lua_rawseti(L, -2, i + 1);
  }
}

const LLONG_MIN = -9223372036854775808;

/** C's `(long long)` cast of a Lua number, as Redis applies it to a script's number result. */
function toInteger(n: number): number {
  if (!Number.isFinite(n) || n >= 9223372036854775807 || n < LLONG_MIN) return LLONG_MIN;
  return Math.trunc(n) || 0;
}

const noNewlines = (s: string) => s.replace(/[\r\n]/g, " ");

/** A string field of the table at `idx`, or undefined. */
export function stringField(L: LuaState, idx: number, key: Uint8Array): string | undefined {
  lua.lua_pushstring(L, key);
  const t = lua.lua_rawget(L, idx);
  const value = t === lua.LUA_TSTRING ? asBuffer(lua.lua_tolstring(L, -1)!).toString() : undefined;
  lua.lua_pop(L, 1);
  return value;
}

/**
 * How deep Redis 7.0 converts nested tables: its Lua stack (LUAI_MAXCSTACK 8000 slots) runs out
 * there and the element becomes "-ERR reached lua stack limit" inside the arrays around it
 * (measured: 7995 arrays on redis-server 7.0.15), so a recursive table does not fail the reply.
 */
export const MAX_REPLY_DEPTH = 7995;

/** A scalar's reply (string, number, boolean, anything else nil). */
function scalarReply(L: LuaState, index: number, type: number): Reply {
  if (type === lua.LUA_TSTRING) return asBuffer(lua.lua_tolstring(L, index)!);
  if (type === lua.LUA_TNUMBER) return toInteger(lua.lua_tonumber(L, index));
  if (type === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, index) ? 1 : null;
  return null;
}

/** Converts the Lua value at `idx` into a reply. */
export function toReply(L: LuaState, idx: number, depth = 0): Reply {
  const index = lua.lua_absindex(L, idx);
  const type = lua.lua_type(L, index);
  if (type !== lua.LUA_TTABLE) return scalarReply(L, index, type);
  if (depth >= MAX_REPLY_DEPTH) return new ErrorReply("ERR reached lua stack limit");
  const special = specialTable(L, index, depth + 1);
  if (special !== undefined) return special;
  // Plain arrays nest without recursion (a recursive table nests 7995 deep, past JS's stack).
  lua.lua_pushvalue(L, index);
  const frames: Array<{ table: number; items: Reply[]; i: number }> = [{ table: lua.lua_gettop(L), items: [], i: 1 }];
  for (;;) {
    const frame = frames[frames.length - 1]!;
    const t = lua.lua_rawgeti(L, frame.table, frame.i);
    if (t === lua.LUA_TNIL) {
      lua.lua_settop(L, frame.table - 1);
      frames.pop();
      const parent = frames[frames.length - 1];
      if (!parent) return frame.items;
      parent.items.push(frame.items);
      parent.i++;
      continue;
    }
    const level = depth + frames.length;
    if (t === lua.LUA_TTABLE) {
      const nested = level >= MAX_REPLY_DEPTH || !lua.lua_checkstack(L, 4) ? new ErrorReply("ERR reached lua stack limit") : specialTable(L, lua.lua_gettop(L), level + 1);
      if (nested === undefined) {
        frames.push({ table: lua.lua_gettop(L), items: [], i: 1 });
        continue;
      }
      frame.items.push(nested);
    } else frame.items.push(scalarReply(L, lua.lua_gettop(L), t));
    lua.lua_pop(L, 1);
    frame.i++;
  }
}

/** The reply of an error, status, double, map or set table; undefined for a plain array. */
function specialTable(L: LuaState, index: number, depth: number): Reply | undefined {
  lauxlib.luaL_checkstack(L, 4, "reply too deep");
  const err = stringField(L, index, ERR);
  if (err !== undefined) return errorOfTable(L, index, noNewlines(err));
  const ok = stringField(L, index, OK);
  if (ok !== undefined) return new StatusReply(noNewlines(ok));
  lua.lua_pushstring(L, DOUBLE);
  if (lua.lua_rawget(L, index) === lua.LUA_TNUMBER) {
    const d = lua.lua_tonumber(L, -1);
    lua.lua_pop(L, 1);
    return new DoubleReply(d);
  }
  lua.lua_pop(L, 1);
  for (const key of [MAP, SET]) {
    lua.lua_pushstring(L, key);
    if (lua.lua_rawget(L, index) === lua.LUA_TTABLE) {
      const inner = lua.lua_gettop(L);
      const entries: Array<[Reply, Reply]> = [];
      lua.lua_pushnil(L);
      while (lua.lua_next(L, inner) !== 0) {
        entries.push([toReply(L, -2, depth), key === MAP ? toReply(L, -1, depth) : null]);
        lua.lua_pop(L, 1);
      }
      lua.lua_pop(L, 1);
      return key === MAP ? new MapReply(entries) : new SetReply(entries.map(([k]) => k));
    }
    lua.lua_pop(L, 1);
  }
  return undefined;
}
