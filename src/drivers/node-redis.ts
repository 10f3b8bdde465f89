/**
 * A node-redis (redis ≥ 5) standalone client seen as narwhal's {@link ClientLike}: commands
 * with `sendCommand` (RESP2 replies shaped as ioredis's, see node-redis-replies.ts), MULTI
 * and pipelines (node-redis-batch.ts), dedicated connections with `duplicate()`, pub/sub, and
 * ioredis's connection events and `status`, which connection-watch.ts, the cache and the
 * coordination primitives read:
 *
 *   node-redis `connect` → `connect`; `ready` → `ready`; `reconnecting` (the socket was lost)
 *   → `close` then `reconnecting`; `end`, or an `error` after which the client is no longer
 *   open (no reconnect strategy) → `close` then `end`.
 *
 * No blind resend: when its socket closes, node-redis rejects every command already written
 * (`Socket closed unexpectedly`, reported by narwhal as possibly applied) and only writes,
 * after the reconnect, the ones still in its offline queue, which never reached Redis.
 *
 * One adapter per node-redis client ({@link nodeRedisAdapter}); narwhal never closes a client
 * it was given, only the duplicates it opened.
 */
import { EventEmitter } from "node:events";
import type { ClientLike } from "../client";
import type { Arg } from "../command";
import { NodeRedisBatch, BUFFER_OPTIONS, STRING_OPTIONS } from "./node-redis-batch";
import type { NodeRedisClient, NodeRedisListener, NodeRedisOptions } from "./node-redis-shape";
import { asReplyError, inPlaceArgs, rethrowReply, shaped, toArgs } from "./node-redis-replies";
import { sendResp3, speaksResp3 } from "./node-redis-resp3";

/** Where a connection goes, as ioredis's `options` say it (describeServer, the cache's per-master connections). */
export interface AdapterOptions {
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  /** The client's per-command timeout (ms), if it has one. */
  readonly commandTimeout?: number;
}

/** ioredis-style options narwhal passes to `duplicate()`, translated for node-redis. */
interface DuplicateOptions {
  readonly connectionName?: string;
  readonly retryStrategy?: (times: number) => number | null | undefined;
}

const adapters = new WeakMap<object, NodeRedisAdapter>();

/** Options a RESP2 duplicate of a RESP3 client must not inherit: maintenance pushes and invalidation events are RESP3 only. */
export const RESP2_DUPLICATE = { maintNotifications: "disabled", emitInvalidate: false } as const;

/** The adapter of a node-redis client (one per client: its listeners are added once). */
export function nodeRedisAdapter(client: NodeRedisClient, where?: AdapterOptions): NodeRedisAdapter {
  let adapter = adapters.get(client);
  if (!adapter) adapters.set(client, (adapter = new NodeRedisAdapter(client, where)));
  return adapter;
}

/** Host/port/path of a node-redis client's options. */
export function whereOf(options: NodeRedisOptions | undefined): AdapterOptions {
  const socket = options?.socket ?? {};
  let host = socket.host;
  let port = socket.port;
  if (options?.url && host === undefined) {
    const url = new URL(options.url);
    host = url.hostname;
    port = url.port ? Number(url.port) : 6379;
  }
  return { host, port, path: socket.path, commandTimeout: options?.commandOptions?.timeout };
}

/** The last plain-object argument of `duplicate(...)` (a Cluster passes `([], options)`). */
export function duplicateOptions(args: readonly unknown[]): DuplicateOptions {
  for (let i = args.length - 1; i >= 0; i--) {
    const a = args[i];
    if (typeof a === "object" && a !== null && !Array.isArray(a)) return a as DuplicateOptions;
  }
  return {};
}

/** True when ioredis-style options ask for no reconnect (`retryStrategy: () => null`). */
export function noReconnect(options: DuplicateOptions): boolean {
  return typeof options.retryStrategy === "function" && options.retryStrategy(1) == null;
}

/**
 * True when commands of `client` get a reply type mapping: its own `commandOptions` (a proxy of
 * `withTypeMapping()`/`withCommandOptions()` keeps them in `_commandOptions`, which node-redis
 * merges into every command).
 */
function mapsReplyTypes(client: NodeRedisClient): boolean {
  const own = (client as { _commandOptions?: { typeMapping?: unknown } })._commandOptions;
  return (own ?? client.options?.commandOptions)?.typeMapping !== undefined;
}

export class NodeRedisAdapter extends EventEmitter implements ClientLike {
  readonly isCluster = false;
  /** node-redis rejects every written command when its socket closes ("Socket closed unexpectedly"). */
  readonly settlesLostCommands = true;
  /** Which driver this is (tests, diagnostics). */
  readonly driver = "node-redis";
  readonly options: AdapterOptions;
  private everReady: boolean;
  /**
   * A connection attempt failed or the connection was lost since the last `ready` (node-redis
   * `reconnecting`): the client is down, even if it was never ready (a closed port), as an
   * ioredis client is `reconnecting` after its first failed connect.
   */
  private lost = false;
  private handshake: ReturnType<typeof setTimeout> | undefined;
  private ended = false;
  /**
   * The options of `call`: none when the client maps no reply type (plain RESP2 decoding
   * already gives strings), else `typeMapping: {}` to override its mapping. Passing options
   * costs node-redis a merge and a second options object per command (~1 µs at 100 in flight).
   */
  private readonly stringOptions: typeof STRING_OPTIONS | undefined;
  /** The client speaks RESP3 (`RESP: 3`): replies go through node-redis-resp3.ts. */
  private readonly resp3: boolean;
  private readonly listener: NodeRedisListener = (message, channel) => {
    this.emit("messageBuffer", channel, message);
    const text = message === null || message === undefined ? null : Array.isArray(message) ? message.map(String) : String(message);
    this.emit("message", String(channel), text);
  };

  constructor(
    /** The node-redis client. */
    readonly native: NodeRedisClient,
    where?: AdapterOptions,
  ) {
    super();
    this.options = where ?? whereOf(native.options);
    this.everReady = native.isReady;
    this.stringOptions = mapsReplyTypes(native) ? STRING_OPTIONS : undefined;
    this.resp3 = speaksResp3(native);
    native.on("connect", () => {
      this.ended = false;
      this.boundHandshake();
      this.emit("connect");
    });
    native.on("ready", () => {
      this.everReady = true;
      this.lost = false;
      this.clearHandshake();
      this.emit("ready");
    });
    native.on("reconnecting", () => {
      this.lost = true;
      this.clearHandshake();
      this.emit("close");
      this.emit("reconnecting");
    });
    native.on("end", () => this.end());
    native.on("error", (error: unknown) => {
      // An EventEmitter throws an 'error' nobody listens to; narwhal's own listeners are optional.
      if (this.listenerCount("error") > 0) this.emit("error", error);
      if (!native.isOpen) this.end();
    });
  }

  /**
   * A server that accepts the connection and never answers its handshake (node-redis 6's
   * CLIENT SETINFO, RESP3's HELLO, AUTH, SELECT…): node-redis waits for it without limit, its
   * commands queued. After the client's `socket.connectTimeout` (node-redis's default 5 s) the
   * adapter reports the client down (`reconnecting`), so narwhal refuses calls at once instead
   * of queueing each one until its command timeout, as it does for an ioredis client whose
   * ready check does not finish. The queued commands were never written (not applied).
   */
  private boundHandshake(): void {
    this.clearHandshake();
    const ms = (this.native.options?.socket as { connectTimeout?: number } | undefined)?.connectTimeout ?? 5000;
    this.handshake = setTimeout(() => {
      this.handshake = undefined;
      if (!this.native.isReady) this.lost = true;
    }, ms);
    this.handshake.unref?.();
  }

  private clearHandshake(): void {
    if (this.handshake !== undefined) clearTimeout(this.handshake);
    this.handshake = undefined;
  }

  /** ioredis's status names: `ready`, `connecting` (first connection, no attempt failed yet), `reconnecting`, `end`, or `wait` (never connected). */
  get status(): string {
    if (this.native.isReady) return "ready";
    if (this.native.isOpen) return this.everReady || this.lost ? "reconnecting" : "connecting";
    return this.ended || this.everReady ? "end" : "wait";
  }

  /** The socket, as far as tracking-connection.ts uses it: `unref()` so it never keeps the process alive. */
  get stream(): { unref(): void } {
    return { unref: () => this.native.unref() };
  }

  call(command: string, ...args: Arg[]): Promise<unknown> {
    return this.callArgs(command, args).catch(rethrowReply);
  }

  /** {@link call} with the arguments as an array; rejects with node-redis's error (see {@link clientError}). The executors' path. */
  callArgs(command: string, args: readonly Arg[]): Promise<unknown> {
    const a = toArgs(command, args);
    if (this.resp3) return sendResp3(this.native, a, false);
    const sent = this.native.sendCommand(a, this.stringOptions);
    return a[0] === "hgetall" || a[0] === "HGETALL" ? sent.then((r) => shaped(a, r)) : sent;
  }

  /** {@link callArgs} with the name at `args[0]` and the array handed over (see ClientLike.sendArgs): no copy. */
  sendArgs(args: Arg[], binary: boolean): Promise<unknown> {
    const a = inPlaceArgs(args);
    if (this.resp3) return sendResp3(this.native, a, binary);
    const sent = this.native.sendCommand(a, binary ? BUFFER_OPTIONS : this.stringOptions);
    return a[0] === "hgetall" || a[0] === "HGETALL" ? sent.then((r) => shaped(a, r)) : sent;
  }

  callBuffer(command: string, ...args: Arg[]): Promise<unknown> {
    return this.callBufferArgs(command, args).catch(rethrowReply);
  }

  /** {@link callBuffer} with the arguments as an array; rejects as {@link callArgs}. */
  callBufferArgs(command: string, args: readonly Arg[]): Promise<unknown> {
    const a = toArgs(command, args);
    if (this.resp3) return sendResp3(this.native, a, true);
    const sent = this.native.sendCommand(a, BUFFER_OPTIONS);
    return a[0] === "hgetall" || a[0] === "HGETALL" ? sent.then((r) => shaped(a, r)) : sent;
  }

  /** An error of {@link callArgs} as `call` rejects with it: an error reply named "ReplyError". */
  clientError(error: unknown): unknown {
    return asReplyError(error);
  }

  multi(): NodeRedisBatch {
    return new NodeRedisBatch(() => this.native, true);
  }

  pipeline(): NodeRedisBatch {
    return new NodeRedisBatch(() => this.native, false);
  }

  subscribe(...channels: string[]): Promise<unknown> {
    return this.native.subscribe(channels, this.listener, true).catch(rethrowReply);
  }

  unsubscribe(...channels: string[]): Promise<unknown> {
    return this.native.unsubscribe(channels, this.listener, true).catch(rethrowReply);
  }

  /**
   * A new connection to the same server, connecting now: RESP2 (pub/sub messages, CLIENT
   * TRACKING redirects), no command or socket timeout (a blocking call has narwhal's own deadline), no
   * reconnect when asked (`retryStrategy: () => null`). Its commands wait for the first
   * connection (nothing of them was written before).
   */
  duplicate(...args: unknown[]): NodeRedisAdapter {
    const io = duplicateOptions(args);
    const base = this.native.options ?? {};
    const overrides: Partial<NodeRedisOptions> = {
      RESP: 2,
      // RESP3-only features a RESP3 client may carry (node-redis 6 refuses them on RESP2).
      ...RESP2_DUPLICATE,
      disableOfflineQueue: false,
      commandOptions: { ...base.commandOptions, timeout: undefined },
      // No idle-socket timeout either: a blocking call or a subscription is silent by nature.
      socket: { ...base.socket, socketTimeout: undefined, ...(noReconnect(io) ? { reconnectStrategy: false } : {}) },
    };
    if ("connectionName" in io) overrides.name = io.connectionName;
    const connection = this.native.duplicate(overrides);
    const adapter = new NodeRedisAdapter(connection, this.options);
    // A failed connect reaches the adapter's 'error' listeners and its status.
    connection.connect().catch(() => undefined);
    return adapter;
  }

  /** Closes the connection after the replies already due (node-redis `close()`). */
  async quit(): Promise<unknown> {
    if (!this.native.isOpen) return "OK";
    await this.native.close();
    return "OK";
  }

  /** Closes the connection at once (node-redis `destroy()`); pending commands reject. */
  disconnect(): void {
    if (!this.native.isOpen) return this.end();
    try {
      this.native.destroy();
    } catch {
      // Closed meanwhile.
    }
  }

  private end(): void {
    this.clearHandshake();
    if (this.ended) return;
    this.ended = true;
    this.emit("close");
    this.emit("end");
  }
}
