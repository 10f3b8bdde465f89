/**
 * Builds a complete embedded engine: the command engine with the fengari Lua host plugged
 * in, so EVAL/EVALSHA/SCRIPT work, and native ports of narwhal's hottest library scripts.
 * `Database.memory()`, the `narwhal serve` CLI and the test backend all start here.
 *
 * This is the composition root, the one module of src/memory that names a feature: the
 * engine and its native-script mechanism (./native) know none, and each feature keeps its
 * ports beside its Lua (the autocomplete's in src/autocomplete/native/), listed here.
 */
import { AUTOCOMPLETE_NATIVE_SCRIPTS } from "../autocomplete/native";
import { CONTAINER_NATIVE_SCRIPTS } from "../containers/native";
import { Engine } from "./engine";
import type { EngineOptions } from "./engine";
import { createScriptingHost, type ScriptingHostOptions } from "./lua";
import { withNativeScripts } from "./native";
import type { NativeScript } from "./native";

/** The native ports of narwhal's own Lua scripts, run by every engine built here (unless turned off). */
const LIBRARY_NATIVE_SCRIPTS: readonly NativeScript[] = [...AUTOCOMPLETE_NATIVE_SCRIPTS, ...CONTAINER_NATIVE_SCRIPTS];

/** Options of {@link createEngine}. */
export interface CreateEngineOptions extends EngineOptions {
  /**
   * Run narwhal's own hot Lua scripts (autocomplete write and search) as their JavaScript
   * ports instead of in fengari: same commands, same keyspace and replies, 13–100× faster on the demo's cities.
   * Applies to the default Lua host only (not to a `scripting` host you pass). Default true.
   */
  readonly nativeScripts?: boolean;
  /** Options of the default Lua host (its hard time limit, its stall listener: lua/host.ts). */
  readonly luaHost?: ScriptingHostOptions;
}

/** A new engine with 16 empty databases and a Lua host (unless `options.scripting` gives one). */
export function createEngine(options: CreateEngineOptions = {}): Engine {
  let scripting = options.scripting;
  if (!scripting) {
    const lua = createScriptingHost(options.luaHost);
    scripting = options.nativeScripts === false ? lua : withNativeScripts(lua, LIBRARY_NATIVE_SCRIPTS);
  }
  return new Engine({ ...options, scripting });
}
