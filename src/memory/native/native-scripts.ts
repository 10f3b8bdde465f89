/**
 * Native scripts: JavaScript ports of Lua scripts, which the embedded engine runs instead of
 * interpreting the Lua in fengari (a JS Lua VM, ~10× slower than Redis's). redipy's memory
 * backend does the same with its scripts. This mechanism is feature neutral: the ports live
 * beside the feature whose Lua they mirror (narwhal's hot autocomplete write and search are in
 * `src/autocomplete/native/`) and are handed to {@link withNativeScripts} where an engine is
 * assembled (`src/memory/create-engine.ts`).
 *
 * A port is bound to the SHA1 of the exact Lua source it mirrors. The engine still compiles
 * and caches the Lua (so SCRIPT EXISTS, NOSCRIPT and EVAL behave as for any script) and only
 * swaps the execution. A port must issue the same writes as the Lua, so the keyspace ends up
 * byte-identical, and answer the same reply: `test/integration/native-scripts.test.ts` checks
 * narwhal's ports against the Lua run in fengari, and a unit test fails when a `.lua` file
 * changes without its port.
 *
 * Departures, all on input narwhal never sends: a port hands malformed ARGV to the Lua
 * (which then fails as it would on Redis), and when a command fails mid-script its error
 * reply names the port (`on @native:<name>`) instead of a Lua line number.
 */
import { ErrorReply } from "../protocol";
import type { Reply, ScriptCall, ScriptingHost } from "../protocol";
import { NativeScriptError, ScriptCalls } from "./script-calls";

/** A JavaScript port of one Lua script. */
export interface NativeScript {
  /** The Lua script's name (its .lua file's base name). */
  readonly name: string;
  /** SHA1 of the Lua source this port mirrors. */
  readonly sha: string;
  /**
   * Runs the script. Returns undefined, before any command, when the arguments are not the
   * shape narwhal sends: the Lua then runs instead.
   */
  run(keys: readonly Buffer[], args: readonly Buffer[], redis: ScriptCalls): Reply | undefined;
}

/** `host`, with the scripts in `natives` run natively once loaded. */
export function withNativeScripts(host: ScriptingHost, natives: readonly NativeScript[]): ScriptingHost {
  const bySha = new Map(natives.map((n) => [n.sha, n]));

  function run(native: NativeScript, keys: readonly Buffer[], args: readonly Buffer[], call: ScriptCall): Reply | undefined {
    try {
      return native.run(keys, args, new ScriptCalls(call));
    } catch (error) {
      // A failed command reads like Redis's script error; anything else is a bug in the port,
      // answered as an error reply rather than thrown through the engine.
      const message = error instanceof NativeScriptError ? error.reply.message : `ERR ${error instanceof Error ? error.message : String(error)}`;
      return new ErrorReply(`${message} script: ${native.sha}, on @native:${native.name}.`.replace(/[\r\n]/g, " "));
    }
  }

  return {
    evalBody(body, keys, args, call, options) {
      // SCRIPT LOAD first (it caches the compiled Lua, as EVAL does): one SHA1 of the body, then
      // either the port or the cached Lua runs.
      const sha = host.load(body);
      if (sha instanceof ErrorReply) return sha;
      const native = bySha.get(sha);
      const reply = native ? run(native, keys, args, call) : undefined;
      return reply !== undefined ? reply : host.evalSha(sha, keys, args, call, options);
    },
    evalSha(sha, keys, args, call, options) {
      const native = bySha.get(sha.toLowerCase());
      if (native && host.exists(sha)) {
        const reply = run(native, keys, args, call);
        if (reply !== undefined) return reply;
      }
      return host.evalSha(sha, keys, args, call, options);
    },
    load: (body) => host.load(body),
    exists: (sha) => host.exists(sha),
    flush: () => host.flush(),
    flags: (sha) => host.flags?.(sha),
    cachedScripts: () => host.cachedScripts?.() ?? 0,
    functions: host.functions,
  };
}
