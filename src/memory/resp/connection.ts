/**
 * One client connection: parses requests, runs them in order (awaiting a blocking command's
 * promise before the next), answers a pipelined burst with one write, and keeps the
 * connection's pub/sub state. A bad frame gets `-ERR Protocol error…` and closes only this client.
 */
import type { Socket } from "node:net";
import { ErrorReply, StatusReply, type Dispatcher, type Reply, type Session } from "../protocol";
import { RequestParser } from "./parser";
import type { PubSubHub, Subscriber } from "./pubsub";
import * as cmd from "./server-commands";
import { ReplyWriter } from "./writer";
import type { ClientEndpoint } from "../tracking";

export interface ConnectionHost {
  readonly dispatcher: Dispatcher;
  readonly hub: PubSubHub;
  info(): cmd.ServerInfo;
  clients(): cmd.ClientView[];
}

const NO_REPLY = Symbol("no reply");
type Outcome = Reply | Promise<Reply> | typeof NO_REPLY;

const SUBSCRIBED_ALLOWED = new Set(["subscribe", "psubscribe", "unsubscribe", "punsubscribe", "ssubscribe", "sunsubscribe", "ping", "quit", "reset"]);
const unknown = (r: Reply) => r instanceof ErrorReply && r.message.startsWith("ERR unknown command");
/** CLIENT subcommands the engine answers (client-side caching, KILL). */
const ENGINE_CLIENT = new Set(["tracking", "caching", "getredir", "trackinginfo", "kill"]);
const INVALIDATE_CHANNEL = Buffer.from("__redis__:invalidate");

export class Connection implements Subscriber, cmd.ClientView, ClientEndpoint {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly createdAt = Date.now();
  readonly address: string;
  readonly localAddress: string;
  private readonly parser = new RequestParser();
  private readonly writer = new ReplyWriter();
  private queue: Buffer[][] = [];
  private busy = false;
  private closing = false;

  constructor(
    private readonly socket: Socket,
    readonly session: Session,
    private readonly host: ConnectionHost,
  ) {
    this.address = `${socket.remoteAddress}:${socket.remotePort}`;
    this.localAddress = `${socket.localAddress}:${socket.localPort}`;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("drain", () => socket.resume());
    host.dispatcher.attachClient?.(session, this);
  }

  get subscribed(): boolean {
    return this.channels.size + this.patterns.size > 0;
  }

  /** CLIENT TRACKING: a RESP3 push, or (RESP2, redirected here, in pub/sub mode) a message on `__redis__:invalidate`. */
  invalidate(keys: readonly Buffer[] | null, redirected: boolean): void {
    if (this.closing) return;
    if (this.session.protocol === 3) this.writer.push([Buffer.from("invalidate"), keys], 3);
    else if (redirected && this.subscribed) this.writer.push([Buffer.from("message"), INVALIDATE_CHANNEL, keys], 2);
    else return;
    this.flush();
  }

  redirectBroken(id: number): void {
    if (this.closing || this.session.protocol !== 3) return;
    this.writer.push([Buffer.from("tracking-redir-broken"), id], 3);
    this.flush();
  }

  /** CLIENT KILL. */
  kill(): void {
    this.closing = true;
    this.socket.destroy();
  }

  get subscriptions(): number {
    return this.channels.size;
  }

  get patternCount(): number {
    return this.patterns.size;
  }

  private protocolError: string | undefined;

  private onData(chunk: Buffer): void {
    if (this.closing) return;
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
          const argv = batch[i]!;
          if (argv.length === 0) {
            this.writer.reply(new ErrorReply(`ERR ${this.protocolError ?? "Protocol error"}`), this.session.protocol);
            this.closing = true;
            break;
          }
          let outcome: Outcome;
          try {
            outcome = this.execute(argv);
          } catch (e) {
            // An engine bug must cost one reply, not the server.
            outcome = new ErrorReply(`ERR ${e instanceof Error ? e.message : String(e)}`);
          }
          if (outcome instanceof Promise) {
            this.flush();
            outcome = await outcome.catch((e: unknown) => new ErrorReply(`ERR ${e instanceof Error ? e.message : String(e)}`));
          }
          if (outcome !== NO_REPLY) this.writer.reply(outcome, this.session.protocol);
        }
      }
    } finally {
      this.flush();
      this.busy = false;
      if (this.closing) this.socket.end();
    }
  }

  private flush(): void {
    if (this.writer.length === 0 || this.socket.destroyed) return;
    if (!this.socket.write(this.writer.take())) this.socket.pause();
  }

  /** A pub/sub message: written at once (anything already in the writer precedes it, so order holds). */
  deliver(frame: Buffer[]): void {
    this.writer.push(frame, this.session.protocol);
    this.flush();
  }

  private execute(argv: Buffer[]): Outcome {
    const name = argv[0]!.toString("latin1").toLowerCase();
    const subscribed = this.channels.size + this.patterns.size > 0;
    if (subscribed && this.session.protocol === 2 && !SUBSCRIBED_ALLOWED.has(name)) {
      return new ErrorReply(
        `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      );
    }
    switch (name) {
      case "hello":
        return cmd.hello(argv, this);
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
        return this.subscribe(argv, name === "psubscribe");
      case "unsubscribe":
      case "punsubscribe":
        return this.unsubscribe(argv, name === "punsubscribe");
      case "publish":
        return argv.length === 3 ? this.host.hub.publish(argv[1]!, argv[2]!) : cmd.arity("publish");
      case "pubsub":
        return this.pubsub(argv);
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

  /** Asks the engine first (so PING/ECHO/SELECT queue inside MULTI when it implements them). */
  private withFallback(argv: Buffer[], fallback: () => Reply): Reply | Promise<Reply> {
    const r = this.host.dispatcher.dispatch(this.session, argv);
    if (r instanceof Promise) return r.then((v) => (unknown(v) ? fallback() : v));
    return unknown(r) ? fallback() : r;
  }

  /** RESET: leaves pub/sub, MULTI and WATCH, back to RESP2, db 0, no name. */
  private reset(): Reply {
    this.host.hub.remove(this);
    for (const name of ["DISCARD", "UNWATCH"]) {
      const r = this.host.dispatcher.dispatch(this.session, [Buffer.from(name)]);
      if (r instanceof Promise) r.catch(() => undefined);
    }
    this.session.protocol = 2;
    this.session.db = 0;
    this.session.name = undefined;
    return new StatusReply("RESET");
  }

  private subscribe(argv: Buffer[], pattern: boolean): Outcome {
    const kind = pattern ? "psubscribe" : "subscribe";
    if (argv.length < 2) return cmd.arity(kind);
    for (const channel of argv.slice(1)) {
      this.host.hub.subscribe(this, channel, pattern);
      this.writer.push([Buffer.from(kind), channel, this.channels.size + this.patterns.size], this.session.protocol);
    }
    return NO_REPLY;
  }

  private unsubscribe(argv: Buffer[], pattern: boolean): Outcome {
    const kind = pattern ? "punsubscribe" : "unsubscribe";
    const own = pattern ? this.patterns : this.channels;
    const targets = argv.length > 1 ? argv.slice(1) : [...own].map((c) => Buffer.from(c, "latin1"));
    if (targets.length === 0) {
      this.writer.push([Buffer.from(kind), null, this.channels.size + this.patterns.size], this.session.protocol);
    }
    for (const channel of targets) {
      this.host.hub.unsubscribe(this, channel, pattern);
      this.writer.push([Buffer.from(kind), channel, this.channels.size + this.patterns.size], this.session.protocol);
    }
    return NO_REPLY;
  }

  private pubsub(argv: Buffer[]): Reply {
    const sub = (argv[1]?.toString() ?? "").toLowerCase();
    if (sub === "channels") return this.host.hub.channelNames(argv[2]?.toString("latin1"));
    if (sub === "numsub") return argv.slice(2).flatMap((c) => [c, this.host.hub.numsub(c)]);
    if (sub === "numpat") return this.host.hub.numpat();
    return new ErrorReply(`ERR unknown subcommand '${argv[1]?.toString() ?? ""}'. Try PUBSUB HELP.`);
  }

  /** Called by the server when the socket closes. */
  closed(): void {
    this.closing = true;
    this.host.hub.remove(this);
  }
}
