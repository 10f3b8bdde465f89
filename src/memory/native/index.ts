import { autocompleteSearch } from "./autocomplete-search";
import { autocompleteWrite } from "./autocomplete-write";
import type { NativeScript } from "./native-scripts";

export { withNativeScripts } from "./native-scripts";
export type { NativeScript } from "./native-scripts";

/** Every native port the embedded engine runs in place of the Lua (see native-scripts.ts). */
export const LIBRARY_NATIVE_SCRIPTS: readonly NativeScript[] = [autocompleteWrite, autocompleteSearch];
