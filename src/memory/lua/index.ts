/** The Lua host of the embedded engine (fengari): see host.ts. */
export { createScriptingHost, sha1hex, type ScriptingHostOptions } from "./host";
export type { StallListener } from "./script-runner";
