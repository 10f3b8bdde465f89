/**
 * The slice of node-redis (redis ≥ 5, `@redis/client`) that narwhal's adapter uses, as
 * structural types: narwhal never imports node-redis at run time (it is optional), and its
 * published typings must not depend on it.
 */

/** What node-redis accepts as a command argument. */
export type NodeRedisArgument = string | Buffer;

/** node-redis's per-command options (`typeMapping` keys are RESP type bytes, e.g. 36 for `$`). */
export interface NodeRedisCommandOptions {
  typeMapping?: Record<number, unknown>;
  timeout?: number;
}

/** A queued MULTI of node-redis (`client.multi()`). */
export interface NodeRedisMulti {
  addCommand(args: NodeRedisArgument[]): NodeRedisMulti;
  exec(): Promise<unknown[]>;
}

/** A pub/sub listener; with bufferMode the message is a Buffer (or, on `__redis__:invalidate`, an array of them or null). */
export type NodeRedisListener = (message: unknown, channel: unknown) => void;

/** Options of a node-redis client, as far as narwhal reads them. */
export interface NodeRedisOptions {
  RESP?: 2 | 3;
  keyPrefix?: unknown;
  url?: string;
  name?: string;
  disableOfflineQueue?: boolean;
  clientSideCache?: unknown;
  emitInvalidate?: boolean;
  /** node-redis 6: server maintenance push notifications, RESP3 only (a RESP2 duplicate must say "disabled"). */
  maintNotifications?: string;
  commandOptions?: NodeRedisCommandOptions & Record<string, unknown>;
  socket?: { host?: string; port?: number; path?: string; reconnectStrategy?: unknown } & Record<string, unknown>;
  readonly?: boolean;
}

/** A node-redis standalone client (`createClient()`). */
export interface NodeRedisClient {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  readonly options?: NodeRedisOptions;
  sendCommand(args: NodeRedisArgument[], options?: NodeRedisCommandOptions): Promise<unknown>;
  withTypeMapping(typeMapping: Record<number, unknown>): NodeRedisClient;
  multi(): NodeRedisMulti;
  duplicate(overrides?: Partial<NodeRedisOptions>): NodeRedisClient;
  connect(): Promise<unknown>;
  close(): Promise<void>;
  destroy(): void;
  unref(): void;
  subscribe(channels: string | string[], listener: NodeRedisListener, bufferMode?: boolean): Promise<void>;
  unsubscribe(channels?: string | string[], listener?: NodeRedisListener, bufferMode?: boolean): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** A master of a node-redis cluster (`cluster.masters`). */
export interface NodeRedisMasterNode {
  readonly host: string;
  readonly port: number;
  readonly client?: NodeRedisClient;
}

/** Options of a node-redis cluster, as far as narwhal reads them. */
export interface NodeRedisClusterOptions {
  rootNodes?: Array<{ url?: string; socket?: { host?: string; port?: number } }>;
  defaults?: NodeRedisOptions;
  RESP?: 2 | 3;
  useReplicas?: boolean;
  keyPrefix?: unknown;
  clientSideCache?: unknown;
}

/** A node-redis cluster (`createCluster()`). */
export interface NodeRedisCluster {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  readonly _options?: NodeRedisClusterOptions;
  readonly masters: NodeRedisMasterNode[];
  sendCommand(firstKey: NodeRedisArgument | undefined, isReadonly: boolean | undefined, args: NodeRedisArgument[], options?: NodeRedisCommandOptions): Promise<unknown>;
  /** node-redis ≥ 6 only; on 5 a key's client is `nodeClient(getSlotMaster(slot))`. */
  getNodeClientForKey?(key: NodeRedisArgument, isReadonly?: boolean): Promise<NodeRedisClient>;
  getSlotMaster(slot: number): NodeRedisMasterNode;
  nodeClient(node: NodeRedisMasterNode): NodeRedisClient | Promise<NodeRedisClient>;
  duplicate(overrides?: Partial<NodeRedisClusterOptions>): NodeRedisCluster;
  connect(): Promise<unknown>;
  close(): Promise<void>;
  destroy(): void;
  subscribe(channels: string | string[], listener: NodeRedisListener, bufferMode?: boolean): Promise<void>;
  unsubscribe(channels?: string | string[], listener?: NodeRedisListener, bufferMode?: boolean): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** True for a node-redis cluster, 5 or 6 (it has `masters` and `getSlotMaster`; a client has neither). */
export function isNodeRedisCluster(value: object): value is NodeRedisCluster {
  return "masters" in value && typeof (value as { getSlotMaster?: unknown }).getSlotMaster === "function";
}
