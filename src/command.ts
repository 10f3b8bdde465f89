/**
 * A command is a description of ONE Redis command or script call plus how to parse its
 * reply. Containers build commands; an {@link Executor} sends them, either at once
 * (`Database`) or queued into a MULTI/pipeline (`db.transaction`, `db.pipeline`). Keeping
 * the description separate from the sending is what lets every container method join a
 * transaction without a second implementation.
 */
import type { ScriptSource } from "./script";

/** A command argument as ioredis sends it. */
export type Arg = string | Buffer | number;

/** One command (or script call) and the parser of its reply. */
export interface Command<T> {
  /** Command name, lower case (`"hget"`); ignored when `script` is set. */
  readonly name: string;
  /** Keys the command touches, already prefixed (used for cluster slot checks). */
  readonly keys: readonly string[];
  /** Arguments after the command name (for scripts: the ARGV values). */
  readonly args: readonly Arg[];
  /** Ask ioredis for Buffer replies (binary codecs). */
  readonly binary: boolean;
  /** Turns the raw reply into the method's result. May throw (e.g. CodecError). */
  readonly parse: (reply: unknown) => T;
  /** When set, the command is this script run with EVALSHA/EVAL over `keys` and `args`. */
  readonly script?: ScriptSource;
}

/** Sends commands. `Database` sends them now; a transaction queues them until EXEC. */
export interface Executor {
  /** Runs one command and resolves with its parsed reply. */
  run<T>(command: Command<T>): Promise<T>;
  /** True inside a transaction or pipeline, where multi-step operations are not allowed. */
  readonly batched: boolean;
  /**
   * Reports bad input found while building a command. Returns a rejected promise; inside a
   * transaction it also poisons the batch, so EXEC is never sent (nothing half-written).
   */
  fail(error: unknown): Promise<never>;
}

/** Builds a plain command. `keys` are the keys among `args` (for slot checks); `args` excludes the name. */
export function cmd<T>(
  name: string,
  keys: readonly string[],
  args: readonly Arg[],
  parse: (reply: unknown) => T,
  binary = false,
): Command<T> {
  // `script: undefined` keeps plain commands and script calls one object shape (monomorphic executor code).
  return { name, keys, args, parse, binary, script: undefined };
}

/** Builds a script call over `keys` and `args`. */
export function scriptCmd<T>(
  script: ScriptSource,
  keys: readonly string[],
  args: readonly Arg[],
  parse: (reply: unknown) => T,
  binary = false,
): Command<T> {
  return { name: "evalsha", keys, args, parse, binary, script };
}
