/**
 * A single RESP2 connection of narwhal's own, for the one job a client library cannot always
 * do: receive CLIENT TRACKING invalidations. Valkey GLIDE allows pub/sub only on RESP3, where
 * Redis sends invalidations as `invalidate` pushes that GLIDE drops, and it reconnects without
 * telling; so on GLIDE the local tiers' invalidation connection (cache/tracking-connection.ts)
 * is this one instead, opened from the GLIDE client's own configuration (address, TLS,
 * credentials).
 *
 * It offers the slice of ioredis that tracking-connection.ts uses: `call` (commands answered
 * in order), `subscribe`, ioredis's events (`connect`, `ready`, `error`, `close`, `end`,
 * `message`/`messageBuffer` for pub/sub messages) and `status`, `disconnect`, `stream`.
 * It never reconnects: a lost connection emits `close` then `end` and rejects what was
 * pending; the caller opens a new one (and so re-enables tracking, which a reconnect loses).
 */
import { EventEmitter } from "node:events";
import { connect as connectTcp, isIP, type Socket } from "node:net";
import { connect as connectTls, type ConnectionOptions as TlsOptions } from "node:tls";
import { Resp2Parser, Resp2ReplyError, type Resp2Reply } from "./resp2-replies";

export interface Resp2ConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** TLS: true for the platform's defaults, or node:tls options (servername defaults to `host` when it is a name; an IP address is never sent as SNI, which RFC 6066 forbids). */
  readonly tls?: boolean | TlsOptions;
  /** AUTH [username] password, sent first when `password` is set. */
  readonly username?: string;
  readonly password?: string;
  /** ms until the TCP (and TLS) connection must be up; the connection fails after it. Default 5000. */
  readonly connectTimeout?: number;
}

type Status = "connecting" | "connect" | "ready" | "end";

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Bytes of one command in RESP2 (a multi-bulk of bulk strings). */
function encode(args: ReadonlyArray<string | number | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const bytes = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}
const CRLF = Buffer.from("\r\n");

/** A reply as ioredis's `call` gives it: bulk strings as text, arrays element-wise. */
function asText(reply: Resp2Reply): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString("utf8");
  if (Array.isArray(reply)) return reply.map(asText);
  return reply;
}

export class Resp2Connection extends EventEmitter {
  private readonly socket: Socket;
  private readonly parser = new Resp2Parser();
  private readonly pending: Pending[] = [];
  private statusValue: Status = "connecting";
  private subscribed = false;
  private closed = false;

  constructor(readonly options: Resp2ConnectionOptions) {
    super();
    const { host, port, tls } = options;
    // SNI carries host names only (RFC 6066); Node warns (DEP0123) when given an IP address.
    const servername = isIP(host) === 0 ? { servername: host } : {};
    this.socket = tls ? connectTls({ host, port, ...servername, ...(typeof tls === "object" ? tls : {}) }) : connectTcp({ host, port });
    this.socket.setNoDelay(true);
    const timer = setTimeout(() => this.fail(new Error(`connect to ${host}:${port} timed out after ${options.connectTimeout ?? 5000} ms`)), options.connectTimeout ?? 5000);
    timer.unref?.();
    this.socket.once(tls ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      this.statusValue = "connect";
      this.emit("connect");
      if (options.password !== undefined) {
        const auth = options.username !== undefined ? [options.username, options.password] : [options.password];
        this.call("AUTH", ...auth).catch((error: Error) => this.fail(error));
      }
      // Ready once the socket is up: AUTH, if any, is answered before any later command.
      this.statusValue = "ready";
      this.emit("ready");
    });
    this.socket.on("data", (chunk: Buffer) => this.read(chunk));
    this.socket.on("error", (error) => this.fail(error));
    this.socket.on("close", () => {
      clearTimeout(timer);
      this.fail(new Error("connection closed"));
    });
  }

  /** ioredis's status names: `connecting`, `connect`, `ready`, `end`. */
  get status(): string {
    return this.statusValue;
  }

  /** The socket (tracking-connection.ts unrefs it: it never keeps the process alive). */
  get stream(): Socket {
    return this.socket;
  }

  /** Sends a command; resolves with its reply (bulk strings as text), rejects on an error reply. */
  call(command: string, ...args: Array<string | number | Buffer>): Promise<unknown> {
    return this.send([command, ...args]).then(asText);
  }

  /** `call` with bulk strings left as Buffers. */
  callBuffer(command: string, ...args: Array<string | number | Buffer>): Promise<unknown> {
    return this.send([command, ...args]);
  }

  /** SUBSCRIBE: resolves with the subscription count; messages then arrive as `message`/`messageBuffer` events. */
  subscribe(...channels: string[]): Promise<unknown> {
    this.subscribed = true;
    // One confirmation per channel, in order: the last one carries the count.
    const confirmations = channels.map((_, i) => (i === 0 ? this.send(["SUBSCRIBE", ...channels]) : this.expect()));
    return Promise.all(confirmations).then((replies) => {
      const last = replies[replies.length - 1] as Resp2Reply[] | undefined;
      return last?.[2];
    });
  }

  /** Closes the connection at once: what is pending is rejected, `close` then `end` are emitted. */
  disconnect(): void {
    this.fail(new Error("connection closed by disconnect()"));
  }

  /** QUIT, then close; resolves when closed. */
  quit(): Promise<unknown> {
    if (this.closed) return Promise.resolve("OK");
    const done = this.call("QUIT").catch(() => "OK");
    return done.finally(() => this.disconnect());
  }

  private send(args: ReadonlyArray<string | number | Buffer>): Promise<Resp2Reply> {
    if (this.closed) return Promise.reject(new Error("connection is closed"));
    const reply = this.expect();
    this.socket.write(encode(args));
    return reply;
  }

  /** A promise for the next reply in order (a command already sent, or another reply of a multi-reply command). */
  private expect(): Promise<Resp2Reply> {
    return new Promise<Resp2Reply>((resolve, reject) => {
      this.pending.push({ resolve: resolve as (value: unknown) => void, reject });
    }).then((reply) => {
      if (reply instanceof Resp2ReplyError) throw reply;
      return reply;
    });
  }

  private read(chunk: Buffer): void {
    let replies: Resp2Reply[];
    try {
      replies = this.parser.feed(chunk);
    } catch (error) {
      return this.fail(error as Error);
    }
    for (const reply of replies) {
      if (this.subscribed && this.isMessage(reply)) continue;
      const waiter = this.pending.shift();
      if (waiter === undefined) return this.fail(new Error("reply without a command: the connection is out of step"));
      waiter.resolve(reply);
    }
  }

  /** A pub/sub message (`message`, `pmessage`): emitted, not taken for a reply. */
  private isMessage(reply: Resp2Reply): boolean {
    if (!Array.isArray(reply) || !Buffer.isBuffer(reply[0])) return false;
    const kind = reply[0].toString("latin1");
    if (kind === "message" && reply.length === 3) {
      const [, channel, payload] = reply as [Buffer, Buffer, Resp2Reply];
      this.emit("messageBuffer", channel, payload);
      this.emit("message", channel.toString("utf8"), asText(payload));
      return true;
    }
    if (kind === "pmessage" && reply.length === 4) {
      const [, pattern, channel, payload] = reply as [Buffer, Buffer, Buffer, Resp2Reply];
      this.emit("pmessageBuffer", pattern, channel, payload);
      this.emit("pmessage", pattern.toString("utf8"), channel.toString("utf8"), asText(payload));
      return true;
    }
    return false;
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.statusValue = "end";
    this.socket.destroy();
    for (const waiter of this.pending.splice(0)) waiter.reject(error);
    // An error event without a listener would throw (EventEmitter); tracking-connection listens.
    if (this.listenerCount("error") > 0 && error.message !== "connection closed by disconnect()") this.emit("error", error);
    this.emit("close");
    this.emit("end");
  }
}
