/** The value types a key can hold. Strings are Buffers; containers key their elements by latin1 identity (bytes.ts). */
import type { Deque } from "./deque";
import type { Stream } from "./stream";
import type { ZSet } from "./zset";

export type Value = (
  // enc: OBJECT ENCODING when Redis does not pick it from the content: `raw` for strings written in
  // place (APPEND to an existing key, SETRANGE, SETBIT, BITFIELD, BITOP, PFADD…), `embstr` for INCRBYFLOAT's result (never `int`).
  | { readonly type: "string"; v: Buffer; enc?: "raw" | "embstr" }
  | { readonly type: "hash"; readonly v: Map<string, Buffer> }
  | { readonly type: "list"; readonly v: Deque<Buffer> }
  | { readonly type: "set"; readonly v: Set<string> }
  | { readonly type: "zset"; readonly v: ZSet }
  | { readonly type: "stream"; readonly v: Stream }
) & {
  /** Last access by a command, ms on the key clock (OBJECT IDLETIME); unset until the first read. */
  at?: number;
  /** The key's estimated bytes as last accounted in its database's `usedBytes` (keyspace.ts; unset until then). */
  mem?: number;
  /** A container's sampled average element bytes (memory-size.ts), refreshed as it grows. */
  avg?: number;
};

export type TypeName = Value["type"];
interface TypeMap {
  string: Buffer;
  hash: Map<string, Buffer>;
  list: Deque<Buffer>;
  set: Set<string>;
  zset: ZSet;
  stream: Stream;
}
export type ValueOf<T extends TypeName> = TypeMap[T];
