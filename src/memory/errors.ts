/**
 * Error replies of the embedded engine, worded byte for byte as Redis 7.0 writes them.
 * Command handlers throw {@link CommandError}; the dispatcher turns it into an `ErrorReply`.
 */
import { ErrorReply } from "./protocol";

/** Thrown by a command handler; becomes an `ErrorReply` with this exact message. */
export class CommandError {
  constructor(readonly message: string) {}
}

/** Throws a {@link CommandError}. */
export function fail(message: string): never {
  throw new CommandError(message);
}

export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const SYNTAX = "ERR syntax error";
export const NOT_INTEGER = "ERR value is not an integer or out of range";
export const NOT_FLOAT = "ERR value is not a valid float";
export const NO_SUCH_KEY = "ERR no such key";
export const OUT_OF_RANGE = "ERR index out of range";
export const MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
export const OVERFLOW = "ERR increment or decrement would overflow";
export const NAN_OR_INF = "ERR increment would produce NaN or Infinity";
export const MIN_MAX_NOT_FLOAT = "ERR min or max is not a float";
export const MIN_MAX_NOT_LEX = "ERR min or max not valid string range item";
export const TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range";
export const TIMEOUT_NEGATIVE = "ERR timeout is negative";
export const INVALID_EXPIRE = (cmd: string) => `ERR invalid expire time in '${cmd}' command`;
export const WRONG_ARITY = (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`;

/** `WRONGTYPE` as a reply value. */
export const wrongTypeReply = new ErrorReply(WRONGTYPE);

/** A handler's CommandError as its ErrorReply; anything else is an engine bug and is rethrown. */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof CommandError) return new ErrorReply(error.message);
  throw error;
}
