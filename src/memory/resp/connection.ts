/**
 * One client connection: parses requests, runs them in order (awaiting a blocking command's
 * promise before the next), answers a pipelined burst with one write, and keeps the
 * connection's pub/sub and authentication state. A bad frame gets `-ERR Protocol error…` and
 * closes only this client; a `POST`/`Host:` line (an HTTP request: cross-protocol scripting)
 * closes it at once, without its pending replies, as Redis does; output past
 * `client-output-buffer-limit` closes it too.
 */
import type { Socket } from "node:net";
import { ErrorReply, StatusReply, type Dispatcher, type Reply, type Session } from "../protocol";
import type { ClientEndpoint } from "../tracking";
import { auth, NO_AUTH_COMMANDS, NOAUTH } from "./auth";
import { nilIsArray, QueuedNils } from "./null-array";
import { OutputLimitCheck, UNLIMITED_REPLY_CAP } from "./output-limits";
import { RequestParser } from "./parser";
import type { PubSubHub } from "./pubsub";
import * as ps from "./pubsub-commands";
import * as cmd from "./server-commands";
import type { ServeSettings } from "./settings";
import { OutputLimitError, ReplyWriter } from "./writer";

export interface ConnectionHost {
  readonly dispatcher: Dispatcher;
  readonly hub: PubSubHub;
  readonly settings: ServeSettings;
  info(): cmd.ServerInfo;
  clients(): cmd.ClientView[];
  /** True when the dispatcher (or the server) knows the command: NOAUTH goes to known commands only, as in Redis. */
  knows(name: string): boolean;
  /** Redis's warning-level log line. */
  warn(message: string): void;
  /** A `POST`/`Host:` command arrived (logged at most once a minute, as Redis does). */
  securityAttack(): void;
}

const NO_REPLY = Symbol("no reply");
type Outcome = Reply | Promise<Reply> | typeof NO_REPLY;

const SUBSCRIBED_ALLOWED = new Set(["subscribe", "psubscribe", "unsubscribe", "punsubscribe", "ssubscribe", "sunsubscribe", "ping", "quit", "reset"]);
const unknown = (r: Reply) => r instanceof ErrorReply && r.message.startsWith("ERR unknown command");
/** CLIENT subcommands the engine answers (client-side caching, KILL). */
const ENGINE_CLIENT = new Set(["tracking", "caching", "getredir", "trackinginfo", "kill"]);
const INVALIDATE_CHANNEL = Buffer.from("__redis__:invalidate");
/** Replies are sent once this many bytes are waiting, even in the middle of a batch. */
const FLUSH_AT = 64 * 1024;
const errorOf = (e: unknown) => new ErrorReply(`ERR ${e instanceof Error ? e.message : String(e)}`);

export class Connection implements ps.PubSubClient, cmd.ClientView, ClientEndpoint {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly createdAt = Date.now();
  readonly address: string;
  readonly localAddress: string;
  private readonly parser = new RequestParser();
  private readonly writer = new ReplyWriter();
  private readonly limitCheck = new OutputLimitCheck();
  private readonly nils = new QueuedNils();
  private queue: Buffer[][] = [];
  private busy = false;
  private closing = false;
  private protocolError: string | undefined;
  private authenticated: boolean;

  constructor(
    private readonly socket: Socket,
    readonly session: Session,
    private readonly host: ConnectionHost,
  ) {
    this.address = `${socket.remoteAddress}:${socket.remotePort}`;
    this.localAddress = `${socket.localAddress}:${socket.localPort}`;
    this.authenticated = !host.settings.password.required;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    host.dispatcher.attachClient?.(session, this);
  }

  get subscribed(): boolean {
    return this.channels.size + this.patterns.size > 0;
  }

  get protocol(): 2 | 3 {
    return this.session.protocol;
  }

  get subscriptions(): number {
    return this.channels.size;
  }

  get patternCount(): number {
    return this.patterns.size;
  }

  /** CLIENT TRACKING: a RESP3 push, or (RESP2, redirected here, in pub/sub mode) a message on `__redis__:invalidate`. */
  invalidate(keys: readonly Buffer[] | null, redirected: boolean): void {
    if (this.session.protocol === 3) this.out(() => this.writer.push([Buffer.from("invalidate"), keys], 3));
    else if (redirected && this.subscribed) this.out(() => this.writer.push([Buffer.from("message"), INVALIDATE_CHANNEL, keys], 2));
  }

  redirectBroken(id: number): void {
    if (this.session.protocol === 3) this.out(() => this.writer.push([Buffer.from("tracking-redir-broken"), id], 3));
  }

  /** A pub/sub message: written at once (anything already in the writer precedes it, so order holds). */
  deliver(frame: Buffer[]): void {
    this.out(() => this.writer.push(frame, this.session.protocol));
  }

  /** A subscription confirmation (written with the batch's replies). */
  confirm(items: Reply[]): void {
    this.writer.push(items, this.session.protocol);
  }

  /** CLIENT KILL. */
  kill(): void {
    this.closing = true;
    this.socket.destroy();
  }

  /** Called by the server when the socket closes. */
  closed(): void {
    this.closing = true;
    this.host.hub.remove(this);
  }

  /** Output outside the command loop (pub/sub, invalidations), flushed at once. */
  private out(render: () => void): void {
    if (this.closing) return;
    this.armLimit();
    try {
      render();
    } catch (error) {
      if (!(error instanceof OutputLimitError)) throw error;
      return this.closeForOutputLimit();
    }
    this.flush();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.parser.unauthenticated = !this.authenticated;
    this.parser.maxBulkLen = this.host.settings.protoMaxBulkLen;
    const { requests, error } = this.parser.push(chunk);
    for (const argv of requests) this.queue.push(argv);
    if (error !== undefined) {
      this.queue.push([]); // marks where the bad frame was: the commands before it still run
      this.protocolError = error;
      this.socket.pause();
    }
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closing) {
        const batch = this.queue;
        this.queue = [];
        for (let i = 0; i < batch.length && !this.closing; i++) {
          const blocked = this.runOne(batch[i]!);
          if (blocked) await blocked;
          if (this.writer.length >= FLUSH_AT) this.flush();
          // A client that does not read its replies stops being read (bounded memory) until it does.
          if (this.socket.writableNeedDrain && !this.closing) await this.writable();
        }
      }
    } catch (error) {
      if (!(error instanceof OutputLimitError)) throw error;
      this.closeForOutputLimit();
    } finally {
      this.flush();
      this.busy = false;
      if (this.closing && !this.socket.destroyed) this.socket.end();
    }
  }

  /** Runs one request and writes its reply. Synchronous unless the command blocks. */
  private runOne(argv: Buffer[]): Promise<void> | undefined {
    if (argv.length === 0) {
      this.writer.reply(new ErrorReply(`ERR ${this.protocolError ?? "Protocol error"}`), this.session.protocol);
      this.closing = true;
      return undefined;
    }
    const name = argv[0]!.toString("latin1").toLowerCase();
    let outcome: Outcome;
    try {
      outcome = this.execute(name, argv);
    } catch (e) {
      outcome = errorOf(e); // an engine bug must cost one reply, not the server
    }
    if (outcome instanceof Promise) {
      this.flush();
      return outcome.catch(errorOf).then((reply) => this.answer(name, argv.length, reply));
    }
    if (outcome !== NO_REPLY) this.answer(name, argv.length, outcome);
    return undefined;
  }

  private answer(name: string, argc: number, reply: Reply): void {
    if (this.closing) return;
    this.armLimit();
    const proto = this.session.protocol;
    const status = reply instanceof StatusReply ? reply.value : undefined;
    if (name === "exec" && Array.isArray(reply)) this.writer.replyItems(reply as readonly Reply[], proto, this.nils.takeForExec());
    else this.writer.reply(reply, proto, reply === null && nilIsArray(name, argc));
    this.nils.observe(name, argc, status === "OK", status === "QUEUED");
  }

  /** Stops reading and resolves when the socket can take more (or is gone). */
  private writable(): Promise<void> {
    this.socket.pause();
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off("drain", done);
        this.socket.off("close", done);
        if (this.protocolError === undefined) this.socket.resume();
        resolve();
      };
      this.socket.on("drain", done);
      this.socket.on("close", done);
    });
  }

  private flush(): void {
    if (this.writer.length === 0 || this.socket.destroyed) return;
    this.socket.write(this.writer.take());
    if (this.limitCheck.exceeded(this.outputLimit(), this.socket.writableLength)) this.closeForOutputLimit();
  }

  private outputLimit() {
    return this.subscribed ? this.host.settings.outputLimits.pubsub : this.host.settings.outputLimits.normal;
  }

  /** The writer may take what is left under the hard limit (or the cap for a single batch when there is none). */
  private armLimit(): void {
    const hard = this.outputLimit().hard;
    this.writer.limit = hard > 0 ? Math.max(0, hard - this.socket.writableLength) : UNLIMITED_REPLY_CAP;
  }

  private closeForOutputLimit(): void {
    if (this.closing && this.socket.destroyed) return;
    this.host.warn(`Client ${cmd.clientDescription(this)} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    this.abort();
  }

  /** Closes at once, without the replies not yet sent. */
  private abort(): void {
    this.closing = true;
    this.writer.discard();
    this.queue = [];
    this.socket.destroy();
  }

  private execute(name: string, argv: Buffer[]): Outcome {
    if (name === "post" || name === "host:") {
      this.host.securityAttack();
      this.abort();
      return NO_REPLY;
    }
    if (!this.authenticated && !NO_AUTH_COMMANDS.has(name) && this.host.knows(name)) return NOAUTH;
    const busy = this.host.dispatcher.refuseWhileBusy?.(argv); // a script past lua-time-limit: BUSY (engine's script-busy.ts)
    if (busy) return busy;
    const subscribed = this.subscribed;
    if (subscribed && this.session.protocol === 2 && !SUBSCRIBED_ALLOWED.has(name)) {
      return new ErrorReply(
        `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      );
    }
    switch (name) {
      case "auth": {
        const { reply, ok } = auth(argv, this.host.settings.password);
        if (ok) this.authenticated = true;
        return reply;
      }
      case "hello":
        return cmd.hello(argv, this, this.helloAuth());
      case "quit":
        this.writer.reply(new StatusReply("OK"), this.session.protocol);
        this.closing = true;
        return NO_REPLY;
      case "client":
        if (ENGINE_CLIENT.has(argv[1]?.toString("latin1").toLowerCase() ?? "")) return this.host.dispatcher.dispatch(this.session, argv);
        return cmd.client(argv, this, () => this.host.clients());
      case "info":
        return cmd.info(argv, this.host.info());
      case "command":
        return cmd.command(argv);
      case "subscribe":
      case "psubscribe":
        return ps.subscribe(this.host.hub, this, argv, name === "psubscribe") ?? NO_REPLY;
      case "unsubscribe":
      case "punsubscribe":
        ps.unsubscribe(this.host.hub, this, argv, name === "punsubscribe");
        return NO_REPLY;
      case "publish":
        return argv.length === 3 ? this.host.hub.publish(argv[1]!, argv[2]!) : cmd.arity("publish");
      case "pubsub":
        return ps.pubsub(this.host.hub, argv);
      case "reset":
        return this.reset();
      case "ping":
        if (subscribed && this.session.protocol === 2) return [Buffer.from("pong"), argv[1] ?? Buffer.alloc(0)];
        return this.withFallback(argv, () => cmd.ping(argv));
      case "echo":
        return this.withFallback(argv, () => cmd.echo(argv));
      case "select":
        return this.withFallback(argv, () => cmd.select(argv, this.session));
      default:
        return this.host.dispatcher.dispatch(this.session, argv);
    }
  }

  private helloAuth(): cmd.HelloAuth {
    const password = this.host.settings.password;
    // A getter: HELLO reads it after login() ran.
    const connection = this;
    return {
      get authenticated() {
        return connection.authenticated;
      },
      login: (user, pass) => {
        if (!password.check(user, pass)) return false;
        this.authenticated = true;
        return true;
      },
    };
  }

  /** Asks the engine first (so PING/ECHO/SELECT queue inside MULTI when it implements them). */
  private withFallback(argv: Buffer[], fallback: () => Reply): Reply | Promise<Reply> {
    const r = this.host.dispatcher.dispatch(this.session, argv);
    if (r instanceof Promise) return r.then((v) => (unknown(v) ? fallback() : v));
    return unknown(r) ? fallback() : r;
  }

  /** RESET: leaves pub/sub, MULTI and WATCH, back to RESP2, db 0, no name, and (with a password) not authenticated. */
  private reset(): Reply {
    this.host.hub.remove(this);
    for (const name of ["DISCARD", "UNWATCH"]) {
      const r = this.host.dispatcher.dispatch(this.session, [Buffer.from(name)]);
      if (r instanceof Promise) r.catch(() => undefined);
    }
    this.session.protocol = 2;
    this.session.db = 0;
    this.session.name = undefined;
    this.authenticated = !this.host.settings.password.required;
    return new StatusReply("RESET");
  }
}
