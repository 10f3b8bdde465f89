/**
 * What the standalone and the cluster GLIDE adapters (glide.ts, glide-cluster.ts) share: the
 * client being created in the background, commands through `customCommand` with replies and
 * errors in ioredis's RESP2 shapes (glide-replies.ts), SUBSCRIBE on a RESP3 client of its own
 * (glide-pubsub.ts), closing, and the connection events GLIDE does not give.
 *
 * GLIDE has no connection events: it reconnects by itself and says nothing. The adapter
 * synthesises ioredis's events and `status` from what it does see, so connection-watch.ts can
 * fail fast while the server is down and the cache can fail open:
 *
 *   a command rejected with GLIDE's ConnectionError (the connection died under it), TimeoutError
 *   (no reply within `requestTimeout`: the server is gone or stalled) or an unexpected
 *   ClosingError → `close` then `reconnecting`, status `reconnecting`; the adapter then sends
 *   PING (10 ms, then backing off to 1 s) until one is answered → `ready`. On a cluster, only
 *   when no master answers a PING either: one master down leaves the client `ready`, its
 *   slots' commands failing one by one (as an ioredis Cluster stays `ready`).
 *
 * Requests beyond GLIDE's `inflightRequestsLimit` wait for a place (glide-inflight.ts).
 *
 * No blind resend: GLIDE rejects a command in flight when its connection dies and does not
 * write it again (test/integration/glide-blockers.test.ts).
 * narwhal never closes a client it was given, only the duplicates it opened.
 */
import { EventEmitter } from "node:events";
import type { ClientLike } from "../client";
import type { Arg } from "../command";
import { GlideBatch } from "./glide-batch";
import { InflightLimit } from "./glide-inflight";
import { GlideSubscriber } from "./glide-pubsub";
import { glideError, rethrowGlide, toResp2 } from "./glide-replies";
import type { GlideClientClass, GlideConfig, GlideNative, GlideRoute } from "./glide-shape";
import type { AdapterOptions } from "./node-redis";
import { shaped } from "./node-redis-replies";

/** GLIDE's own default `requestTimeout` (ms). */
const GLIDE_DEFAULT_TIMEOUT = 250;
const FIRST_PROBE_MS = 10;
const MAX_PROBE_MS = 1000;

/** GLIDE error classes that mean the connection (not the command) failed. */
const CONNECTION_FAILURES = new Set(["ConnectionError", "TimeoutError", "ClosingError"]);

/**
 * GLIDE's own RequestErrors that mean no connection could take the request: a cluster client
 * whose every node is unreachable answers "Connection in recovery" (GLIDE's ClientError, seen
 * on GLIDE 2.5 with every master down) or "AllConnectionsUnavailable" (valkey-glide issues
 * #7169, #5367), not a ConnectionError.
 */
const NO_CONNECTION = /Connection in recovery|AllConnectionsUnavailable/;

/** True when `error` is one of GLIDE's connection failures (not a server's error reply). */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const kind = error.constructor.name;
  return CONNECTION_FAILURES.has(kind) || (kind === "RequestError" && NO_CONNECTION.test(error.message));
}

export abstract class GlideBase extends EventEmitter implements ClientLike {
  abstract readonly isCluster: boolean;
  /** GLIDE rejects every command a lost connection had in flight. */
  readonly settlesLostCommands = true;
  /** Which driver this is (tests, diagnostics). */
  readonly driver = "glide";
  readonly options: AdapterOptions;
  private state: "connecting" | "ready" | "reconnecting" | "end";
  private opening: Promise<GlideNative> | undefined;
  private probe: ReturnType<typeof setTimeout> | undefined;
  private probeMs = FIRST_PROBE_MS;
  /** A {@link confirmDown} is under way (failures meanwhile wait for its answer). */
  private confirming = false;
  /** The RESP3 connection SUBSCRIBE uses, opened by the first {@link subscribe}. */
  private subscriber: GlideSubscriber | undefined;
  /** GLIDE's in-flight limit, kept by holding requests back. */
  private readonly inflight: InflightLimit;

  constructor(
    /** The GLIDE client, once created. */
    public native: GlideNative | undefined,
    /** The configuration it was (or is being) created with. */
    readonly config: GlideConfig,
    protected readonly clientClass: GlideClientClass,
    private readonly reconnect: boolean,
  ) {
    super();
    const first = config.addresses?.[0];
    this.options = { host: first?.host ?? "localhost", port: first?.port ?? 6379, commandTimeout: config.requestTimeout ?? GLIDE_DEFAULT_TIMEOUT };
    this.inflight = new InflightLimit(config.inflightRequestsLimit);
    this.state = native ? "ready" : "connecting";
    if (!native) void this.open().catch(() => undefined);
  }

  /** Sends `args` (the command name first) on `native` (on a cluster: to `route`'s node, else by its first key); resolves GLIDE's reply as it is. */
  protected abstract command(native: GlideNative, args: readonly Arg[], binary: boolean, route?: GlideRoute): Promise<unknown>;

  abstract multi(): GlideBatch;
  abstract pipeline(): GlideBatch;
  abstract duplicate(...args: unknown[]): ClientLike;

  /** ioredis's status names: `connecting` (first client being created), `ready`, `reconnecting`, `end`. */
  get status(): string {
    return this.state;
  }

  /** Creates the client from {@link config} (when the adapter was given none). */
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
  protected client(): GlideNative | Promise<GlideNative> {
    if (this.native) return this.native;
    if (this.opening) return this.opening;
    return Promise.reject(new Error(this.state === "end" ? "Connection is closed." : "The client is offline"));
  }

  /** A reply (any reply, an error reply too) came: the connection works. */
  protected alive(): void {
    if (this.state === "ready" || this.state === "end") return;
    this.state = "ready";
    this.probeMs = FIRST_PROBE_MS;
    this.emit("ready");
  }

  /** Told about every failed command: a connection failure makes the client down until a PING is answered. */
  protected failed = (error: unknown): void => {
    if (isConnectionFailure(error)) this.lost(error);
    else this.alive();
  };

  private lost(error: unknown): void {
    if (this.state === "end") return;
    // An EventEmitter throws an 'error' nobody listens to; narwhal's own listeners are optional.
    if (this.listenerCount("error") > 0) this.emit("error", error);
    if (this.state === "reconnecting") return;
    const down = this.state === "ready" && this.native ? this.confirmDown(this.native) : true;
    if (down === true) return this.down();
    if (this.confirming) return;
    this.confirming = true;
    void down.then((confirmed) => {
      this.confirming = false;
      if (confirmed) this.down();
    });
  }

  /** The client has no usable connection: `end` (no reconnect), or `close` + `reconnecting` and PINGs until one is answered. */
  private down(): void {
    if (this.state === "end" || this.state === "reconnecting") return;
    if (!this.reconnect) return this.end();
    this.state = "reconnecting";
    this.emit("close");
    this.emit("reconnecting");
    this.scheduleProbe();
  }

  /**
   * Whether a connection failure means the client is down: `true` at once for a standalone
   * client (its one server failed); a cluster asks its masters first (glide-cluster.ts), since
   * one master's failure leaves the others serving their slots.
   */
  protected confirmDown(_native: GlideNative): true | Promise<boolean> {
    return true;
  }

  private scheduleProbe(): void {
    if (this.probe !== undefined || this.state !== "reconnecting") return;
    this.probe = setTimeout(() => {
      this.probe = undefined;
      const sent = this.native ? this.command(this.native, ["PING"], false) : this.open();
      sent.then(
        () => this.alive(),
        (error: unknown) => {
          if (!isConnectionFailure(error) && this.native) return this.alive();
          this.probeMs = Math.min(this.probeMs * 2, MAX_PROBE_MS);
          this.scheduleProbe();
        },
      );
    }, this.probeMs);
    this.probe.unref?.();
  }

  /** A MULTI (`atomic`) or pipeline on this client; on a cluster sent to `route`'s node (see glide-batch.ts). */
  protected batch(atomic: boolean, route?: (commands: ReadonlyArray<readonly Arg[]>) => GlideRoute | undefined): GlideBatch {
    return new GlideBatch(() => this.client(), atomic, this.failed, route, this.inflight.run);
  }

  /** Sends `args` (the name first), replies in RESP2 shapes; rejects with GLIDE's error (the connection events told). */
  protected send(args: readonly Arg[], binary: boolean, route?: GlideRoute): Promise<unknown> {
    const admitted = this.inflight.admit();
    if (admitted) return admitted.then(() => this.sendAdmitted(args, binary, route));
    return this.sendAdmitted(args, binary, route);
  }

  private sendAdmitted(args: readonly Arg[], binary: boolean, route: GlideRoute | undefined): Promise<unknown> {
    const native = this.client();
    if (!(native instanceof Promise)) return this.sendOn(native, args, binary, route);
    return native.then(
      (n) => this.sendOn(n, args, binary, route),
      (error: unknown) => {
        this.inflight.release();
        throw error;
      },
    );
  }

  private sendOn(native: GlideNative, args: readonly Arg[], binary: boolean, route: GlideRoute | undefined): Promise<unknown> {
    let sent: Promise<unknown>;
    try {
      sent = this.command(native, args, binary, route);
    } catch (error) {
      this.inflight.release();
      throw error;
    }
    return sent.then(
      (reply) => {
        this.inflight.release();
        if (this.state === "reconnecting") this.alive();
        return shaped(args as string[], toResp2(args, reply, binary));
      },
      (error: unknown) => {
        this.inflight.release();
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

  /** Closes the connection (GLIDE `close()`; commands still pending reject). */
  async quit(): Promise<unknown> {
    this.end();
    return "OK";
  }

  /** Closes the connection at once (GLIDE `close()`). */
  disconnect(): void {
    this.end();
  }

  protected end(): void {
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
