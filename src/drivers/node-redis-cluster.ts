/**
 * A node-redis (redis ≥ 5) cluster seen as narwhal's {@link ClientLike}, like an ioredis
 * Cluster (`isCluster`, `nodes("master")`, `duplicate([], options)`).
 *
 * Slot routing: node-redis routes a command by the first key it is told. `sendCommand` takes
 * that key from the caller, so the adapter finds it with the command's key positions from
 * `@ioredis/commands` (the table ioredis's Cluster routes by): GET's first argument, EVALSHA's
 * first key after its numkeys, XREADGROUP's first stream… A keyless command goes to any master,
 * as on ioredis. Multi-key commands, scripts and batches are checked by narwhal's executors to
 * hash to one slot before they are sent, so the first key's master is the right one. A key
 * holding a `{` is given to node-redis as a brace-free key of its slot (slot.ts `routingKey`):
 * node-redis 5's slot function gets keys like `"{}}#"` wrong, and then no rediscovery helps.
 * MOVED and ASK are followed by node-redis (the command did not run there); nothing else is
 * retried.
 *
 * Events: node-redis `connect` → `connect` + `ready`; `node-ready` → `refresh`; `disconnect` →
 * `close` + `end`.
 */
import { EventEmitter } from "node:events";
import { getKeyIndexes } from "@ioredis/commands";
import type { ClientLike } from "../client";
import { keySlot, routingKey } from "../slot";
import type { Arg } from "../command";
import { BUFFER_OPTIONS, NodeRedisBatch, STRING_OPTIONS } from "./node-redis-batch";
import type { NodeRedisArgument, NodeRedisClient, NodeRedisCluster, NodeRedisClusterOptions, NodeRedisListener } from "./node-redis-shape";
import { rethrowReply, shaped, toArgs } from "./node-redis-replies";
import { RESP3_BUFFER_OPTIONS, RESP3_STRING_OPTIONS, resp3ToResp2, speaksResp3 } from "./node-redis-resp3";
import { duplicateOptions, noReconnect, nodeRedisAdapter, RESP2_DUPLICATE, type NodeRedisAdapter } from "./node-redis";

/** The first key of a command (`args[0]` is its name), or undefined for a keyless or unknown command. */
export function firstKey(args: readonly NodeRedisArgument[]): NodeRedisArgument | undefined {
  const name = String(args[0]).toLowerCase();
  try {
    const [index] = getKeyIndexes(name, args.slice(1) as Array<string | Buffer>);
    return index === undefined ? undefined : args[index + 1];
  } catch {
    // Not in the table (a module's command): any master, like ioredis.
    return undefined;
  }
}

/**
 * The key node-redis should route a command by: its first key, or a brace-free key of the same
 * slot when the key has a `{` (node-redis 5's slot function gets keys like `"{}}#"` wrong; see
 * slot.ts), undefined for a keyless command.
 */
function routeKey(args: readonly NodeRedisArgument[]): NodeRedisArgument | undefined {
  const key = firstKey(args);
  return key === undefined ? undefined : routingKey(key);
}

const adapters = new WeakMap<object, NodeRedisClusterAdapter>();

/** The adapter of a node-redis cluster (one per cluster). */
export function nodeRedisClusterAdapter(cluster: NodeRedisCluster): NodeRedisClusterAdapter {
  let adapter = adapters.get(cluster);
  if (!adapter) adapters.set(cluster, (adapter = new NodeRedisClusterAdapter(cluster)));
  return adapter;
}

export class NodeRedisClusterAdapter extends EventEmitter implements ClientLike {
  readonly isCluster = true;
  readonly driver = "node-redis";
  private everOpen: boolean;
  private connecting: Promise<void> | undefined;
  /** The cluster speaks RESP3 (`RESP: 3`): replies go through node-redis-resp3.ts. */
  private readonly resp3: boolean;
  private readonly listener: NodeRedisListener = (message, channel) => {
    this.emit("messageBuffer", channel, message);
    this.emit("message", String(channel), message === null || message === undefined ? null : String(message));
  };

  constructor(readonly native: NodeRedisCluster) {
    super();
    this.everOpen = native.isOpen;
    this.resp3 = speaksResp3(native);
    native.on("connect", () => {
      this.everOpen = true;
      this.emit("connect");
      this.emit("ready");
    });
    // A node connected (a new master after a failover or resharding, or one reconnected): the
    // cache's coherence re-reads the masters on `refresh`, as on an ioredis Cluster.
    native.on("node-ready", () => this.emit("refresh"));
    native.on("disconnect", () => {
      this.emit("close");
      this.emit("end");
    });
    native.on("error", (error: unknown) => {
      if (this.listenerCount("error") > 0) this.emit("error", error);
    });
  }

  /** The cluster's root nodes (describeServer prints them like an ioredis Cluster's). */
  get startupNodes(): unknown[] {
    return (this.native._options?.rootNodes ?? []).map((n) => n.url ?? `${n.socket?.host}:${n.socket?.port}`);
  }

  /** node-redis 6's `isReady`; node-redis 5 has none: open with its slots discovered (masters known). */
  private get nativeReady(): boolean {
    const ready = (this.native as { isReady?: boolean }).isReady;
    return ready ?? (this.native.isOpen && this.native.masters.length > 0);
  }

  get status(): string {
    if (this.nativeReady) return "ready";
    if (this.native.isOpen) return "connecting";
    return this.everOpen ? "end" : "wait";
  }

  call(command: string, ...args: Arg[]): Promise<unknown> {
    return this.send(toArgs(command, args), false);
  }

  callBuffer(command: string, ...args: Arg[]): Promise<unknown> {
    return this.send(toArgs(command, args), true);
  }

  private send(args: NodeRedisArgument[], binary: boolean): Promise<unknown> {
    const send = this.resp3
      ? () => this.native.sendCommand(routeKey(args), false, args, binary ? RESP3_BUFFER_OPTIONS : RESP3_STRING_OPTIONS).then((reply) => shaped(args, resp3ToResp2(args, reply, binary)))
      : () => this.native.sendCommand(routeKey(args), false, args, binary ? BUFFER_OPTIONS : STRING_OPTIONS).then((reply) => shaped(args, reply));
    return this.whenConnected(send).catch(rethrowReply);
  }

  /**
   * Resolves once the cluster has connected (or failed to). A node-redis cluster refuses
   * commands until it knows its slots ("The client is offline"), unlike a standalone client,
   * which queues them: wait, as a command sent to an ioredis Cluster still connecting does.
   */
  private connected(): Promise<void> {
    this.connecting ??= new Promise<void>((resolve) => {
      const done = () => {
        this.native.off("connect", done);
        this.native.off("error", failed);
        this.connecting = undefined;
        resolve();
      };
      const failed = () => {
        if (!this.native.isOpen) done();
      };
      this.native.on("connect", done);
      this.native.on("error", failed);
    });
    return this.connecting;
  }

  multi(): NodeRedisBatch {
    return new NodeRedisBatch((commands) => this.nodeFor(commands), true);
  }

  pipeline(): NodeRedisBatch {
    return new NodeRedisBatch((commands) => this.nodeFor(commands), false);
  }

  /** The masters, each as a standalone adapter over the cluster's own connection to it. */
  nodes(role: string): NodeRedisAdapter[] {
    if (role !== "master" && role !== "all") return [];
    const out: NodeRedisAdapter[] = [];
    for (const master of this.native.masters) {
      if (master.client) out.push(nodeRedisAdapter(master.client, { host: master.host, port: master.port }));
    }
    return out;
  }

  subscribe(...channels: string[]): Promise<unknown> {
    return this.whenConnected(() => this.native.subscribe(channels, this.listener, true)).catch(rethrowReply);
  }

  unsubscribe(...channels: string[]): Promise<unknown> {
    return this.whenConnected(() => this.native.unsubscribe(channels, this.listener, true)).catch(rethrowReply);
  }

  /** Runs `fn` now, or once the cluster still connecting has connected (it refuses commands before). */
  private whenConnected<T>(fn: () => Promise<T>): Promise<T> {
    return this.nativeReady || !this.native.isOpen ? fn() : this.connected().then(fn);
  }

  /** A new cluster client (RESP2, no command or socket timeout, no reconnect when asked), connecting now. */
  duplicate(...args: unknown[]): NodeRedisClusterAdapter {
    const io = duplicateOptions(args);
    const base: NodeRedisClusterOptions = this.native._options ?? {};
    const defaults = { ...base.defaults, ...RESP2_DUPLICATE, disableOfflineQueue: false, commandOptions: { ...base.defaults?.commandOptions, timeout: undefined } };
    defaults.socket = { ...base.defaults?.socket, socketTimeout: undefined, ...(noReconnect(io) ? { reconnectStrategy: false } : {}) };
    const connection = this.native.duplicate({ RESP: 2, defaults });
    const adapter = new NodeRedisClusterAdapter(connection);
    connection.connect().catch(() => undefined);
    return adapter;
  }

  async quit(): Promise<unknown> {
    if (this.native.isOpen) await this.native.close();
    return "OK";
  }

  disconnect(): void {
    if (!this.native.isOpen) return;
    try {
      this.native.destroy();
    } catch {
      // Closed meanwhile.
    }
  }

  /** The master of the batch's first key (all its keys share a slot), or any master for a keyless batch. */
  private async nodeFor(commands: ReadonlyArray<readonly NodeRedisArgument[]>): Promise<NodeRedisClient> {
    if (!this.nativeReady && this.native.isOpen) await this.connected();
    for (const args of commands) {
      const key = routeKey(args);
      if (key === undefined) continue;
      if (this.native.getNodeClientForKey) return this.native.getNodeClientForKey(key);
      return this.native.nodeClient(this.native.getSlotMaster(keySlot(key)));
    }
    const master = this.native.masters[0];
    if (!master) throw new Error("the cluster has no known master yet");
    return master.client ?? this.native.nodeClient(master);
  }
}
