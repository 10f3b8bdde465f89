/**
 * A Valkey GLIDE (`@valkey/valkey-glide` 2.x) standalone `GlideClient` seen as narwhal's
 * {@link ClientLike}: commands with `customCommand` (replies and errors brought back to
 * ioredis's RESP2 shapes, see glide-replies.ts), MULTI and pipelines with GLIDE's `Batch`
 * (glide-batch.ts), dedicated connections as new `GlideClient`s of the same configuration.
 *
 * GLIDE has no connection events: it reconnects by itself and says nothing. The adapter
 * synthesises ioredis's events and `status` from what it does see, so connection-watch.ts can
 * fail fast while the server is down and the cache can fail open:
 *
 *   a command rejected with GLIDE's ConnectionError (the connection died under it), TimeoutError
 *   (no reply within `requestTimeout`: the server is gone or stalled) or an unexpected
 *   ClosingError → `close` then `reconnecting`, status `reconnecting`; the adapter then sends
 *   PING (10 ms, then backing off to 1 s) until one is answered → `ready`.
 *
 * While `reconnecting`, narwhal refuses calls at once (nothing sent). A reconnect GLIDE makes
 * with no command in flight goes unseen, which loses nothing here (no command was pending); it
 * is one reason the local tiers' CLIENT TRACKING runs on a connection of narwhal's own
 * ({@link GlideAdapter.invalidationConnection}, glide-invalidation.ts).
 *
 * No blind resend: GLIDE rejects a command in flight when its connection dies and does not
 * write it again (test/integration/glide-blockers.test.ts).
 *
 * RESP2 and RESP3 clients alike (glide-replies.ts maps both to RESP2 shapes); duplicates keep
 * the client's protocol.
 * narwhal never closes a client it was given, only the duplicates it opened.
 */
import { EventEmitter } from "node:events";
import type { ClientLike } from "../client";
import type { Arg } from "../command";
import { GlideBatch } from "./glide-batch";
import { GlideSubscriber } from "./glide-pubsub";
import { glideArgs } from "./glide-args";
import { GLIDE_DEFAULT_INFLIGHT_LIMIT, InflightGate } from "./glide-inflight";
import { glideInvalidationConnection } from "./glide-invalidation";
import type { Resp2Connection } from "./resp2-connection";
import { glideError, rethrowGlide, toResp2 } from "./glide-replies";
import { configOf, DECODER_BYTES, DECODER_STRING, type GlideClientClass, type GlideConfig, type GlideNative } from "./glide-shape";
import { duplicateOptions, noReconnect, type AdapterOptions } from "./node-redis";
import { shaped } from "./node-redis-replies";

const BYTES = { decoder: DECODER_BYTES };
const STRING = { decoder: DECODER_STRING };
/** GLIDE's own default `requestTimeout` (ms). */
const GLIDE_DEFAULT_TIMEOUT = 250;
const FIRST_PROBE_MS = 10;
const MAX_PROBE_MS = 1000;

/** GLIDE error classes that mean the connection (not the command) failed. */
const CONNECTION_FAILURES = new Set(["ConnectionError", "TimeoutError", "ClosingError"]);

const adapters = new WeakMap<object, GlideAdapter>();

/** The adapter of a connected GLIDE client (one per client). */
export function glideAdapter(client: GlideNative): GlideAdapter {
  let adapter = adapters.get(client);
  if (!adapter) {
    const config = configOf(client) ?? {};
    adapters.set(client, (adapter = new GlideAdapter(client, config, client.constructor as unknown as GlideClientClass, true)));
  }
  return adapter;
}

/**
 * An adapter whose GLIDE client is created now from `config` (GLIDE creates clients
 * asynchronously; commands wait for it). `reconnect: false`: the first connection failure ends it.
 */
export function openGlide(clientClass: GlideClientClass, config: GlideConfig, reconnect = true): GlideAdapter {
  return new GlideAdapter(undefined, config, clientClass, reconnect);
}

export class GlideAdapter extends EventEmitter implements ClientLike {
  readonly isCluster = false;
  /** GLIDE rejects every command a lost connection had in flight. */
  readonly settlesLostCommands = true;
  /** Which driver this is (tests, diagnostics, features GLIDE cannot host). */
  readonly driver = "glide";
  readonly options: AdapterOptions;
  private state: "connecting" | "ready" | "reconnecting" | "end";
  private opening: Promise<GlideNative> | undefined;
  private probe: ReturnType<typeof setTimeout> | undefined;
  private probeMs = FIRST_PROBE_MS;
  /** The RESP3 connection SUBSCRIBE uses, opened by the first {@link subscribe}. */
  private subscriber: GlideSubscriber | undefined;
  /** Holds requests past GLIDE's `inflightRequestsLimit` until one settles (glide-inflight.ts). */
  private readonly gate: InflightGate;

  constructor(
    /** The GLIDE client, once created. */
    public native: GlideNative | undefined,
    /** The configuration it was (or is being) created with. */
    readonly config: GlideConfig,
    private readonly clientClass: GlideClientClass,
    private readonly reconnect: boolean,
  ) {
    super();
    const limit = config.inflightRequestsLimit;
    this.gate = new InflightGate(typeof limit === "number" && limit > 0 ? limit : GLIDE_DEFAULT_INFLIGHT_LIMIT);
    const first = config.addresses?.[0];
    this.options = { host: first?.host ?? "localhost", port: first?.port ?? 6379, commandTimeout: config.requestTimeout ?? GLIDE_DEFAULT_TIMEOUT };
    this.state = native ? "ready" : "connecting";
    if (!native) void this.open().catch(() => undefined);
  }

  /** ioredis's status names: `connecting` (first client being created), `ready`, `reconnecting`, `end`. */
  get status(): string {
    return this.state;
  }

  private open(): Promise<GlideNative> {
    const opening = this.clientClass.createClient(this.config).then(
      (native) => {
        this.opening = undefined;
        if (this.state === "end") {
          native.close();
          throw new Error("Connection is closed.");
        }
        this.native = native;
        this.emit("connect");
        this.alive();
        return native;
      },
      (error: unknown) => {
        this.opening = undefined;
        this.lost(error);
        throw error;
      },
    );
    this.opening = opening;
    return opening;
  }

  /** The client, waiting for one being created; rejects when there is none (creation failed, or ended). */
  private client(): GlideNative | Promise<GlideNative> {
    if (this.native) return this.native;
    if (this.opening) return this.opening;
    return Promise.reject(new Error(this.state === "end" ? "Connection is closed." : "The client is offline"));
  }

  /** A reply (any reply, an error reply too) came: the connection works. */
  private alive(): void {
    if (this.state === "ready" || this.state === "end") return;
    this.state = "ready";
    this.probeMs = FIRST_PROBE_MS;
    this.emit("ready");
  }

  /** Told about every failed command: a connection failure makes the client down until a PING is answered. */
  private failed = (error: unknown): void => {
    if (error instanceof Error && CONNECTION_FAILURES.has(error.constructor.name)) this.lost(error);
    else this.alive();
  };

  private lost(error: unknown): void {
    if (this.state === "end") return;
    // An EventEmitter throws an 'error' nobody listens to; narwhal's own listeners are optional.
    if (this.listenerCount("error") > 0) this.emit("error", error);
    if (!this.reconnect) return this.end();
    if (this.state === "reconnecting") return;
    this.state = "reconnecting";
    this.emit("close");
    this.emit("reconnecting");
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.probe !== undefined || this.state !== "reconnecting") return;
    this.probe = setTimeout(() => {
      this.probe = undefined;
      const native = this.native;
      const sent = native ? this.gate.run(() => native.customCommand(["PING"])) : this.open();
      sent.then(
        () => this.alive(),
        (error: unknown) => {
          if (!(error instanceof Error && CONNECTION_FAILURES.has(error.constructor.name)) && this.native) return this.alive();
          this.probeMs = Math.min(this.probeMs * 2, MAX_PROBE_MS);
          this.scheduleProbe();
        },
      );
    }, this.probeMs);
    this.probe.unref?.();
  }

  private send(args: readonly Arg[], binary: boolean): Promise<unknown> {
    const native = this.client();
    if (native instanceof Promise) return native.then((n) => this.sendOn(n, args, binary));
    return this.sendOn(native, args, binary);
  }

  private sendOn(native: GlideNative, args: readonly Arg[], binary: boolean): Promise<unknown> {
    return this.gate.run(() => native.customCommand(glideArgs(args), binary ? BYTES : STRING)).then(
      (reply) => {
        if (this.state === "reconnecting") this.alive();
        return shaped(args as string[], toResp2(args, reply, binary));
      },
      (error: unknown) => {
        this.failed(error);
        throw error;
      },
    );
  }

  call(command: string, ...args: Arg[]): Promise<unknown> {
    return this.send([command, ...args], false).catch(rethrowGlide);
  }

  /** {@link call} with the arguments as an array; rejects with GLIDE's error (see {@link clientError}). */
  callArgs(command: string, args: readonly Arg[]): Promise<unknown> {
    return this.send([command, ...args], false);
  }

  /** {@link callArgs} with the name at `args[0]` (see ClientLike.sendArgs). */
  sendArgs(args: Arg[], binary: boolean): Promise<unknown> {
    return this.send(args, binary);
  }

  callBuffer(command: string, ...args: Arg[]): Promise<unknown> {
    return this.send([command, ...args], true).catch(rethrowGlide);
  }

  callBufferArgs(command: string, args: readonly Arg[]): Promise<unknown> {
    return this.send([command, ...args], true);
  }

  /** An error of {@link callArgs} as `call` rejects with it: an error reply named "ReplyError", in Redis's words. */
  clientError(error: unknown): unknown {
    return glideError(error);
  }

  multi(): GlideBatch {
    return new GlideBatch(() => this.client(), true, this.failed, this.gate);
  }

  pipeline(): GlideBatch {
    return new GlideBatch(() => this.client(), false, this.failed, this.gate);
  }

  /**
   * SUBSCRIBE, on a RESP3 GLIDE client of this adapter's own (GLIDE allows pub/sub only on
   * RESP3; it resubscribes by itself after a reconnect): messages are emitted as ioredis's
   * `message` (channel, text) and `messageBuffer` (channel, Buffer) events.
   */
  subscribe(...channels: string[]): Promise<unknown> {
    if (this.state === "end") return Promise.reject(new Error("Connection is closed."));
    this.subscriber ??= new GlideSubscriber(this.clientClass, this.config, (channel, message) => {
      this.emit("messageBuffer", Buffer.from(channel), Buffer.from(message));
      this.emit("message", channel, message);
    });
    return this.subscriber.subscribe(channels).catch(rethrowGlide);
  }

  /** UNSUBSCRIBE on the {@link subscribe} connection. */
  unsubscribe(...channels: string[]): Promise<unknown> {
    return this.subscriber ? this.subscriber.unsubscribe(channels).catch(rethrowGlide) : Promise.resolve(0);
  }

  /**
   * A new GLIDE client with the same configuration (addresses, credentials, TLS, timeouts,
   * protocol), created now; its commands wait for it. `connectionName` becomes GLIDE's
   * `clientName`; `retryStrategy: () => null` makes the first connection failure end it.
   */
  duplicate(...args: unknown[]): GlideAdapter {
    const io = duplicateOptions(args);
    const config: GlideConfig = { ...this.config, ...("connectionName" in io && io.connectionName !== undefined ? { clientName: io.connectionName } : {}) };
    return openGlide(this.clientClass, config, !noReconnect(io));
  }

  /**
   * The local tiers' invalidation connection: narwhal's own RESP2 connection to the same server,
   * with the same TLS settings and credentials (glide-invalidation.ts says why not a GLIDE one).
   */
  invalidationConnection(): Resp2Connection {
    return glideInvalidationConnection(this.config);
  }

  /** Closes the connection (GLIDE `close()`; commands still pending reject). */
  async quit(): Promise<unknown> {
    this.end();
    return "OK";
  }

  /** Closes the connection at once (GLIDE `close()`). */
  disconnect(): void {
    this.end();
  }

  private end(): void {
    if (this.probe !== undefined) clearTimeout(this.probe);
    this.probe = undefined;
    if (this.state === "end") return;
    this.state = "end";
    this.subscriber?.close();
    try {
      this.native?.close();
    } catch {
      // Closed meanwhile.
    }
    this.emit("close");
    this.emit("end");
  }
}
