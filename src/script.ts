/**
 * Lua scripts as first-class values. A {@link ScriptSource} is a named Lua body with its
 * SHA1; narwhal runs it through script-runner.ts (EVALSHA, NOSCRIPT → EVAL; in a batch, a
 * SCRIPT LOAD at the head keeps every call in order). `db.script()` turns a source into a
 * typed function for users.
 */
import { createHash } from "node:crypto";
import type { Arg, Executor } from "./command";
import { scriptCmd } from "./command";
import { ValidationError } from "./errors";
import { isWellFormed, requireWellFormed } from "./validate";

/** The ARGV of a call that passes none (shared: never written to). */
const NO_ARGS: readonly Arg[] = Object.freeze([]);

/** A named Lua script and its SHA1 digest. */
export interface ScriptSource {
  /** Registered name, used in error messages. */
  readonly name: string;
  /** The Lua body. */
  readonly lua: string;
  /** Lower-case hex SHA1 of `lua`, as EVALSHA wants it. */
  readonly sha: string;
}

/** Creates a {@link ScriptSource}, computing the SHA1 once. */
export function defineScript(name: string, lua: string): ScriptSource {
  if (typeof name !== "string" || name === "") throw new ValidationError({ path: "name", message: "must be a non-empty string" });
  if (typeof lua !== "string" || lua.trim() === "") throw new ValidationError({ path: "lua", message: "must be a non-empty Lua source" });
  return { name, lua, sha: createHash("sha1").update(lua).digest("hex") };
}

/** Options of `db.script()`. */
export interface ScriptOptions<TResult> {
  /** A name for error messages (`ScriptError.script`). */
  readonly name: string;
  /** The Lua body: `KEYS[i]` and `ARGV[i]` as in EVAL. */
  readonly lua: string;
  /** How many keys every call passes (checked on each call). */
  readonly keys: number;
  /** Turns the raw reply into `TResult`; default: the reply as ioredis returns it. */
  readonly parse?: (reply: unknown) => TResult;
  /** Ask for Buffer replies (binary-safe results). */
  readonly binary?: boolean;
}

/** Something that can run commands: a `Database`, or the handle of a transaction/pipeline. */
export interface ExecutorHolder {
  /** @internal */
  readonly executor: Executor;
  /** @internal */
  prefixKey(name: string): string;
}

/**
 * A user script as a typed async function: `fn(keys, args)` runs it with EVALSHA (one round
 * trip); `fn.on(tx)` returns the same function bound to a transaction or pipeline handle.
 * Keys are container names: the Database prefix is applied as for `db.hash(name)`.
 */
export interface ScriptFunction<TResult> {
  (keys: readonly string[], args?: readonly Arg[]): Promise<TResult>;
  /** The same script, run through `scope` (e.g. the `tx` of `db.transaction`). */
  on(scope: ExecutorHolder): (keys: readonly string[], args?: readonly Arg[]) => Promise<TResult>;
  /** The script's name, Lua body and SHA1. */
  readonly source: ScriptSource;
}

/** Builds the function returned by `db.script()`. */
export function scriptFunction<TResult>(owner: ExecutorHolder, options: ScriptOptions<TResult>): ScriptFunction<TResult> {
  if (!Number.isInteger(options.keys) || options.keys < 0) {
    throw new ValidationError({ path: "keys", message: "must be the number of keys each call passes (an integer ≥ 0)" });
  }
  const source = defineScript(options.name, options.lua);
  const parse = options.parse ?? ((reply: unknown) => reply as TResult);
  const binary = options.binary ?? false;
  const count = options.keys;
  // The hot path of every user script: one keys array (sized once) and the command; the
  // executor builds EVALSHA's argument array from them in one go (executors.ts).
  const bind = (scope: ExecutorHolder) => (keys: readonly string[], args: readonly Arg[] = NO_ARGS) => {
    if (!Array.isArray(keys) || keys.length !== count) {
      return scope.executor.fail(new ValidationError({ path: "keys", message: `script "${source.name}" takes exactly ${count} keys` }));
    }
    const fullKeys = new Array<string>(count);
    try {
      for (let i = 0; i < count; i++) fullKeys[i] = scope.prefixKey(keys[i]!);
      // An ARGV string with a lone surrogate would reach the script as U+FFFD (validate.ts).
      for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (typeof arg === "string" && !isWellFormed(arg)) requireWellFormed(`args[${i}]`, arg);
      }
    } catch (error) {
      // Through the executor: inside a transaction, bad input aborts the whole batch.
      return scope.executor.fail(error);
    }
    return scope.executor.run(scriptCmd(source, fullKeys, args, parse, binary));
  };
  const fn = bind(owner) as ScriptFunction<TResult>;
  Object.defineProperty(fn, "on", { value: bind });
  Object.defineProperty(fn, "source", { value: source });
  return fn;
}
