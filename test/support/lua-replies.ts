/**
 * Replies of a real redis-server (ioredis, Buffers) and of the engine's Lua host (Reply) in one
 * comparable shape: errors as `{ error }`, bulk strings as latin1 text, arrays recursively, maps
 * flattened as RESP2 sends them.
 */
import { ErrorReply, MapReply, StatusReply, type Reply } from "../../src/memory/protocol";

export function fromRedis(r: unknown): unknown {
  if (r instanceof Error) return { error: r.message };
  if (Array.isArray(r)) return r.map(fromRedis);
  if (Buffer.isBuffer(r)) return r.toString("latin1");
  return r;
}

export function fromEngine(r: Reply): unknown {
  if (r instanceof ErrorReply) return { error: r.message };
  if (r instanceof StatusReply) return r.value;
  if (Array.isArray(r)) return r.map((x) => fromEngine(x as Reply));
  // A map (CONFIG GET, HGETALL) as RESP2 sends it, the shape the RESP2 client on the Redis side gets.
  if (r instanceof MapReply) return r.entries.flatMap(([k, v]) => [fromEngine(k), fromEngine(v)]);
  if (Buffer.isBuffer(r)) return r.toString("latin1");
  return r;
}
