/**
 * One client connection: parses requests, runs them in order (awaiting a blocking command's
 * promise before the next), answers a pipelined burst with one write at the end of the
 * event-loop turn (flush-before-sleep.ts, as Redis's beforeSleep), and keeps the
 * connection's pub/sub and authentication state. A bad frame gets `-ERR Protocol error…` and
 * closes only this client; a `POST`/`Host:` line (an HTTP request: cross-protocol scripting)
 * closes it at once, without its pending replies, as Redis does; output past
 * `client-output-buffer-limit` closes it too (connection-output.ts). Inside MULTI the commands
 * it answers itself are queued and run at EXEC (connection-multi.ts).
 */
import { Buffer } from "node:buffer";
import type { Socket } from "node:net";
import { ErrorReply, StatusReply, type Reply, type Session } from "../protocol";
import type { ClientEndpoint } from "../tracking";
import { commandName } from "../command-name";
import { NO_AUTH_COMMANDS, NOAUTH } from "./auth";
import { type CommandConnection, type ConnectionHost, connectionCommand, ENGINE_CLIENT, NO_REPLY, type Outcome, queuedCommand } from "./connection-commands";
import { ConnectionOutput } from "./connection-output";
import { MultiCalls, queuedByConnection } from "./connection-multi";
import { nilIsArray, QueuedNils } from "./null-array";
import { RequestParser } from "./parser";
import { flushBeforeSleep } from "./flush-before-sleep";
import * as cmd from "./server-commands";
import { OutputLimitError } from "./writer";
import { type ReplyMode, ReplySilencing } from "./client-reply";

/** Commands that block (CLIENT LIST flag `b`, INFO `blocked_clients`) when they answer with a promise. */
const BLOCKING = new Set(["blpop", "brpop", "blmove", "brpoplpush", "blmpop", "bzpopmin", "bzpopmax", "bzmpop", "xread", "xreadgroup"]);
/** Commands whose second argument names a subcommand in CLIENT LIST's `cmd=` (`client|list`). */
const CONTAINERS = new Set(["client", "config", "script", "xinfo", "xgroup", "object", "pubsub", "command", "memory", "function", "slowlog", "latency", "acl", "cluster"]);
const SUBSCRIBED_ALLOWED = new Set(["subscribe", "psubscribe", "unsubscribe", "punsubscribe", "ssubscribe", "sunsubscribe", "ping", "quit", "reset"]);
/** Replies are sent once this many bytes are waiting, even in the middle of a batch. */
const FLUSH_AT = 64 * 1024;
const INVALIDATE_CHANNEL = Buffer.from("__redis__:invalidate");
/** What the command loop waits for: a blocked command's reply, or room in the socket. */
interface Wait {
  readonly promise: Promise<void>;
  readonly blocked: boolean;
}
const errorOf = (e: unknown) => new ErrorReply(`ERR ${e instanceof Error ? e.message : String(e)}`);

export type { ConnectionHost } from "./connection-commands";

export class Connection implements CommandConnection, ClientEndpoint {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly createdAt = Date.now();
  readonly address: string;
  readonly localAddress: string;
  private readonly parser = new RequestParser();
  private readonly output: ConnectionOutput;
  private readonly nils = new QueuedNils();
  private readonly multi: MultiCalls;
  /** CLIENT REPLY OFF / SKIP (client-reply.ts). */
  private readonly silencing = new ReplySilencing();
  /** See ClientView. */
  blockedIn: string | undefined;
  lastCommand = "NULL";
  /** The last command when it was known and not a container (then lastCommand is its name). */
  private lastPlain: string | undefined;
  /** The protocol when the running EXEC started (a queued HELLO may change it while it runs). */
  private execProtocol: 2 | 3 = 2;
  private queue: Buffer[][] = [];
  private busy = false;
  private closing = false;
  private protocolError: string | undefined;
  /** In MONITOR mode (CLIENT LIST flag `O`). */
  monitoring = false;
  /** When the client last sent something (CLIENT LIST `idle`). */
  private lastInteraction = Date.now();
  /** Bytes received whose batch has not finished yet, as Redis's query buffer before it trims (CLIENT LIST `qbuf`). */
  private queryBytes = 0;
  /** The command running (or blocked), for CLIENT LIST `argv-mem`. */
  private currentArgv: readonly Buffer[] | undefined;
  /** @internal AUTH / HELLO AUTH succeeded (or no password is required). */
  authenticated: boolean;

  constructor(
    private readonly socket: Socket,
    readonly session: Session,
    /** @internal */
    readonly host: ConnectionHost,
  ) {
    this.address = `${socket.remoteAddress}:${socket.remotePort}`;
    this.localAddress = `${socket.localAddress}:${socket.localPort}`;
    this.authenticated = !host.settings.password.required;
    this.output = new ConnectionOutput(
      socket,
      () => (this.subscribed ? host.settings.outputLimits.pubsub : host.settings.outputLimits.normal),
      () => this.closeForOutputLimit(),
    );
    this.multi = new MultiCalls(host.dispatcher, session);
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

  get queuedCount(): number {
    return this.nils.count;
  }

  describe() {
    return this.host.dispatcher.describeClient?.(this.session);
  }

  /** CLIENT LIST's idle and buffer fields, as far as this server knows them (see ClientBuffers). */
  buffers(): cmd.ClientBuffers {
    let argvMem = 0;
    if (this.currentArgv) for (const a of this.currentArgv) argvMem += a.length;
    const writer = this.writer;
    return {
      idle: Math.floor((Date.now() - this.lastInteraction) / 1000),
      qbuf: this.queryBytes,
      argvMem,
      rbs: writer.capacity,
      rbp: writer.peak,
      obl: writer.length,
      oll: this.output.pendingWrites,
      omem: this.output.pendingBytes,
    };
  }

  /** Invalidations only append to this connection's ordered output (tracking.ts may send them mid-command). */
  readonly inline = true;

  /** CLIENT TRACKING: a RESP3 push, or (RESP2, redirected here, in pub/sub mode) a message on `__redis__:invalidate`. */
  invalidate(keys: readonly Buffer[] | null, redirected: boolean): void {
    if (this.session.protocol === 3) this.out(() => this.writer.push([Buffer.from("invalidate"), keys], 3));
    else if (redirected && this.subscribed) this.out(() => this.writer.push([Buffer.from("message"), INVALIDATE_CHANNEL, keys], 2));
  }

  redirectBroken(id: number): void {
    if (this.session.protocol === 3) this.out(() => this.writer.push([Buffer.from("tracking-redir-broken"), id], 3));
  }

  /** A MONITOR line (already rendered): written at once, like a pub/sub message. */
  deliverRaw(frame: Buffer): void {
    this.out(() => this.writer.bytes(frame));
  }

  /** A pub/sub message: written at once (anything already in the writer precedes it, so order holds). */
  deliver(frame: Buffer[]): void {
    this.out(() => this.writer.push(frame, this.session.protocol));
  }

  /** A subscription confirmation (written with the batch's replies, or kept for EXEC's array). */
  confirm(items: Reply[]): void {
    if (this.multi.capturing) this.multi.capturing.push(items);
    else this.writer.push(items, this.session.protocol);
  }

  private get writer() {
    return this.output.writer;
  }

  /** @internal QUIT: +OK, then the connection closes after this batch's replies. */
  quit(): void {
    if (!this.silencing.silenced) this.writer.reply(new StatusReply("OK"), this.session.protocol);
    this.closing = true;
  }

  /** CLIENT KILL of itself: the reply goes out, then the connection closes and nothing after it runs. */
  killAfterReply(): void {
    this.closeAfterReply = true;
  }

  private closeAfterReply = false;

  /** @internal CLIENT REPLY ON|OFF|SKIP. */
  replyMode(mode: ReplyMode): void {
    this.silencing.set(mode);
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
    this.host.stopMonitor(this);
  }

  /** Output outside the command loop (pub/sub, invalidations), flushed at once. */
  private out(render: () => void): void {
    if (this.closing) return;
    this.output.arm();
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
    this.lastInteraction = Date.now();
    this.queryBytes += chunk.length;
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

  /**
   * Runs the queued requests. Synchronous while no command blocks and the socket takes the
   * replies (the common case, no promise per read); otherwise continues in {@link resume}.
   */
  private drain(): void {
    if (this.busy) return;
    this.busy = true;
    let wait: Wait | undefined;
    try {
      wait = this.runQueued();
    } catch (error) {
      this.outputFailed(error);
    }
    if (wait === undefined) this.finishDrain();
    else void this.resume(wait);
  }

  /**
   * Runs requests until the queue is empty (undefined) or one must be awaited: a blocked
   * command (`blocked`) or a full socket. The requests after it go back to the queue's front.
   */
  private runQueued(): Wait | undefined {
    while (this.queue.length > 0 && !this.closing) {
      const batch = this.queue;
      this.queue = [];
      for (let i = 0; i < batch.length && !this.closing; i++) {
        const blocked = this.runOne(batch[i]!);
        const wait = blocked ? { promise: blocked, blocked: true } : this.afterCommand();
        if (wait !== undefined) {
          if (i + 1 < batch.length) this.queue = batch.slice(i + 1).concat(this.queue);
          return wait;
        }
      }
    }
    this.queryBytes = this.parser.pending; // Redis trims its query buffer once the read's commands ran
    return undefined;
  }

  /** After each command: flush a big reply buffer; a client that does not read its replies stops being read (bounded memory) until it does. */
  private afterCommand(): Wait | undefined {
    if (this.writer.length >= FLUSH_AT) this.flush();
    if (this.output.full && !this.closing) return { promise: this.output.writable(() => this.protocolError === undefined), blocked: false };
    return undefined;
  }

  /** The rest of {@link drain} once something had to be awaited. */
  private async resume(first: Wait): Promise<void> {
    try {
      let wait: Wait | undefined = first;
      while (wait !== undefined) {
        await wait.promise;
        wait = (wait.blocked ? this.afterCommand() : undefined) ?? this.runQueued();
      }
    } catch (error) {
      this.outputFailed(error);
    }
    this.finishDrain();
  }

  /** An output-limit error closes the client; any other error still flushes and frees the loop (as the `finally` it replaced), then propagates. */
  private outputFailed(error: unknown): void {
    if (!(error instanceof OutputLimitError)) {
      this.finishDrain();
      throw error;
    }
    this.closeForOutputLimit();
  }

  private finishDrain(): void {
    this.busy = false;
    if (!this.closing) return flushBeforeSleep(this);
    this.flush();
    // Like Redis's freeClient: close the descriptor once the replies are out, without waiting
    // for the peer's FIN — a peer that keeps writing (a desynced client) then gets a reset
    // instead of blocking forever on a half-closed socket nobody reads.
    if (!this.socket.destroyed) this.socket.end(() => this.socket.destroy());
  }

  /** Runs one request and writes its reply. Synchronous unless the command blocks. */
  private runOne(argv: Buffer[]): Promise<void> | undefined {
    if (argv.length === 0) {
      const error = new ErrorReply(`ERR ${this.protocolError ?? "Protocol error"}`);
      this.host.errors.count(error);
      this.writer.reply(error, this.session.protocol);
      this.closing = true;
      return undefined;
    }
    const name = commandName(argv[0]!);
    if (name === "exec") this.execProtocol = this.session.protocol;
    // A burst of one known, non-container command (the pipelined case) sets lastCommand once.
    if (name !== this.lastPlain) {
      const known = this.host.knows(name);
      const container = known && CONTAINERS.has(name);
      if (known) this.lastCommand = container && argv.length > 1 ? `${name}|${argv[1]!.toString("latin1").toLowerCase()}` : name;
      this.lastPlain = known && !container ? name : undefined;
    }
    let outcome: Outcome;
    this.currentArgv = argv;
    try {
      outcome = this.execute(name, argv);
    } catch (e) {
      outcome = errorOf(e); // an engine bug must cost one reply, not the server
    }
    if (outcome instanceof Promise) {
      this.flush();
      if (BLOCKING.has(name)) this.blockedIn = name;
      return outcome.catch(errorOf).then((reply) => {
        this.blockedIn = undefined;
        this.currentArgv = undefined;
        this.answer(name, argv.length, reply);
        this.silencing.commandDone();
      });
    }
    this.currentArgv = undefined;
    if (outcome !== NO_REPLY) this.answer(name, argv.length, outcome);
    this.silencing.commandDone();
    return undefined;
  }

  private answer(name: string, argc: number, reply: Reply): void {
    if (this.closing) return;
    this.output.arm();
    const proto = this.session.protocol;
    const status = reply instanceof StatusReply ? reply.value : undefined;
    this.host.errors.count(reply, name === "exec");
    if (this.silencing.silenced) return this.nils.observe(name, argc, status === "OK", status === "QUEUED");
    if (name === "exec" && Array.isArray(reply)) this.multi.render(this.writer, reply as readonly Reply[], this.execProtocol, this.nils.takeForExec());
    else this.writer.reply(reply, proto, reply === null && nilIsArray(name, argc));
    this.nils.observe(name, argc, status === "OK", status === "QUEUED");
    if (this.closeAfterReply) this.closing = true;
  }

  private flush(): void {
    this.output.flush();
  }

  /** @internal The end of the event-loop turn (flush-before-sleep.ts). */
  flushDeferred(): void {
    if (!this.closing) this.flush();
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
    const busy = this.host.dispatcher.refuseWhileBusy?.(argv, this.session); // a script past lua-time-limit: BUSY (engine's script-busy.ts)
    if (busy) return busy;
    if (this.subscribed && this.session.protocol === 2 && !SUBSCRIBED_ALLOWED.has(name)) {
      return new ErrorReply(
        `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      );
    }
    if (queuedByConnection(name) && !(name === "client" && ENGINE_CLIENT.has(argv[1]?.toString("latin1").toLowerCase() ?? ""))) {
      const queued = this.multi.queue(name, argv, () => queuedCommand(this, name, argv));
      if (queued !== undefined) return queued;
    }
    return connectionCommand(this, name, argv);
  }
}
