/**
 * Commands the RESP server answers itself (PUBLISH, INFO, CLIENT…, HELLO, (P)SUBSCRIBE…)
 * inside MULTI, as Redis 7.0 does (checked against redis-server 7.0.15): they are queued
 * (`+QUEUED`) after Redis's queue-time checks (arity, unknown subcommand: an error, and EXEC
 * then answers EXECABORT), and run at EXEC in queue order through the engine's
 * {@link Dispatcher.queueCall}, their reply in EXEC's array. Two of Redis's quirks are kept:
 * a (P)(UN)SUBSCRIBE item is its confirmation frames (one per channel, so `SUBSCRIBE a b`
 * puts two frames where EXEC's header counts one item), and items after a HELLO are rendered
 * in the protocol it chose (HELLO's own map too). RESET, QUIT, WATCH and MULTI run at once.
 */
import { ErrorReply, type Dispatcher, type QueuedCall, type Reply, type Session } from "../protocol";
import { arity } from "./server-commands";
import type { ReplyWriter } from "./writer";

/** Connection commands queued inside MULTI (engine ones — PING, ECHO, SELECT, CLIENT TRACKING… — queue in the engine). */
export const QUEUED_BY_CONNECTION = new Set(["auth", "hello", "client", "info", "command", "subscribe", "psubscribe", "unsubscribe", "punsubscribe", "publish", "pubsub", "ping", "monitor"]);

/** Redis 7.0's arity of the commands and subcommands above (n: exactly n arguments, -n: at least n). */
const ARITY: Record<string, number> = {
  auth: -2, hello: -1, info: -1, command: -1, subscribe: -2, psubscribe: -2, unsubscribe: -1, punsubscribe: -1, publish: 3, ping: -1,
  client: -2, pubsub: -2, monitor: 1,
};
const SUBCOMMANDS: Record<string, Record<string, number>> = {
  // Every CLIENT subcommand of Redis 7.0 (the ones the server lacks then answer an error at EXEC, as they do outside MULTI).
  client: {
    caching: 3, getname: 2, getredir: 2, help: 2, id: 2, info: 2, kill: -3, list: -2, "no-evict": 3, pause: -3, reply: 3,
    setname: 3, tracking: -3, trackinginfo: 2, unblock: -3, unpause: 2, setinfo: 4, "no-touch": 3,
  },
  pubsub: { channels: -2, help: 2, numpat: 2, numsub: -2, shardchannels: -2, shardnumsub: -2 },
};

const arityOk = (n: number, argc: number) => (n >= 0 ? argc === n : argc >= -n);

let lastName = "";
let lastQueued = false;

/** `QUEUED_BY_CONNECTION.has(name)`, remembered for the last name: a pipelined burst repeats one. */
export function queuedByConnection(name: string): boolean {
  if (name !== lastName) {
    lastName = name;
    lastQueued = QUEUED_BY_CONNECTION.has(name);
  }
  return lastQueued;
}

/** Redis's queue-time check of a connection command: undefined when it may be queued. */
export function queueTimeError(name: string, argv: readonly Buffer[]): ErrorReply | undefined {
  if (!arityOk(ARITY[name] ?? -1, argv.length)) return arity(name);
  const subs = SUBCOMMANDS[name];
  if (!subs) return undefined;
  const raw = argv[1]!.toString("latin1");
  const sub = raw.toLowerCase();
  const n = subs[sub];
  if (n === undefined) return new ErrorReply(`ERR unknown subcommand '${raw.slice(0, 128)}'. Try ${name.toUpperCase()} HELP.`);
  return arityOk(n, argv.length) ? undefined : arity(`${name}|${sub}`);
}

/** How an EXEC item differs from a plain reply. */
interface Extra {
  /** Confirmation frames written in the item's place ((P)(UN)SUBSCRIBE). */
  readonly frames?: Reply[][];
  /** The protocol after the command ran (HELLO may change it): this item and the next ones use it. */
  readonly protocol: 2 | 3;
}

/** Builds the queued calls of one connection and renders EXEC's reply with their frames and protocol changes. */
export class MultiCalls {
  private readonly extras = new WeakMap<object, Extra>();
  /** While a queued (P)(UN)SUBSCRIBE runs: where its confirmations go instead of the writer. */
  capturing: Reply[][] | null = null;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly session: Session,
  ) {}

  /**
   * Inside MULTI: queues `run` (Redis's checks first) and returns `+QUEUED` or the queue-time
   * error; undefined when not in MULTI (or the dispatcher has no MULTI), so the caller runs it now.
   * `run` returns undefined when it wrote confirmation frames and nothing else.
   */
  queue(name: string, argv: readonly Buffer[], run: () => Reply | undefined): Reply | undefined {
    const queueCall = this.dispatcher.queueCall;
    if (!queueCall) return undefined;
    const error = queueTimeError(name, argv);
    const call: QueuedCall = { name, run: () => this.runQueued(run) };
    return queueCall.call(this.dispatcher, this.session, error ?? call);
  }

  private runQueued(run: () => Reply | undefined): Reply {
    const frames: Reply[][] = [];
    this.capturing = frames;
    let reply: Reply | undefined;
    try {
      reply = run();
    } finally {
      this.capturing = null;
    }
    // A fresh object as the item, so the writer can find its frames and protocol (replies may be shared constants).
    const item: Reply = reply === undefined ? [] : reply instanceof ErrorReply ? new ErrorReply(reply.message) : [reply];
    this.extras.set(item as object, { frames: reply === undefined ? frames : undefined, protocol: this.session.protocol });
    return item;
  }

  /** Writes EXEC's array: `protocol` is the client's protocol when EXEC started; `nilArrays` from QueuedNils. */
  render(writer: ReplyWriter, items: readonly Reply[], protocol: 2 | 3, nilArrays: readonly boolean[]): void {
    writer.arrayHeader(items.length);
    let proto = protocol;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const extra = item !== null && typeof item === "object" ? this.extras.get(item) : undefined;
      if (!extra) {
        writer.reply(item, proto, nilArrays[i] ?? false);
        continue;
      }
      proto = extra.protocol;
      if (extra.frames) for (const frame of extra.frames) writer.push(frame, proto);
      else writer.reply(item instanceof ErrorReply ? item : (item as readonly Reply[])[0]!, proto, false);
    }
  }
}
