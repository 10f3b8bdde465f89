/**
 * Watches one standalone ioredis client for narwhal (shared by every Database on it) and
 * settles every command narwhal sends through it with an honest outcome:
 *
 * - **Fail fast while down.** When the client has lost its connection (status `close`,
 *   `reconnecting` or `end`), a call is refused at once with a {@link ConnectionError} naming
 *   the server and the last connection error, instead of queueing behind a growing retry
 *   backoff (issue 10). Nothing was sent: `mayHaveApplied` is false.
 * - **Lost replies.** narwhal's clients never resend an unanswered command after a reconnect
 *   (client-safety.ts), and ioredis then drops such a command without settling it. When the
 *   connection closes, every command that had been written is settled at once with
 *   `mayHaveApplied: true`: Redis may have run it, and nothing runs it twice (issue 9).
 * - **Never sent.** A command still in ioredis's offline queue (written nowhere yet) that
 *   fails — the queue flushed, a timeout — is reported with `mayHaveApplied: false`.
 * - **A server that accepts and never answers** (clients narwhal owns): if the handshake does
 *   not finish within `connectTimeout`, the connection is dropped and retried, so the client
 *   counts as down instead of queueing every call until its command timeout.
 */
import type { ClientLike } from "./client";
import { isReplyError } from "./client-errors";
import { ConnectionError } from "./errors";

interface Entry {
  /** True once the command is on the wire (it may run even if its reply is lost). */
  written: boolean;
  /** Settles the call as "may have applied". */
  readonly lose: () => void;
}

/** Statuses in which an ioredis client has no usable connection. */
const DOWN = new Set(["close", "reconnecting", "end"]);

const watches = new WeakMap<ClientLike, ConnectionWatch>();

export class ConnectionWatch {
  private readonly pending = new Set<Entry>();
  private lastError: string | undefined;

  /** The watch of `client`, shared by every Database on it (its listeners are added once). */
  static of(client: ClientLike, server: () => string, handshakeTimeoutMs?: number): ConnectionWatch {
    let watch = watches.get(client);
    if (!watch) watches.set(client, (watch = new ConnectionWatch(client, server, handshakeTimeoutMs)));
    return watch;
  }

  private constructor(
    private readonly client: ClientLike,
    private readonly server: () => string,
    handshakeTimeoutMs: number | undefined,
  ) {
    client.on("error", (error: unknown) => {
      this.lastError = error instanceof Error ? error.message : String(error);
    });
    client.on("close", () => this.connectionLost());
    // The offline queue is written onto the new connection when the client becomes ready.
    client.on("ready", () => {
      this.lastError = undefined;
      for (const entry of this.pending) entry.written = true;
    });
    if (handshakeTimeoutMs !== undefined) this.boundHandshake(handshakeTimeoutMs);
  }

  /** True while the client has no connection: calls are refused at once. */
  get down(): boolean {
    return DOWN.has(this.client.status);
  }

  /** Sends through `send()` unless the client is down, and settles the call honestly (see above). */
  run<T>(send: () => Promise<T>, label: string): Promise<T> {
    if (this.down) {
      const cause = this.lastError ? `last connection error: ${this.lastError}` : `client status "${this.client.status}"`;
      return Promise.reject(new ConnectionError(this.server(), `${label} not sent: not connected (${cause})`));
    }
    const written = this.client.status === "ready";
    const sent = send();
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        written,
        lose: () => reject(new ConnectionError(this.server(), `${label} failed: the connection closed before its reply arrived`, { mayHaveApplied: true })),
      };
      this.pending.add(entry);
      sent.then(
        (value) => {
          this.pending.delete(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.pending.delete(entry);
          if (isReplyError(error)) reject(error);
          else if (entry.written) entry.lose();
          else reject(new ConnectionError(this.server(), `${label} not sent: ${this.lastError ?? (error instanceof Error ? error.message : String(error))}`, { cause: error }));
        },
      );
    });
  }

  private connectionLost(): void {
    for (const entry of this.pending) {
      if (!entry.written) continue;
      this.pending.delete(entry);
      entry.lose();
    }
  }

  /** Drops a connection whose handshake (ready check) does not finish in time, so it is retried. */
  private boundHandshake(ms: number): void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const clear = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    };
    this.client.on("connect", () => {
      clear();
      timer = setTimeout(() => {
        timer = undefined;
        if (this.client.status !== "connect") return;
        this.lastError = `no reply to the connection handshake within ${ms} ms`;
        (this.client as unknown as { disconnect(reconnect?: boolean): void }).disconnect(true);
      }, ms);
      timer.unref?.();
    });
    this.client.on("ready", clear);
    this.client.on("close", clear);
    this.client.on("end", clear);
  }
}
