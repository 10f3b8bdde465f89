/**
 * Lua 5.1's `collectgarbage` (and so `gcinfo`) over fengari, which has no collector of its own
 * (its lua_gc raises "lua_gc not implemented"): JavaScript's GC does the work, so the options
 * answer what Redis's Lua would without collecting anything themselves.
 *
 * "count" cannot read a Lua heap (fengari's objects live in V8's), so it estimates one the way
 * scripts use it: Redis's fresh-state size (~32 KB) plus the cached scripts' bodies, plus what
 * the V8 heap grew since the run started (or its last `collect`). A script that builds a large
 * table sees the count rise, a `collectgarbage()` brings it back down, and every script starts
 * from the same small figure, as on Redis (33 KB fresh), never the whole process's heap.
 */
import { getHeapStatistics } from "node:v8";
import { lauxlib, lua, type LuaJsFunction } from "./fengari-instance";
import type { ScriptContext } from "./redis-lib";

const OPTIONS = ["stop", "restart", "collect", "count", "step", "setpause", "setstepmul"];

/** Redis's Lua right after start (`return collectgarbage("count")`: 33.04 on 7.0.15), in KB. */
const BASE_KB = 32;

/** V8's used heap (0.4 µs): taken only by scripts that name collectgarbage/gcinfo, at their start. */
export const heapBytes = (): number => getHeapStatistics().used_heap_size;

/** The script-visible estimate in KB (a float, as Lua 5.1's). */
function countKb(ctx: ScriptContext): number {
  if (ctx.gcBaseline < 0) ctx.gcBaseline = heapBytes();
  const grown = Math.max(0, heapBytes() - ctx.gcBaseline);
  return BASE_KB + (ctx.scriptBytes + grown) / 1024;
}

/** `collectgarbage([opt [, arg]])` for the runtime whose context is `ctx`. */
export function makeCollectgarbage(ctx: ScriptContext): LuaJsFunction {
  return (L) => {
    const t = lua.lua_type(L, 1);
    if (t > lua.LUA_TNIL && t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER) lauxlib.luaL_checklstring(L, 1);
    const option = t <= lua.LUA_TNIL ? "collect" : (lua.lua_tojsstring(L, 1) ?? "");
    if (!OPTIONS.includes(option)) return lauxlib.luaL_argerror(L, 1, `invalid option '${option}'`);
    if (option === "count") lua.lua_pushnumber(L, countKb(ctx));
    else if (option === "step") lua.lua_pushboolean(L, false);
    else if (option === "setpause" || option === "setstepmul") lua.lua_pushnumber(L, 200);
    else {
      // "collect" (and stop/restart, harmless): garbage is V8's to free; the estimate restarts from here.
      if (option === "collect") ctx.gcBaseline = heapBytes();
      lua.lua_pushnumber(L, 0);
    }
    return 1;
  };
}
