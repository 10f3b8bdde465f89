/**
 * narwhal's own Lua scripts. Each lives in a `.lua` file next to the code that uses it,
 * with a header naming its KEYS, ARGV, reply and errors; `npm run gen:lua` inlines them into
 * `sources.gen.ts`, and this registry turns them into {@link ScriptSource}s (name + SHA1)
 * that containers and models run through the same EVALSHA/EVAL path as user scripts.
 *
 * Redis scripts cannot import each other, so shared functions live in `*-lib.lua` files that
 * the registry prepends to the scripts needing them ({@link PRELUDES}); the SHA1 is that of
 * the whole text sent.
 */
import { defineScript } from "../script";
import type { ScriptSource } from "../script";
import { luaSources } from "./sources.gen";
import type { LuaScriptName } from "./sources.gen";

/** The library files prepended, in order, to each script that needs them. */
const PRELUDES: Partial<Record<LuaScriptName, readonly LuaScriptName[]>> = {
  "autocomplete-search": ["autocomplete-search-head", "autocomplete-trie-lib", "autocomplete-search-lib"],
  "autocomplete-write": ["autocomplete-trie-lib", "autocomplete-write-lib"],
  "autocomplete-clear": ["autocomplete-trie-lib"],
  "model-save": ["model-lib"],
  "model-delete": ["model-lib"],
  "model-incr": ["model-lib"],
  "model-expire": ["model-lib"],
  "model-query": ["model-lib", "model-query-lib"],
};

const cache = new Map<LuaScriptName, ScriptSource>();

/** The library script called `name` (the base name of its .lua file), with its preludes. */
export function libraryScript(name: LuaScriptName): ScriptSource {
  let source = cache.get(name);
  if (!source) {
    const parts = [...(PRELUDES[name] ?? []), name].map((part) => luaSources[part]);
    source = defineScript(name, parts.join("\n"));
    cache.set(name, source);
  }
  return source;
}
