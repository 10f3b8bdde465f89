/**
 * Builds a complete embedded engine: the command engine with the fengari Lua host plugged
 * in, so EVAL/EVALSHA/SCRIPT work. `Database.memory()`, the `narwhal serve` CLI and the test
 * backend all start here.
 */
import { Engine } from "./engine";
import type { EngineOptions } from "./engine";
import { createScriptingHost } from "./lua";

/** A new engine with 16 empty databases and a Lua host (unless `options.scripting` gives one). */
export function createEngine(options: EngineOptions = {}): Engine {
  return new Engine({ ...options, scripting: options.scripting ?? createScriptingHost() });
}
