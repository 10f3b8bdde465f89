/**
 * Turns engine replies into the JavaScript values ioredis 6 gives for the same command on a
 * real server with its defaults (RESP3, `replyMapping: "legacy"`): bulk strings → string
 * (Buffer with `callBuffer`), integers → number (64-bit ones rounded, as ioredis does), nil → null, doubles → their Redis text,
 * maps → flat arrays (HGETALL → object), sets → arrays, errors → a `ReplyError`.
 */
import { Buffer } from "node:buffer";
import { formatDouble } from "./numbers";
import { DoubleReply, ErrorReply, MapReply, SetReply, StatusReply } from "./protocol";
import type { Reply } from "./protocol";

/** The error ioredis rejects with for an error reply: `name` is `"ReplyError"`, `message` is Redis's text. */
export class ReplyError extends Error {
  override readonly name = "ReplyError";
  /** The command that failed, as ioredis reports it. */
  command?: { name: string; args: string[] };
  /** EXECABORT: the queue-time errors that aborted the transaction. */
  previousErrors?: ReplyError[];
}

/** Commands whose RESP3 `[member, score]` pairs ioredis flattens in legacy mode. */
const FLATTEN_PAIRS = new Set(["zdiff", "zinter", "zpopmax", "zpopmin", "zunion", "zrandmember", "zrange", "zrangebyscore", "zrevrange", "zrevrangebyscore", "hrandfield"]);

export function replyError(reply: ErrorReply, name: string, args: readonly Buffer[]): ReplyError {
  const error = new ReplyError(reply.message);
  Object.defineProperty(error, "command", { value: { name, args: args.map((a) => a.toString()) }, enumerable: true, writable: true });
  return error;
}

/** Renders a reply for `command` (lower-case). Throws a ReplyError for an error reply. */
export function render(reply: Reply, command: string, buffers: boolean, args: readonly Buffer[]): unknown {
  if (reply instanceof ErrorReply) throw replyError(reply, command, args);
  let value = renderValue(reply, buffers);
  if (command === "hgetall" && Array.isArray(value)) value = toObject(value);
  else if ((command === "xread" || command === "xreadgroup") && reply instanceof MapReply) value = pairsOf(value as unknown[]);
  else if (FLATTEN_PAIRS.has(command) && Array.isArray(value)) value = flattenPairs(value);
  return value;
}

/** Renders one value (nested errors become Error objects, as ioredis does inside arrays). */
export function renderValue(reply: Reply, buffers: boolean): unknown {
  if (reply === null || typeof reply === "number") return reply;
  if (typeof reply === "bigint") return Number(reply); // as ioredis parses a 64-bit integer (without stringNumbers)
  if (Buffer.isBuffer(reply)) return buffers ? reply : reply.toString();
  if (reply instanceof StatusReply) return buffers ? Buffer.from(reply.value) : reply.value;
  if (reply instanceof DoubleReply) {
    const text = formatDouble(reply.value);
    return buffers ? Buffer.from(text) : text;
  }
  if (reply instanceof ErrorReply) return new ReplyError(reply.message);
  if (reply instanceof MapReply) {
    const out = new Array<unknown>(reply.entries.length * 2);
    for (let i = 0; i < reply.entries.length; i++) {
      const [k, v] = reply.entries[i]!;
      out[2 * i] = renderValue(k, buffers);
      out[2 * i + 1] = renderValue(v, buffers);
    }
    return out;
  }
  if (reply instanceof SetReply) return reply.items.map((item) => renderValue(item, buffers));
  return (reply as readonly Reply[]).map((item) => renderValue(item, buffers));
}

function toObject(flat: unknown[]): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const key = String(flat[i]);
    if (key in obj) Object.defineProperty(obj, key, { value: flat[i + 1], configurable: true, enumerable: true, writable: true });
    else obj[key] = flat[i + 1];
  }
  return obj;
}

/** XREAD/XREADGROUP: ioredis 6 turns the RESP3 map back into RESP2's `[[key, entries], …]`. */
function pairsOf(flat: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

function flattenPairs(items: unknown[]): unknown[] {
  if (!items.some(Array.isArray)) return items;
  return items.flatMap((item) => (Array.isArray(item) ? item : [item]));
}
