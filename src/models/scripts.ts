/**
 * The model layer's Lua scripts (src/models/lua): each is registered with model-lib.lua
 * (shared functions; model-query also with model-query-lib.lua) prepended, see
 * src/lua/registry.ts; every call is one EVALSHA (NOSCRIPT → EVAL).
 */
import { libraryScript } from "../lua/registry";
import type { ScriptSource } from "../script";

type ModelScript = "model-save" | "model-delete" | "model-incr" | "model-expire" | "model-query" | "model-get";

/** The model script `name`, with its shared library prepended. */
export function modelScript(name: ModelScript): ScriptSource {
  return libraryScript(name);
}
