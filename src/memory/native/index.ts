/**
 * The engine's native-script mechanism, feature neutral: a {@link NativeScript} is a
 * JavaScript port of one Lua script, bound to that script's SHA1, and
 * {@link withNativeScripts} makes a Lua host run the ports it is given. The engine knows no
 * port itself: a feature keeps its ports beside its Lua (e.g. `src/autocomplete/native/`) and
 * hands them to the engine where an engine is assembled (`../create-engine.ts`).
 */
export { withNativeScripts } from "./native-scripts";
export type { NativeScript } from "./native-scripts";
export { NativeScriptError, ScriptCalls } from "./script-calls";
export type { LuaValue } from "./script-calls";
// The reply types a port answers with and fails with.
export { ErrorReply } from "../protocol";
export type { Reply } from "../protocol";
