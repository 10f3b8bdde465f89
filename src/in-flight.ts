/**
 * Settles the commands a connection loses. narwhal's ioredis clients never resend an
 * unanswered command after a reconnect (`autoResendUnfulfilledCommands: false`, see
 * client-safety.ts): a command Redis ran whose reply was lost would run twice. But ioredis
 * then drops such a command without settling it (it only times out, or never settles
 * without a `commandTimeout`). This tracker settles it at once when the connection closes,
 * with a {@link ConnectionError} whose `mayHaveApplied` is true: the caller learns the
 * outcome is unknown, and nothing is applied twice.
 *
 * A command queued while the client was not connected sits in ioredis's offline queue and is
 * sent once, after the reconnect: it is left alone until the client is ready again, from
 * which point it counts as written.
 */
import type { ClientLike } from "./client";
import { ConnectionError } from "./errors";

interface Entry {
  written: boolean;
  /** Settles the call as "may have applied". */
  readonly fail: () => void;
}

const trackers = new WeakMap<ClientLike, InFlight>();

export class InFlight {
  private readonly pending = new Set<Entry>();

  /** The tracker of `client`, shared by every Database on it (its listeners are added once). */
  static of(client: ClientLike, server: () => string): InFlight {
    let tracker = trackers.get(client);
    if (!tracker) trackers.set(client, (tracker = new InFlight(client, server)));
    return tracker;
  }

  private constructor(
    private readonly client: ClientLike,
    private readonly server: () => string,
  ) {
    client.on("close", () => this.connectionLost());
    // The offline queue is flushed onto the new connection when the client becomes ready.
    client.on("ready", () => {
      for (const entry of this.pending) entry.written = true;
    });
  }

  /** `sent`, settled early with a "may have applied" ConnectionError if its connection closes first. */
  track<T>(sent: Promise<T>, label: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        written: this.client.status === "ready",
        fail: () => reject(new ConnectionError(this.server(), `${label} failed: the connection closed before its reply arrived`, { mayHaveApplied: true })),
      };
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

  private connectionLost(): void {
    for (const entry of this.pending) {
      if (!entry.written) continue;
      this.pending.delete(entry);
      entry.fail();
    }
  }
}
