/**
 * narwhal's own instance of fengari (Lua 5.3 in JavaScript), loaded once and patched for Lua 5.1
 * numbers (see numbers.ts). Every file of the Lua host imports fengari from here, never from
 * "fengari" directly.
 *
 * Why a private instance: part of the patch (Lua 5.1's `%`) replaces a function that fengari's
 * VM copies into a local binding when its module is first evaluated, so it must be in place
 * before the VM module loads; and the other patches change fengari's shared TValue prototype.
 * Loading our own copy (require cache set aside for the duration, then restored) makes both
 * deterministic whatever the application imported first, and leaves any fengari the application
 * uses itself untouched. Loading is synchronous, through `require`, so no bundler can hoist it.
 */
import { createRequire } from "node:module";
import { dirname, sep } from "node:path";
import type * as Fengari from "fengari";
import type { FengariInternals } from "fengari/internals";

/** Lua 5.1's `a % b` (luai_nummod in its luaconf.h): `a - floor(a/b)*b`, not 5.3's fmod-based one. */
export function lua51Mod(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}

interface LapiModule {
  lua_pcallk: (L: { ci: { callstatus: number }; allowhook: number }, ...rest: unknown[]) => number;
}

/** lstate.js's CIST_OAH: the call info bit that remembers 'allowhook' across a yieldable pcall. */
const CIST_OAH = 1;

/**
 * fengari 0.1.5's lua_pcallk writes `ci.callstatus &= ~CIST_OAH | L.allowhook` for C's
 * `ci->callstatus = (ci->callstatus & ~CIST_OAH) | L->allowhook`, so the bit is never set and
 * an error caught by pcall inside a coroutine leaves hooks off for good: the count hook that
 * enforces the script time limit and SCRIPT KILL would never fire again. Setting the bit
 * first makes fengari's expression keep it when hooks are allowed (and clear it when not).
 * Patched before lua.js copies lapi's functions.
 */
function patchYieldablePcall(lapi: LapiModule): void {
  const original = lapi.lua_pcallk;
  lapi.lua_pcallk = (L, ...rest) => {
    if (L.allowhook) L.ci.callstatus |= CIST_OAH;
    return original(L, ...rest);
  };
}

function loadPrivateFengari(): { fengari: typeof Fengari; internals: FengariInternals } {
  // ESM (and vitest): import.meta.url is set; the CJS build leaves it undefined and has a real require.
  const url = (import.meta as { url?: string }).url;
  const req: NodeJS.Require = typeof url === "string" ? createRequire(url) : require;
  const root = dirname(req.resolve("fengari/package.json")) + sep;
  const cache = req.cache;
  const theirs = new Map<string, NodeJS.Module | undefined>();
  for (const key of Object.keys(cache)) {
    if (key.startsWith(root)) {
      theirs.set(key, cache[key]);
      delete cache[key];
    }
  }
  // Integral floats print without ".0" inside fengari too (error messages; see numbers.ts).
  const userConf = process.env.FENGARICONF;
  process.env.FENGARICONF = JSON.stringify({ ...(userConf ? JSON.parse(userConf) : {}), LUA_COMPAT_FLOATSTRING: true });
  try {
    const llimits = req("fengari/src/llimits.js") as { luai_nummod: (L: unknown, a: number, b: number) => number };
    llimits.luai_nummod = (_L, a, b) => lua51Mod(a, b);
    patchYieldablePcall(req("fengari/src/lapi.js") as LapiModule);
    const fengari = req("fengari") as typeof Fengari;
    const internals: FengariInternals = {
      lobject: req("fengari/src/lobject.js"),
      lstring: req("fengari/src/lstring.js"),
      lvm: req("fengari/src/lvm.js"),
      ltable: req("fengari/src/ltable.js"),
      ldebug: req("fengari/src/ldebug.js"),
    };
    return { fengari, internals };
  } finally {
    if (userConf === undefined) delete process.env.FENGARICONF;
    else process.env.FENGARICONF = userConf;
    for (const key of Object.keys(cache)) if (key.startsWith(root)) delete cache[key];
    for (const [key, module] of theirs) if (module) cache[key] = module;
  }
}

const loaded = loadPrivateFengari();

export const { lua, lauxlib, lualib, to_luastring } = loaded.fengari;
export const internals = loaded.internals;
export type { LuaJsFunction, LuaState, LuaString } from "fengari";
