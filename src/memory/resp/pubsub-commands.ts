/**
 * SUBSCRIBE / PSUBSCRIBE / UNSUBSCRIBE / PUNSUBSCRIBE / PUBSUB for one connection: the
 * confirmations are written as push frames (RESP3) or arrays (RESP2), one per channel.
 */
import { Buffer } from "node:buffer";
import { ErrorReply, type Reply } from "../protocol";
import type { PubSubHub, Subscriber } from "./pubsub";
import { arity } from "./server-commands";

/** What these commands need from the connection. */
export interface PubSubClient extends Subscriber {
  readonly protocol: 2 | 3;
  /** Writes a confirmation frame. */
  confirm(items: Reply[]): void;
}

const count = (c: PubSubClient) => c.channels.size + c.patterns.size;

/** (P)SUBSCRIBE: undefined when the confirmations were written (no other reply), else an error. */
export function subscribe(hub: PubSubHub, c: PubSubClient, argv: readonly Buffer[], pattern: boolean): Reply | undefined {
  const kind = pattern ? "psubscribe" : "subscribe";
  if (argv.length < 2) return arity(kind);
  for (let i = 1; i < argv.length; i++) {
    hub.subscribe(c, argv[i]!, pattern);
    c.confirm([Buffer.from(kind), argv[i]!, count(c)]);
  }
  return undefined;
}

/** (P)UNSUBSCRIBE [channel …]: every channel when none is named. */
export function unsubscribe(hub: PubSubHub, c: PubSubClient, argv: readonly Buffer[], pattern: boolean): void {
  const kind = pattern ? "punsubscribe" : "unsubscribe";
  const own = pattern ? c.patterns : c.channels;
  const targets = argv.length > 1 ? argv.slice(1) : [...own].map((ch) => Buffer.from(ch, "latin1"));
  if (targets.length === 0) c.confirm([Buffer.from(kind), null, count(c)]);
  for (const channel of targets) {
    hub.unsubscribe(c, channel, pattern);
    c.confirm([Buffer.from(kind), channel, count(c)]);
  }
}

/** PUBSUB CHANNELS | NUMSUB | NUMPAT. */
export function pubsub(hub: PubSubHub, argv: readonly Buffer[]): Reply {
  const sub = (argv[1]?.toString() ?? "").toLowerCase();
  if (sub === "channels") return hub.channelNames(argv[2]?.toString("latin1"));
  if (sub === "numsub") return argv.slice(2).flatMap((ch) => [ch, hub.numsub(ch)]);
  if (sub === "numpat") return hub.numpat();
  return new ErrorReply(`ERR unknown subcommand '${argv[1]?.toString() ?? ""}'. Try PUBSUB HELP.`);
}
