/**
 * `startServer`: serves a {@link Dispatcher} over RESP2/RESP3 on a TCP port (loopback by
 * default), the "miniature Redis" behind `npx narwhal serve`, with Redis's connection-level
 * guards: `requirepass`, protected mode, `proto-max-bulk-len`, `client-output-buffer-limit`
 * and the cross-protocol-scripting check.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { Dispatcher, Session } from "../protocol";
import { isLoopback, PROTECTED_MODE_DENIED } from "./auth";
import { Connection } from "./connection";
import { redisLogLine } from "./log";
import { PubSubHub } from "./pubsub";
import { ErrorStats } from "./server-stats";
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
const SERVER_COMMANDS = ["hello", "client", "info", "command", "subscribe", "psubscribe", "unsubscribe", "punsubscribe", "publish", "pubsub", "ping", "echo", "select"];

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
      return { dispatcher: options.dispatcher, port, startedAt, clients: connections.size, blocked, tracking, errors };
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
    socket.on("close", () => {
      connections.delete(socket);
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
