/**
 * `redis.register_function` as Redis 7.0's function_lua.c has it: the positional form
 * `(name, callback)` and the table form `{function_name=, callback=, flags={…}, description=}`,
 * with Redis's error texts. It works only while FUNCTION LOAD runs the library's code.
 */
import { Buffer } from "node:buffer";
import { lauxlib, lua, type LuaJsFunction, type LuaState } from "./fengari-instance";
import { pushErrorTable } from "./convert";
import { asBuffer } from "./bytes";
import { COMPAT_FLAGS } from "./shebang";
import type { FunctionInfo, ScriptFlags } from "../protocol";

/** A registered function: what FUNCTION LIST shows and the registry ref of its callback. */
export interface RegisteredFunction extends FunctionInfo {
  readonly ref: number;
}

/** The library being loaded: register_function adds to it. */
export interface LoadingLibrary {
  readonly functions: Map<string, RegisteredFunction>;
}

/** scripts_flags_def's order, the order FUNCTION LIST prints them in. */
const FLAGS: ReadonlyArray<[string, keyof Omit<ScriptFlags, "shebang">]> = [
  ["no-writes", "noWrites"],
  ["allow-oom", "allowOom"],
  ["allow-stale", "allowStale"],
  ["no-cluster", "noCluster"],
  ["allow-cross-slot-keys", "allowCrossSlotKeys"],
];

/** Redis's rule for library and function names: [a-zA-Z0-9_]+. */
export function validName(name: string): boolean {
  return /^[a-zA-Z0-9_]+$/.test(name);
}

export const BAD_NAME = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

class RegisterError extends Error {}

function stringAt(L: LuaState, idx: number): string | null {
  return lua.lua_isstring(L, idx) ? asBuffer(lua.lua_tolstring(L, idx)!).toString("latin1") : null;
}

/** The flags table on the top of the stack (luaRegisterFunctionReadFlags). */
function readFlags(L: LuaState): Set<string> {
  const found = new Set<string>();
  for (let j = 1; ; j++) {
    lua.lua_pushnumber(L, j);
    lua.lua_gettable(L, -2);
    if (lua.lua_type(L, -1) === lua.LUA_TNIL) {
      lua.lua_pop(L, 1);
      return found;
    }
    const text = stringAt(L, -1);
    lua.lua_pop(L, 1);
    const flag = text === null ? undefined : FLAGS.find(([name]) => name === text.toLowerCase());
    if (!flag) throw new RegisterError("unknown flag given");
    found.add(flag[0]);
  }
}

interface Args {
  name: string;
  description: Buffer | null;
  ref: number;
  flags: Set<string>;
}

function namedArgs(L: LuaState): Args {
  if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) {
    throw new RegisterError("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
  }
  let name: string | null = null;
  let description: Buffer | null = null;
  let ref = 0;
  let flags = new Set<string>();
  try {
    lua.lua_pushnil(L);
    while (lua.lua_next(L, 1) !== 0) {
      const key = stringAt(L, -2);
      if (key === null) throw new RegisterError("named argument key given to redis.register_function is not a string");
      const k = key.toLowerCase();
      if (k === "function_name") {
        name = stringAt(L, -1);
        if (name === null) throw new RegisterError("function_name argument given to redis.register_function must be a string");
      } else if (k === "description") {
        if (!lua.lua_isstring(L, -1)) throw new RegisterError("description argument given to redis.register_function must be a string");
        description = Buffer.from(asBuffer(lua.lua_tolstring(L, -1)!));
      } else if (k === "callback") {
        if (!lua.lua_isfunction(L, -1)) throw new RegisterError("callback argument given to redis.register_function must be a function");
        if (ref) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, ref);
        ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX); // pops the value
        continue;
      } else if (k === "flags") {
        if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) throw new RegisterError("flags argument to redis.register_function must be a table representing function flags");
        flags = readFlags(L);
      } else throw new RegisterError("unknown argument given to redis.register_function");
      lua.lua_pop(L, 1);
    }
    if (name === null) throw new RegisterError("redis.register_function must get a function name argument");
    if (!ref) throw new RegisterError("redis.register_function must get a callback argument");
    return { name, description, ref, flags };
  } catch (error) {
    if (ref) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, ref);
    throw error;
  }
}

function positionalArgs(L: LuaState): Args {
  const name = stringAt(L, 1);
  if (name === null) throw new RegisterError("first argument to redis.register_function must be a string");
  if (!lua.lua_isfunction(L, 2)) throw new RegisterError("second argument to redis.register_function must be a function");
  lua.lua_settop(L, 2);
  return { name, description: null, ref: lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX), flags: new Set() };
}

/** The `register_function` of the load-time `redis` table; `loading()` is the library being loaded, or null. */
export function registerFunction(loading: () => LoadingLibrary | null): LuaJsFunction {
  return (L) => {
    const lib = loading();
    let text: string;
    if (!lib) text = "redis.register_function can only be called on FUNCTION LOAD command";
    else {
      try {
        const argc = lua.lua_gettop(L);
        if (argc < 1 || argc > 2) throw new RegisterError("wrong number of arguments to redis.register_function");
        const args = argc === 1 ? namedArgs(L) : positionalArgs(L);
        // functionLibCreateFunction: Redis 7.0 reports a bad function name with the library-name text.
        const refused = !validName(args.name) ? BAD_NAME : lib.functions.has(args.name) ? "Function already exists in the library" : null;
        if (refused === null) {
          const flags: { -readonly [K in keyof ScriptFlags]: boolean } = { ...COMPAT_FLAGS, shebang: true };
          for (const [flagName, key] of FLAGS) if (args.flags.has(flagName)) flags[key] = true;
          const flagNames = FLAGS.filter(([flagName]) => args.flags.has(flagName)).map(([flagName]) => flagName);
          lib.functions.set(args.name, { name: args.name, description: args.description, flagNames, flags, ref: args.ref });
          return 0;
        }
        lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, args.ref);
        text = refused;
      } catch (error) {
        if (!(error instanceof RegisterError)) throw error;
        text = error.message;
      }
    }
    pushErrorTable(L, text);
    return lua.lua_error(L);
  };
}
