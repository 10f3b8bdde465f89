/**
 * `startServer`: serves a {@link Dispatcher} over RESP2/RESP3 on a TCP port (loopback by
 * default), the "miniature Redis" behind `npx narwhal serve`.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { Dispatcher, Session } from "../protocol";
import { Connection } from "./connection";
import { PubSubHub } from "./pubsub";

export interface ServerOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to bind; loopback unless you mean to expose the engine. */
  host?: string;
  dispatcher: Dispatcher;
  /** A new session per connection (the engine's, when it keeps per-session state). */
  createSession?: () => Session;
  /** Called when a connection closes (the engine may drop WATCH/MULTI/blocking state). */
  closeSession?: (session: Session) => void;
}

export interface RunningServer {
  readonly port: number;
  readonly host: string;
  readonly server: Server;
  /** Stops accepting, closes every client connection, resolves when done. */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  let nextId = 1;
  const createSession = options.createSession ?? ((): Session => ({ id: nextId++, db: 0, protocol: 2 }));
  const hub = new PubSubHub();
  const connections = new Map<Socket, Connection>();
  const startedAt = Date.now();
  let port = options.port;

  const connectionHost = {
    dispatcher: options.dispatcher,
    hub,
    info: () => ({ dispatcher: options.dispatcher, port, startedAt, clients: connections.size }),
    clients: () => [...connections.values()],
  };

  const server = createServer((socket) => {
    const connection = new Connection(socket, createSession(), connectionHost);
    connections.set(socket, connection);
    socket.on("error", () => socket.destroy());
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of connections.keys()) socket.destroy();
      }),
  };
}
