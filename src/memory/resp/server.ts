/**
 * `startServer`: serves a {@link Dispatcher} over RESP2/RESP3 on a TCP port (loopback by
 * default), the "miniature Redis" behind `npx narwhal serve`, with Redis's connection-level
 * guards: `requirepass`, protected mode, `proto-max-bulk-len`, `client-output-buffer-limit`
 * and the cross-protocol-scripting check.
 */
import { createServer, type Server, type Socket } from "node:net";
import { ErrorReply, type Dispatcher, type Session } from "../protocol";
import { isLoopback, PROTECTED_MODE_DENIED } from "./auth";
import { Connection } from "./connection";
import { flushPendingWrites } from "./flush-before-sleep";
import { redisLogLine } from "./log";
import { PubSubHub } from "./pubsub";
import { ErrorStats } from "./server-stats";
import { CommandStats, type CommandStat } from "../command-stats";
import { CommandCatalog } from "./command-catalog";
import { Monitors } from "./monitor";
import type { CommandConnection, Outcome } from "./connection-commands";
import { ServeSettings, type ServeSettingsOptions } from "./settings";

export interface ServerOptions extends ServeSettingsOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to bind; loopback unless you mean to expose the engine. */
  host?: string;
  dispatcher: Dispatcher;
  /** A new session per connection (the engine's, when it keeps per-session state). */
  createSession?: () => Session;
  /** Called when a connection closes (the engine may drop WATCH/MULTI/blocking state). */
  closeSession?: (session: Session) => void;
  /** Where warnings go (default: stderr, in redis-server's log format). */
  log?: (line: string) => void;
}

export interface RunningServer {
  readonly port: number;
  readonly host: string;
  readonly server: Server;
  /** The live settings (requirepass, protected mode, limits); changes apply to every connection. */
  readonly settings: ServeSettings;
  /** Stops accepting, closes every client connection, resolves when done. */
  close(): Promise<void>;
}

/** Commands the server answers itself, on top of the dispatcher's (for the NOAUTH gate). */
const SERVER_COMMANDS = ["hello", "client", "info", "command", "subscribe", "psubscribe", "unsubscribe", "punsubscribe", "publish", "pubsub", "ping", "echo", "select", "monitor"];
/** Commands the server has that the NOAUTH gate does not list (they run unauthenticated): COMMAND INFO/LIST show them too. */
const UNGATED_COMMANDS = new Set(["auth", "reset", "quit"]);
/** Containers the server answers itself: their calls count as `container|sub`. */
const OWN_CONTAINERS = new Set(["client", "command", "pubsub"]);
const ARITY_ERROR = /^ERR wrong number of arguments for '([^']+)' command$/;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  let nextId = 1;
  const createSession = options.createSession ?? ((): Session => ({ id: nextId++, db: 0, protocol: 2 }));
  const hub = new PubSubHub();
  // Keyspace notifications reach this server's subscribers as PUBLISH would.
  const stopNotifications = options.dispatcher.addPublishListener?.((channel, message) => hub.publish(channel, message));
  const errors = new ErrorStats();
  const connections = new Map<Socket, Connection>();
  const settings = new ServeSettings(options);
  const startedAt = Date.now();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const warn = (message: string) => log(redisLogLine(message));
  const known = knownCommands(options.dispatcher);
  const dispatcher = options.dispatcher;
  const catalog = new CommandCatalog((name) => known === undefined || known.has(name) || UNGATED_COMMANDS.has(name));
  const monitors = new Monitors(catalog);
  const commands = dispatcher.commandStats ?? new CommandStats();
  const bySession = new Map<Session, Connection>();
  // What the engine's commands look like to MONITOR: the client's address, or "lua" inside a script.
  const feed = (session: Session, argv: readonly Buffer[], inScript: boolean) =>
    monitors.feed(session.db, inScript ? "lua" : (bySession.get(session)?.address ?? "?"), argv);
  // Errors a script's commands answer count when they happen (Redis's errorstats), caught or not.
  dispatcher.scriptError = (message: string) => errors.add(message);
  let lastAttackLog = -Infinity;
  let port = options.port;

  const connectionHost = {
    dispatcher: options.dispatcher,
    hub,
    settings,
    errors,
    info: () => {
      let blocked = 0;
      let tracking = 0;
      for (const c of connections.values()) {
        if (c.blockedIn !== undefined) blocked++;
        if (c.describe()?.tracking) tracking++;
      }
      return { dispatcher: options.dispatcher, port, startedAt, clients: connections.size, blocked, tracking, errors, commands };
    },
    catalog,
    statOf: (name: string, argv: readonly Buffer[]) => {
      if (!OWN_CONTAINERS.has(name) || argv.length < 2) return commands.of(name);
      // Only the subcommands Redis has get counters (a client's made-up names must not grow the table).
      const full = `${name}|${argv[1]!.toString("latin1").toLowerCase()}`;
      return catalog.lookup(full) ? commands.of(full) : { calls: 0, usec: 0, timed: 0, rejected: 0, failed: 0 };
    },
    commandRan: (c: CommandConnection, stat: CommandStat, argv: readonly Buffer[], usec: number, outcome: Outcome) => {
      const reply = outcome instanceof Promise || typeof outcome === "symbol" ? undefined : outcome;
      if (reply instanceof ErrorReply) {
        // Refusals before running (Redis's processCommand): a wrong argument count is a rejected call, an unknown subcommand counts nowhere.
        const arity = ARITY_ERROR.exec(reply.message);
        if (arity) return commands.rejected(arity[1]!);
        if (reply.message.startsWith("ERR unknown subcommand")) return;
      }
      CommandStats.ran(stat, usec, reply instanceof ErrorReply);
      if (monitors.active) monitors.feed(c.session.db, c.address, argv);
    },
    startMonitor: (c: CommandConnection) => {
      monitors.add(c);
      c.monitoring = true;
      dispatcher.monitor = feed;
    },
    stopMonitor: (c: CommandConnection) => {
      monitors.remove(c);
      c.monitoring = false;
      if (!monitors.active) dispatcher.monitor = undefined;
    },
    clients: () => [...connections.values()],
    knows: (name: string) => known === undefined || known.has(name),
    warn,
    securityAttack: () => {
      // Redis logs this at most once a minute, so an attacker cannot flood the log.
      if (Date.now() - lastAttackLog <= 60_000) return;
      lastAttackLog = Date.now();
      warn(
        "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.",
      );
    },
  };

  const server = createServer((socket) => {
    socket.on("error", () => socket.destroy());
    if (settings.protectedMode && !settings.password.required && !isLoopback(socket.remoteAddress)) {
      socket.end(PROTECTED_MODE_DENIED);
      return;
    }
    const connection = new Connection(socket, createSession(), connectionHost);
    connections.set(socket, connection);
    bySession.set(connection.session, connection);
    socket.on("close", () => {
      connections.delete(socket);
      bySession.delete(connection.session);
      connection.closed();
      options.closeSession?.(connection.session);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address && typeof address === "object") port = address.port;

  return {
    port,
    host,
    server,
    settings,
    close: () =>
      new Promise<void>((resolve) => {
        stopNotifications?.();
        flushPendingWrites(); // replies of this turn still go out (flush-before-sleep.ts)
        server.close(() => resolve());
        for (const socket of connections.keys()) socket.destroy();
      }),
  };
}

/** The dispatcher's command names, when it can list them (the engine can); undefined: treat every name as known. */
function knownCommands(dispatcher: Dispatcher): Set<string> | undefined {
  const list = (dispatcher as { commandNames?: () => string[] }).commandNames;
  if (typeof list !== "function") return undefined;
  return new Set([...list.call(dispatcher).map((n) => n.toLowerCase()), ...SERVER_COMMANDS]);
}
