/**
 * narwhal's own Lua scripts. Each lives in a `.lua` file next to the code that uses it,
 * with a header naming its KEYS, ARGV, reply and errors; `npm run gen:lua` inlines them into
 * `sources.gen.ts`, and this registry turns them into {@link ScriptSource}s (name + SHA1)
 * that containers and models run through the same EVALSHA/EVAL path as user scripts.
 */
import { defineScript } from "../script";
import type { ScriptSource } from "../script";
import { luaSources } from "./sources.gen";
import type { LuaScriptName } from "./sources.gen";

const cache = new Map<LuaScriptName, ScriptSource>();

/** The library script called `name` (the base name of its .lua file). */
export function libraryScript(name: LuaScriptName): ScriptSource {
  let source = cache.get(name);
  if (!source) {
    source = defineScript(name, luaSources[name]);
    cache.set(name, source);
  }
  return source;
}
