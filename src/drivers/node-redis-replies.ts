/**
 * Replies and errors of node-redis made to look like ioredis's, which the rest of narwhal
 * expects (over RESP2, the only protocol the adapter accepts; see node-redis-safety.ts):
 *
 * - `call` gets strings (UTF-8) for bulk and simple strings, `callBuffer` Buffers: node-redis
 *   chooses per command through `typeMapping` (RESP type byte → JS type).
 * - An error reply rejects with an Error whose `name` is `"ReplyError"` and whose message is
 *   Redis's (node-redis's `ErrorReply`/`SimpleError` carry the message but are named "Error").
 */
import type { Arg } from "../command";
import type { NodeRedisArgument } from "./node-redis-shape";

/** RESP type bytes (`$`, `+`, `=`) whose replies become Buffers for `callBuffer`. */
export const BUFFER_REPLIES: Record<number, unknown> = { 36: Buffer, 43: Buffer, 61: Buffer };

/** narwhal's arguments as node-redis takes them (numbers as their decimal text, as ioredis sends them). */
export function toArgs(command: string, args: readonly Arg[]): NodeRedisArgument[] {
  const out: NodeRedisArgument[] = [command];
  for (const a of args) out.push(typeof a === "number" ? String(a) : a);
  return out;
}

/** `args` (the command name first) as node-redis takes them, converted in place: numbers as their decimal text. */
export function inPlaceArgs(args: Arg[]): NodeRedisArgument[] {
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (typeof a === "number") args[i] = String(a);
  }
  return args as NodeRedisArgument[];
}

/**
 * The one reply ioredis reshapes: HGETALL as an object (field → value; a Buffer field becomes
 * its UTF-8 text, `__proto__` an own property), in `call`, `callBuffer`, MULTI and pipelines.
 */
export function hgetallObject(reply: unknown): unknown {
  if (!Array.isArray(reply)) return reply;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < reply.length; i += 2) {
    Object.defineProperty(out, String(reply[i]), { value: reply[i + 1], configurable: true, enumerable: true, writable: true });
  }
  return out;
}

/** `reply` to command `args[0]` in ioredis's shape (see {@link hgetallObject}). */
export function shaped(args: readonly NodeRedisArgument[], reply: unknown): unknown {
  const name = args[0];
  return typeof name === "string" && name.length === 7 && name.toLowerCase() === "hgetall" ? hgetallObject(reply) : reply;
}

/** Buffers (at any depth of an array reply) decoded as UTF-8, as `call` returns them. */
export function toStrings(reply: unknown): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString("utf8");
  if (Array.isArray(reply)) return reply.map(toStrings);
  return reply;
}

function isNodeRedisErrorReply(error: Error): boolean {
  for (let proto = Object.getPrototypeOf(error) as { constructor?: { name?: string } } | null; proto; proto = Object.getPrototypeOf(proto) as typeof proto) {
    if (proto.constructor?.name === "ErrorReply") return true;
  }
  return false;
}

/** `error` with `name = "ReplyError"` when it is a Redis error reply, so client-errors.ts maps it to its typed class. */
export function asReplyError(error: unknown): unknown {
  if (error instanceof Error && error.name !== "ReplyError" && isNodeRedisErrorReply(error)) {
    Object.defineProperty(error, "name", { value: "ReplyError", configurable: true, writable: true });
  }
  return error;
}

/** Rejection handler: rethrows with {@link asReplyError}. */
export function rethrowReply(error: unknown): never {
  throw asReplyError(error);
}

/** A `MultiErrorReply` (EXEC with failed commands): its per-command replies, errors among them. */
export function multiReplies(error: unknown): unknown[] | undefined {
  const replies = (error as { replies?: unknown }).replies;
  return error instanceof Error && Array.isArray(replies) ? replies : undefined;
}

/** True for node-redis's `WatchError` (EXEC answered null: a watched key changed). */
export function isWatchError(error: unknown): boolean {
  return error instanceof Error && error.constructor.name === "WatchError";
}
