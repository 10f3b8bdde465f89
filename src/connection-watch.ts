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
import { ConnectionError, NarwhalError } from "./errors";

interface Entry {
  /** The call's {@link ConnectionWatch.ticket}: whether (or from which reconnect on) it is on the wire. */
  readonly ticket: number;
  /** What the call is called in the error message (a command name is upper-cased only if it is lost). */
  readonly label: string;
  readonly upperCase: boolean;
  /** Settles the call with the "may have applied" error. */
  readonly reject: (error: Error) => void;
}

/** Statuses in which an ioredis client has no usable connection. */
function isDown(status: string): boolean {
  return status === "close" || status === "reconnecting" || status === "end";
}

const watches = new WeakMap<ClientLike, ConnectionWatch>();

/** The {@link ConnectionWatch.ticket} of a call made while the client is down: refuse it. */
export const DOWN_TICKET = -2;

/** What connection-watch.ts reads of an ioredis client's internals (ioredis 5 and 6) to settle lost commands. */
interface IoredisQueues {
  /** Commands written on the connection and not answered yet, oldest first. */
  readonly commandQueue?: { readonly length: number; peekAt(i: number): { command?: LostCommand } | undefined };
  readonly options?: { readonly enableAutoPipelining?: boolean };
}

interface LostCommand {
  readonly name: string;
  readonly promise: Promise<unknown>;
  reject(error: Error): void;
}

/** Marks the promise of a command narwhal sent directly on ioredis (see ConnectionWatch.sweeps). */
const OURS = Symbol("narwhal.direct");
type Marked = Promise<unknown> & { [OURS]?: boolean };

/** True when lost commands can be found in ioredis's own queue: `call` returns the queued command's promise (no auto-pipelining). */
function hasCommandQueue(client: ClientLike): boolean {
  const { commandQueue, options } = client as unknown as IoredisQueues;
  return typeof commandQueue?.peekAt === "function" && typeof commandQueue.length === "number" && options?.enableAutoPipelining !== true;
}

/**
 * The hot path (every command) is split so that a call pays only for what its client needs:
 * {@link ticket} before sending (a status read), {@link track} only for a client that drops
 * lost commands without settling them (ioredis; node-redis rejects them itself, see
 * `settlesLostCommands` in client.ts), and {@link failure} only when the call rejects.
 */
export class ConnectionWatch {
  private readonly pending = new Set<Entry>();
  private lastError: string | undefined;
  /** How many times the client became ready: a command queued offline is written at the next one. */
  private readies = 0;
  /** False for a client that rejects the commands a closed connection lost (nothing to track). */
  readonly tracks: boolean;
  /**
   * ioredis without auto-pipelining: a lost call is found in ioredis's `commandQueue` when the
   * connection closes (its promise carries {@link OURS}) and rejected there, so a call costs one
   * property store instead of a wrapper promise ({@link track}). (A WeakSet entry per call cost
   * ~1 µs of CPU at 100 in flight: ephemeron-table inserts and their GC.)
   */
  private readonly sweeps: boolean;

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
    this.tracks = client.settlesLostCommands !== true;
    this.sweeps = this.tracks && hasCommandQueue(client);
    client.on("error", (error: unknown) => {
      this.lastError = error instanceof Error ? error.message : String(error);
    });
    client.on("close", () => this.connectionLost());
    // The offline queue is written onto the new connection when the client becomes ready.
    client.on("ready", () => {
      this.lastError = undefined;
      this.readies++;
    });
    if (handshakeTimeoutMs !== undefined) this.boundHandshake(handshakeTimeoutMs);
  }

  /** True while the client has no connection: calls are refused at once. */
  get down(): boolean {
    return isDown(this.client.status);
  }

  /** The error refusing `label` while {@link down} (nothing was sent). */
  refusal(label: string): ConnectionError {
    const cause = this.lastError ? `last connection error: ${this.lastError}` : `client status "${this.client.status}"`;
    return new ConnectionError(this.server(), `${label} not sent: not connected (${cause})`);
  }

  /**
   * Taken just before sending (one status read): -1 when the client is ready (the command goes
   * on the wire now), {@link DOWN_TICKET} when it is {@link down} (refuse the call), else the
   * reconnect it waits for.
   */
  ticket(): number {
    const status = this.client.status;
    if (status === "ready") return -1;
    return isDown(status) ? DOWN_TICKET : this.readies;
  }

  /** True when a call sent with `ticket` has reached the wire (at once, or with the offline queue at a later ready). */
  private written(ticket: number): boolean {
    return ticket === -1 || ticket < this.readies;
  }

  /**
   * `sent`, settled with the "may have applied" error if the connection closes after it was
   * written: the client would otherwise never settle it. Only when {@link tracks}.
   */
  track<T>(sent: Promise<T>, ticket: number, label: string, upperCase = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = { ticket, label, upperCase, reject };
      this.pending.add(entry);
      sent.then(
        (value) => {
          this.pending.delete(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.pending.delete(entry);
          reject(error);
        },
      );
    });
  }

  /**
   * `sent` (a command `name` just sent with `ticket`), settled if its connection is lost:
   * found in ioredis's queue ({@link sweeps}), or {@link track}ed, or as it is when the client
   * settles lost commands itself.
   */
  follow<T>(sent: Promise<T>, ticket: number, name: string): Promise<T> {
    if (this.sweeps) {
      (sent as Marked)[OURS] = true;
      return sent;
    }
    return this.tracks ? this.track(sent, ticket, name, true) : sent;
  }

  /**
   * What a call labelled `label`, sent with `ticket`, failed with, when the client rejected
   * it with `error` (not an error reply): "may have applied" once written, else "not sent".
   */
  failure(error: unknown, ticket: number, label: string): Error {
    if (this.written(ticket)) return this.lost(label);
    return new ConnectionError(this.server(), `${label} not sent: ${this.lastError ?? (error instanceof Error ? error.message : String(error))}`, { cause: error });
  }

  private lost(label: string): ConnectionError {
    return new ConnectionError(this.server(), `${label} failed: the connection closed before its reply arrived`, { mayHaveApplied: true });
  }

  /** Sends through `send()` unless the client is down, and settles the call honestly (see above). */
  run<T>(send: () => Promise<T>, label: string): Promise<T> {
    const ticket = this.ticket();
    if (ticket === DOWN_TICKET) return Promise.reject(this.refusal(label));
    const sent = send();
    const settled = this.tracks ? this.track(sent, ticket, label) : sent;
    return settled.catch((error: unknown) => {
      throw error instanceof NarwhalError || isReplyError(error) ? error : this.failure(error, ticket, label);
    });
  }

  private connectionLost(): void {
    const queue = (this.client as unknown as IoredisQueues).commandQueue;
    // ioredis keeps the written, unanswered commands in its queue until it reconnects, then drops them unsettled.
    if (this.sweeps && queue !== undefined) {
      for (let i = 0; i < queue.length; i++) {
        const command = queue.peekAt(i)?.command;
        const promise = command?.promise as Marked | undefined;
        if (promise?.[OURS] !== true) continue;
        promise[OURS] = false;
        command!.reject(this.lost(command!.name.toUpperCase()));
      }
    }
    for (const entry of this.pending) {
      if (!this.written(entry.ticket)) continue;
      this.pending.delete(entry);
      entry.reject(this.lost(entry.upperCase ? entry.label.toUpperCase() : entry.label));
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
