/**
 * The commands a RESP connection answers itself: AUTH, HELLO, QUIT, RESET, CLIENT (but the
 * engine's tracking and KILL subcommands), INFO, COMMAND, PUBLISH, PUBSUB and the
 * subscriptions; PING / ECHO / SELECT go to the dispatcher first (so they queue inside MULTI
 * there) with a fallback of our own. Everything else goes to the dispatcher.
 */
import { Buffer } from "node:buffer";
import { ErrorReply, StatusReply, type Dispatcher, type Reply, type Session } from "../protocol";
import { auth } from "./auth";
import type { PubSubHub } from "./pubsub";
import * as ps from "./pubsub-commands";
import * as cmd from "./server-commands";
import type { ErrorStats } from "./server-stats";
import type { CommandCatalog } from "./command-catalog";
import type { MonitorClient } from "./monitor";
import { CommandStats, type CommandStat } from "../command-stats";
import type { ServeSettings } from "./settings";
import { clientReply, type ReplyMode } from "./client-reply";

/** What a connection needs from its server. */
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
  /** The error replies sent (INFO stats / errorstats). */
  readonly errors: ErrorStats;
  /** Redis 7.0's command table, for COMMAND (command-catalog.ts). */
  readonly catalog: CommandCatalog;
  /** The commandstats counters of a command this server answers itself (`client|list` for a subcommand). */
  statOf(name: string, argv: readonly Buffer[]): CommandStat;
  /** A command this server answered itself ran (INFO commandstats, MONITOR); `usec`: how long it took when timed, else negative. */
  commandRan(c: CommandConnection, stat: CommandStat, argv: readonly Buffer[], usec: number, outcome: Outcome): void;
  /** MONITOR: the client starts receiving every command (until RESET or it closes). */
  startMonitor(c: CommandConnection): void;
  /** RESET: the client stops monitoring. */
  stopMonitor(c: CommandConnection): void;
}

/** The connection state these commands read and change. */
export interface CommandConnection extends ps.PubSubClient, cmd.ClientView, MonitorClient {
  readonly host: ConnectionHost;
  readonly session: Session;
  readonly subscribed: boolean;
  authenticated: boolean;
  /** In MONITOR mode (set by the server's startMonitor/stopMonitor). */
  monitoring: boolean;
  /** Answers +OK and closes after the batch's replies. */
  quit(): void;
  /** CLIENT REPLY ON|OFF|SKIP (client-reply.ts). */
  replyMode(mode: ReplyMode): void;
}

/** A command that wrote its own frames (subscription confirmations) or closes the connection. */
export const NO_REPLY = Symbol("no reply");
export type Outcome = Reply | Promise<Reply> | typeof NO_REPLY;

/** CLIENT subcommands the engine answers (client-side caching, KILL, UNBLOCK). */
export const ENGINE_CLIENT = new Set(["tracking", "caching", "getredir", "trackinginfo", "kill", "unblock"]);
const unknown = (r: Reply) => r instanceof ErrorReply && r.message.startsWith("ERR unknown command");

/** Commands this server answers itself (CLIENT but its engine subcommands): their calls are counted and monitored here. */
const ANSWERED_HERE = new Set(["auth", "hello", "client", "info", "command", "subscribe", "psubscribe", "unsubscribe", "punsubscribe", "publish", "pubsub", "reset", "monitor"]);

/** A connection command queued in MULTI, at EXEC: undefined when it wrote only confirmation frames. */
export function queuedCommand(c: CommandConnection, name: string, argv: Buffer[]): Reply | undefined {
  // Redis runs EXEC's commands as a client that may not block: MONITOR refuses there.
  if (name === "monitor") return new ErrorReply("ERR MONITOR isn't allowed for DENY BLOCKING client");
  if (name === "ping") return c.subscribed && c.session.protocol === 2 ? [Buffer.from("pong"), argv[1] ?? Buffer.alloc(0)] : cmd.ping(argv);
  const outcome = connectionCommand(c, name, argv);
  if (outcome === NO_REPLY) return undefined;
  return outcome instanceof Promise ? new ErrorReply("ERR blocking command in MULTI") : outcome;
}

let lastName = "";
let lastAnsweredHere = false;

export function connectionCommand(c: CommandConnection, name: string, argv: Buffer[]): Outcome {
  // A pipelined burst repeats one name: the set is looked up when the name changes.
  if (name !== lastName) {
    lastName = name;
    lastAnsweredHere = ANSWERED_HERE.has(name);
  }
  if (!lastAnsweredHere || (name === "client" && ENGINE_CLIENT.has(argv[1]?.toString("latin1").toLowerCase() ?? ""))) return answer(c, name, argv);
  const stat = c.host.statOf(name, argv);
  const started = CommandStats.timesNext(stat) ? performance.now() : -1;
  const outcome = answer(c, name, argv);
  c.host.commandRan(c, stat, argv, started < 0 ? -1 : (performance.now() - started) * 1000, outcome);
  return outcome;
}

function answer(c: CommandConnection, name: string, argv: Buffer[]): Outcome {
  const subscribed = c.subscribed;
  switch (name) {
    case "auth": {
      const { reply, ok } = auth(argv, c.host.settings.password);
      if (ok) c.authenticated = true;
      return reply;
    }
    case "hello":
      return cmd.hello(argv, c, helloAuth(c));
    case "quit":
      c.quit();
      return NO_REPLY;
    case "client":
      if (argv[1] !== undefined && argv[1].length === 5 && argv[1].toString("latin1").toLowerCase() === "reply") return clientReply(c, argv) ?? NO_REPLY;
      if (ENGINE_CLIENT.has(argv[1]?.toString("latin1").toLowerCase() ?? "")) return c.host.dispatcher.dispatch(c.session, argv);
      return cmd.client(argv, c, () => c.host.clients());
    case "info":
      return cmd.info(argv, c.host.info());
    case "command":
      return c.host.catalog.command(argv);
    case "monitor":
      if (argv.length !== 1) return cmd.arity("monitor");
      c.host.startMonitor(c);
      return new StatusReply("OK");
    case "subscribe":
    case "psubscribe":
      return ps.subscribe(c.host.hub, c, argv, name === "psubscribe") ?? NO_REPLY;
    case "unsubscribe":
    case "punsubscribe":
      ps.unsubscribe(c.host.hub, c, argv, name === "punsubscribe");
      return NO_REPLY;
    case "publish":
      return argv.length === 3 ? c.host.hub.publish(argv[1]!, argv[2]!) : cmd.arity("publish");
    case "pubsub":
      return ps.pubsub(c.host.hub, argv);
    case "reset":
      return reset(c);
    case "ping":
      if (subscribed && c.session.protocol === 2) return [Buffer.from("pong"), argv[1] ?? Buffer.alloc(0)];
      return withFallback(c, argv, () => cmd.ping(argv));
    case "echo":
      return withFallback(c, argv, () => cmd.echo(argv));
    case "select":
      return withFallback(c, argv, () => cmd.select(argv, c.session));
    case "config": {
      const reply = c.host.dispatcher.dispatch(c.session, argv);
      // CONFIG RESETSTAT clears the server's counters too (the engine clears its own).
      if (reply instanceof StatusReply && reply.value === "OK" && argv[1]?.toString("latin1").toLowerCase() === "resetstat") {
        c.host.errors.reset();
        // A dispatcher without its own commandstats: ours count only this server's commands; clear them too.
        if (!c.host.dispatcher.commandStats) c.host.info().commands.reset();
      }
      return reply;
    }
    default:
      return c.host.dispatcher.dispatch(c.session, argv);
  }
}

function helloAuth(c: CommandConnection): cmd.HelloAuth {
  const password = c.host.settings.password;
  // A getter: HELLO reads it after login() ran.
  return {
    get authenticated() {
      return c.authenticated;
    },
    login: (user, pass) => {
      if (!password.check(user, pass)) return false;
      c.authenticated = true;
      return true;
    },
  };
}

/** Asks the engine first (so PING/ECHO/SELECT queue inside MULTI when it implements them). */
function withFallback(c: CommandConnection, argv: Buffer[], fallback: () => Reply): Reply | Promise<Reply> {
  const r = c.host.dispatcher.dispatch(c.session, argv);
  if (r instanceof Promise) return r.then((v) => (unknown(v) ? fallback() : v));
  return unknown(r) ? fallback() : r;
}

/** RESET: leaves pub/sub, MULTI and WATCH, back to RESP2, db 0, no name, and (with a password) not authenticated. */
function reset(c: CommandConnection): Reply {
  c.host.hub.remove(c);
  c.host.stopMonitor(c);
  for (const name of ["DISCARD", "UNWATCH"]) {
    const r = c.host.dispatcher.dispatch(c.session, [Buffer.from(name)]);
    if (r instanceof Promise) r.catch(() => undefined);
  }
  c.session.protocol = 2;
  c.session.db = 0;
  c.session.name = undefined;
  c.authenticated = !c.host.settings.password.required;
  return new StatusReply("RESET");
}
