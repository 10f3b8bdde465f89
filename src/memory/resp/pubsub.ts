/**
 * The server's pub/sub hub: channel and pattern subscriptions per connection, PUBLISH fan-out
 * (`message` / `pmessage` frames), and the PUBSUB introspection counts.
 */
import { Buffer } from "node:buffer";
import { globMatch } from "../glob";

/** What the hub needs from a connection. */
export interface Subscriber {
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  /** Delivers a message frame (`message`/`pmessage` …) to the client. */
  deliver(frame: Buffer[]): void;
}

const key = (b: Buffer) => b.toString("latin1");

export class PubSubHub {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private readonly patterns = new Map<string, Set<Subscriber>>();

  subscribe(sub: Subscriber, channel: Buffer, pattern: boolean): void {
    const name = key(channel);
    const own = pattern ? sub.patterns : sub.channels;
    if (own.has(name)) return;
    own.add(name);
    const index = pattern ? this.patterns : this.channels;
    let set = index.get(name);
    if (!set) index.set(name, (set = new Set()));
    set.add(sub);
  }

  unsubscribe(sub: Subscriber, channel: Buffer | string, pattern: boolean): void {
    const name = typeof channel === "string" ? channel : key(channel);
    const own = pattern ? sub.patterns : sub.channels;
    if (!own.delete(name)) return;
    const index = pattern ? this.patterns : this.channels;
    const set = index.get(name);
    set?.delete(sub);
    if (set?.size === 0) index.delete(name);
  }

  /** Drops every subscription of a closing connection. */
  remove(sub: Subscriber): void {
    for (const c of [...sub.channels]) this.unsubscribe(sub, c, false);
    for (const p of [...sub.patterns]) this.unsubscribe(sub, p, true);
  }

  /** PUBLISH: returns how many clients received it. */
  publish(channel: Buffer, message: Buffer): number {
    const name = key(channel);
    let receivers = 0;
    for (const sub of this.channels.get(name) ?? []) {
      sub.deliver([Buffer.from("message"), channel, message]);
      receivers++;
    }
    for (const [pattern, subs] of this.patterns) {
      if (!globMatch(Buffer.from(pattern, "latin1"), channel)) continue;
      for (const sub of subs) {
        sub.deliver([Buffer.from("pmessage"), Buffer.from(pattern, "latin1"), channel, message]);
        receivers++;
      }
    }
    return receivers;
  }

  /** PUBSUB CHANNELS [pattern]. */
  channelNames(pattern?: string): Buffer[] {
    const glob = pattern === undefined ? undefined : Buffer.from(pattern, "latin1");
    return [...this.channels.keys()].map((c) => Buffer.from(c, "latin1")).filter((c) => glob === undefined || globMatch(glob, c));
  }

  numsub(channel: Buffer): number {
    return this.channels.get(key(channel))?.size ?? 0;
  }

  numpat(): number {
    return this.patterns.size;
  }
}
