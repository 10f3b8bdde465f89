/**
 * The ONE mapping from what a client threw to a narwhal error, used by the executors (every
 * container, model, autocomplete and script call) and by the cache's wire alike.
 *
 * - An error reply (ioredis and the embedded engine reject with `name === "ReplyError"`)
 *   becomes its typed class through {@link fromReplyError}.
 * - Anything else is a {@link ConnectionError} (node-redis's "The client is offline/closed"
 *   refuse a command before writing it). Its `mayHaveApplied` is true unless the
 *   client says it never wrote the command: once a command is on the wire, a lost reply does
 *   not tell whether Redis ran it, and narwhal never resends it (house rule 13).
 */
import { ConnectionError, fromReplyError, NarwhalError } from "./errors";

/** Error texts with which a client refuses a command it never wrote to the connection. */
const NEVER_SENT = /^Stream isn't writeable|enableOfflineQueue options is false|^Connection is closed before the command was sent|^The client is (offline|closed)$/;

/** Prefixes of Redis error replies, for clients that reject with a plain Error carrying the reply's text. */
const REPLY_PREFIX = /^(ERR|WRONGTYPE|NOSCRIPT|BUSY|OOM|NOPROTO|EXECABORT|CROSSSLOT|MOVED|ASK|TRYAGAIN|CLUSTERDOWN|READONLY|NOPERM|NOAUTH|UNKILLABLE|LOADING|MASTERDOWN)\b/;

/** True for a Redis error reply (as opposed to a connection failure). */
export function isReplyError(error: unknown): error is Error {
  return error instanceof Error && (error.name === "ReplyError" || REPLY_PREFIX.test(error.message));
}

/** True when `error` is Redis's NOSCRIPT reply (EVALSHA of a script the server does not have). */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOSCRIPT");
}

/**
 * Maps anything a client threw while running `label` (e.g. `"HGET"`, `"EVALSHA model-save"`)
 * into a narwhal error; `script` names the Lua script when it was one.
 */
export function mapClientError(error: unknown, label: string, server: () => string, script?: string): Error {
  if (error instanceof NarwhalError) return error;
  if (isReplyError(error)) return fromReplyError(error, label, script);
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectionError(server(), `${label} failed: ${message}`, { cause: error, mayHaveApplied: !NEVER_SENT.test(message) });
}
