/**
 * The `cjson` table as Redis bundles it (lua-cjson 2.1.0): `encode`, `decode`, `null`, `new`,
 * `_NAME`, `_VERSION` and the settings functions (`encode_max_depth`, `decode_max_depth`,
 * `encode_number_precision`, `encode_sparse_array`, `encode_invalid_numbers`,
 * `decode_invalid_numbers`, `encode_keep_buffer`) with lua-cjson's argument checks and replies.
 *
 * Redis keeps these settings in the shared Lua state, so one script's
 * `cjson.encode_max_depth(1)` changes every later script's `cjson.encode`. Here the settings
 * last for one script only ({@link resetCjsonConfig} before each run): nothing a script does
 * survives it.
 */
import { Buffer } from "node:buffer";
import { lauxlib, lua, type LuaJsFunction, type LuaState } from "./fengari-instance";
import { cjsonDecode } from "./cjson-decode";
import { CJSON_NULL, cjsonEncode } from "./cjson-encode";

/** lua-cjson's json_config_t (the settings that change encode/decode output). */
export interface CjsonConfig {
  encodeSparseConvert: number;
  encodeSparseRatio: number;
  encodeSparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  encodeNumberPrecision: number;
  encodeKeepBuffer: number;
  /** 0 "off" (error), 1 "on" (nan, inf), 2 "null". */
  encodeInvalidNumbers: number;
  decodeInvalidNumbers: number;
  /** A settings function ran since the last reset. */
  dirty: boolean;
}

const DEFAULTS: Omit<CjsonConfig, "dirty"> = {
  encodeSparseConvert: 0,
  encodeSparseRatio: 2,
  encodeSparseSafe: 10,
  encodeMaxDepth: 1000,
  decodeMaxDepth: 1000,
  encodeNumberPrecision: 14,
  encodeKeepBuffer: 1,
  encodeInvalidNumbers: 0,
  decodeInvalidNumbers: 1,
};

export function newCjsonConfig(): CjsonConfig {
  return { ...DEFAULTS, dirty: false };
}

/** Back to lua-cjson's defaults (before each script). */
export function resetCjsonConfig(cfg: CjsonConfig): void {
  if (cfg.dirty) Object.assign(cfg, DEFAULTS, { dirty: false });
}

type IntKey = "encodeSparseRatio" | "encodeSparseSafe" | "encodeMaxDepth" | "decodeMaxDepth" | "encodeNumberPrecision";
type EnumKey = "encodeSparseConvert" | "encodeKeepBuffer" | "encodeInvalidNumbers" | "decodeInvalidNumbers";

const INT_MAX = 2147483647;
const BOOL_OPTIONS = ["off", "on"];

/** json_arg_init: at most `args` arguments, the missing ones read as nil. */
function argInit(L: LuaState, args: number): void {
  if (lua.lua_gettop(L) > args) lauxlib.luaL_argerror(L, args + 1, "found too many arguments");
  lua.lua_settop(L, args);
}

/** json_integer_option: sets when not nil (checked against min..max, reported as argument #1 as in cjson), pushes the value. */
function integerOption(L: LuaState, idx: number, cfg: CjsonConfig, key: IntKey, min: number, max: number): void {
  if (lua.lua_type(L, idx) !== lua.LUA_TNIL) {
    const value = Math.trunc(lauxlib.luaL_checknumber(L, idx));
    if (!(min <= value && value <= max)) lauxlib.luaL_argerror(L, 1, `expected integer between ${min} and ${max}`);
    cfg[key] = value;
  }
  lua.lua_pushnumber(L, cfg[key]);
}

/** json_enum_option with bool_true = 1: booleans or one of `options`; pushes a boolean for off/on, else the option's name. */
function enumOption(L: LuaState, idx: number, cfg: CjsonConfig, key: EnumKey, options = BOOL_OPTIONS): void {
  const t = lua.lua_type(L, idx);
  if (t !== lua.LUA_TNIL) {
    if (t === lua.LUA_TBOOLEAN) cfg[key] = lua.lua_toboolean(L, idx) ? 1 : 0;
    else {
      const name = Buffer.from(lauxlib.luaL_checklstring(L, idx)).toString("latin1");
      const found = options.indexOf(name);
      if (found < 0) lauxlib.luaL_argerror(L, idx, `invalid option '${name}'`);
      cfg[key] = found;
    }
  }
  if (cfg[key] <= 1) lua.lua_pushboolean(L, cfg[key] === 1);
  else lua.lua_pushstring(L, options[cfg[key]]!);
}

function settings(cfg: CjsonConfig): Record<string, LuaJsFunction> {
  const setting = (args: number, body: (L: LuaState) => number): LuaJsFunction => (L) => {
    argInit(L, args);
    cfg.dirty = true;
    return body(L);
  };
  return {
    encode_sparse_array: setting(3, (L) => {
      enumOption(L, 1, cfg, "encodeSparseConvert");
      integerOption(L, 2, cfg, "encodeSparseRatio", 0, INT_MAX);
      integerOption(L, 3, cfg, "encodeSparseSafe", 0, INT_MAX);
      return 3;
    }),
    encode_max_depth: setting(1, (L) => (integerOption(L, 1, cfg, "encodeMaxDepth", 1, INT_MAX), 1)),
    decode_max_depth: setting(1, (L) => (integerOption(L, 1, cfg, "decodeMaxDepth", 1, INT_MAX), 1)),
    encode_number_precision: setting(1, (L) => (integerOption(L, 1, cfg, "encodeNumberPrecision", 1, 14), 1)),
    // A buffer-reuse switch: no effect on output, but the setting is kept and answered.
    encode_keep_buffer: setting(1, (L) => (enumOption(L, 1, cfg, "encodeKeepBuffer"), 1)),
    encode_invalid_numbers: setting(1, (L) => (enumOption(L, 1, cfg, "encodeInvalidNumbers", ["off", "on", "null"]), 1)),
    decode_invalid_numbers: setting(1, (L) => (enumOption(L, 1, cfg, "decodeInvalidNumbers"), 1)),
  };
}

/** Pushes a `cjson` module table whose functions use `cfg` (`cjson.new()` pushes one with its own settings). */
export function pushCjsonLib(L: LuaState, cfg: CjsonConfig): void {
  const fns: Record<string, LuaJsFunction> = {
    encode: (L2) => cjsonEncode(L2, cfg),
    decode: (L2) => cjsonDecode(L2, cfg),
    new: (L2) => (pushCjsonLib(L2, newCjsonConfig()), 1),
    ...settings(cfg),
  };
  lua.lua_createtable(L, 0, 13);
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pushlightuserdata(L, CJSON_NULL);
  lua.lua_setfield(L, -2, "null");
  lua.lua_pushstring(L, "cjson");
  lua.lua_setfield(L, -2, "_NAME");
  lua.lua_pushstring(L, "2.1.0");
  lua.lua_setfield(L, -2, "_VERSION");
}
