/**
 * The slice of the ioredis API narwhal uses, as a structural type, so that ioredis 5 and 6
 * clients (standalone or Cluster) and narwhal's embedded engine facade are all accepted.
 */
import type { Arg } from "./command";

/** A queued MULTI or pipeline, as ioredis exposes it. */
export interface ClientBatch {
  call(command: string, ...args: Arg[]): unknown;
  callBuffer(command: string, ...args: Arg[]): unknown;
  exec(): Promise<Array<[Error | null, unknown]> | null>;
}

/** The client methods narwhal relies on (ioredis `Redis`/`Cluster` or the memory facade). */
export interface ClientLike {
  call(command: string, ...args: Arg[]): Promise<unknown>;
  callBuffer(command: string, ...args: Arg[]): Promise<unknown>;
  /**
   * `call` with the arguments as an array, when the client has it (node-redis's adapter): no
   * rest-parameter copy, and a rejection is the driver's own error, to be passed through
   * {@link clientError} (only then: no extra promise per call to rename it).
   */
  callArgs?(command: string, args: readonly Arg[]): Promise<unknown>;
  /** `callBuffer` as {@link callArgs} is to `call`. */
  callBufferArgs?(command: string, args: readonly Arg[]): Promise<unknown>;
  /**
   * `callArgs` (or `callBufferArgs` when `binary`) with the command name at `args[0]`, the array
   * handed over: the client sends it as it is (numbers become their decimal text in place) and
   * never copies it. The script hot path builds EVALSHA's array once, ready for the driver.
   */
  sendArgs?(args: Arg[], binary: boolean): Promise<unknown>;
  /** What `call` would have rejected with, given what `callArgs` rejected with. */
  clientError?(error: unknown): unknown;
  multi(): ClientBatch;
  pipeline(): ClientBatch;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off?(event: string, listener: (...args: unknown[]) => void): unknown;
  readonly status: string;
  /** Set (true) on ioredis Cluster instances. */
  readonly isCluster?: boolean;
  /**
   * True when the client itself rejects the commands a closed connection lost (node-redis's
   * adapter). ioredis drops them unsettled, so connection-watch.ts tracks every call on it.
   */
  readonly settlesLostCommands?: boolean;
  duplicate(...args: unknown[]): ClientLike;
  /**
   * A new connection for CLIENT TRACKING invalidations (RESP2, able to SUBSCRIBE, never
   * reconnecting by itself), for a driver whose own connections cannot receive them (Valkey
   * GLIDE: narwhal's Resp2Connection to the same server). Without it the local tiers use
   * `duplicate()` (cache/coherence.ts).
   */
  invalidationConnection?(): InvalidationClient;
}

/** The slice of a client an invalidation connection uses (cache/tracking-connection.ts). */
export interface InvalidationClient {
  call(command: string, ...args: Arg[]): Promise<unknown>;
  subscribe(...channels: string[]): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  readonly status: string;
  disconnect(): void;
}

/** True for an ioredis Cluster (checked structurally: ioredis 5 and 6 classes differ). */
export function isClusterClient(client: ClientLike): boolean {
  return client.isCluster === true;
}
