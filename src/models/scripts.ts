/**
 * The model layer's Lua scripts: each `.lua` body is prefixed with model-lib.lua (shared
 * functions; model-query also with model-query-lib.lua) and registered once; every call is one EVALSHA (NOSCRIPT → EVAL).
 */
import { defineScript } from "../script";
import type { ScriptSource } from "../script";
import { luaSources } from "../lua/sources.gen";

type ModelScript = "model-save" | "model-delete" | "model-incr" | "model-expire" | "model-query" | "model-get";

const cache = new Map<ModelScript, ScriptSource>();

/** The script `name`, with the shared library prepended (model-get needs none). */
export function modelScript(name: ModelScript): ScriptSource {
  let source = cache.get(name);
  if (!source) {
    const parts: string[] = name === "model-get" ? [] : [luaSources["model-lib"]];
    if (name === "model-query") parts.push(luaSources["model-query-lib"]);
    source = defineScript(name, [...parts, luaSources[name]].join("\n"));
    cache.set(name, source);
  }
  return source;
}
