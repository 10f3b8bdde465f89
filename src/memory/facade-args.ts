/** Converts ioredis-style call arguments into the engine's `argv` of Buffers. */
import { Buffer } from "node:buffer";

export type FacadeArg = string | Buffer | number | bigint | boolean | null | undefined | readonly FacadeArg[] | Map<unknown, unknown> | Record<string, unknown>;

const OBJECT_ARG_COMMANDS = new Set(["hset", "hmset", "mset", "msetnx"]);

function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value === null || value === undefined) return Buffer.alloc(0);
  if (typeof value === "string") return Buffer.from(value);
  return Buffer.from(String(value));
}

/** Flattens arrays (one level, like ioredis) and, for HSET/HMSET/MSET(NX), a Map or object argument. */
export function toArgv(command: string, args: readonly unknown[]): Buffer[] {
  const name = command.toLowerCase();
  const out: Buffer[] = [Buffer.from(command)];
  for (const arg of args) {
    if (Array.isArray(arg)) for (const item of arg) out.push(toBuffer(item));
    else if (OBJECT_ARG_COMMANDS.has(name) && arg instanceof Map) for (const [k, v] of arg) out.push(toBuffer(k), toBuffer(v));
    else if (OBJECT_ARG_COMMANDS.has(name) && typeof arg === "object" && arg !== null && !Buffer.isBuffer(arg)) {
      for (const [k, v] of Object.entries(arg)) out.push(toBuffer(k), toBuffer(v));
    } else out.push(toBuffer(arg));
  }
  return out;
}
