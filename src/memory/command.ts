/** The shape of a command implementation: its spec in the command table and the context it runs in. */
import { id } from "./bytes";
import type { Keyspace } from "./keyspace";
import type { QueuedCall, Reply, Session } from "./protocol";
import type { Engine } from "./engine";

/** Per-connection transaction state (MULTI queue, WATCHed keys). */
export interface ClientState {
  /** Commands queued since MULTI: an argv, or a call the RESP connection answers itself (Dispatcher.queueCall). */
  multi: Array<readonly Buffer[] | QueuedCall> | null;
  /** A queue-time error happened: EXEC answers EXECABORT. */
  multiError: boolean;
  /** A WATCHed key changed: EXEC answers nil. */
  dirty: boolean;
  /** WATCHed keys; `expired`: the key was already logically expired when watched (its deletion is then no change, as in Redis). */
  readonly watching: Array<{ readonly db: Keyspace; readonly key: string; expired: boolean }>;
}

/** What a handler sees. */
export interface Ctx {
  readonly engine: Engine;
  readonly session: Session;
  readonly client: ClientState;
  readonly argv: readonly Buffer[];
  /** The selected database. */
  readonly db: Keyspace;
  /** Inside EXEC or a script: blocking commands answer at once, as Redis does. */
  readonly nested: boolean;
  readonly inScript: boolean;
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export interface CommandSpec {
  /** Lower-case name as Redis reports it in errors (`script|load` for subcommands). */
  readonly name: string;
  /** Redis arity: n = exactly n arguments including the name, -n = at least n. */
  readonly arity: number;
  readonly handler: Handler;
  /** Not allowed inside scripts (MULTI, EXEC, WATCH…). */
  readonly noscript?: boolean;
  /** Container commands (SCRIPT, OBJECT…): the second argument picks one of these. */
  readonly subcommands?: readonly CommandSpec[];
}

/** Shorthand to declare a command. */
export function command(name: string, arity: number, handler: Handler, extra: Partial<CommandSpec> = {}): CommandSpec {
  return { name, arity, handler, ...extra };
}

/** Argument i as a latin1 key identity. */
export function keyAt(ctx: Ctx, i: number): string {
  return id(ctx.argv[i]!);
}
