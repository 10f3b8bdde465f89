/**
 * The autocomplete feature's native ports: JavaScript twins of `autocomplete-write.lua` (every
 * item of a bulk load) and `autocomplete-search.lua` (every keystroke), which the embedded
 * engine runs in place of interpreting the Lua in fengari (~10× slower than Redis's Lua).
 *
 * Direction of dependency: these ports use the engine's feature-neutral native-script interface
 * (`src/memory/native`: `NativeScript`, `ScriptCalls`); the engine never imports them. The one
 * place that assembles narwhal's engine (`src/memory/create-engine.ts`) hands
 * {@link AUTOCOMPLETE_NATIVE_SCRIPTS} to `withNativeScripts`.
 */
import type { NativeScript } from "../../memory/native";
import { autocompleteSearch } from "./search";
import { autocompleteWrite } from "./write";

export { autocompleteSearch, AUTOCOMPLETE_SEARCH_SHA } from "./search";
export { autocompleteWrite, AUTOCOMPLETE_WRITE_SHA } from "./write";

/** The autocomplete ports, each bound to the SHA1 of the Lua it mirrors. */
export const AUTOCOMPLETE_NATIVE_SCRIPTS: readonly NativeScript[] = [autocompleteWrite, autocompleteSearch];
