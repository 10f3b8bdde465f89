/**
 * `narwhal serve` writes a turn's replies at the end of the event-loop turn (flush-before-sleep.ts),
 * as Redis writes them before it sleeps: many connections' pipelined bursts in one turn each get
 * their own replies, in order; a burst that arrives in pieces still gets every reply; and a server
 * closed in the same turn as a command still sends that command's reply first.
 */
import { Buffer } from "node:buffer";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createEngine } from "../../src/memory/create-engine";
import { StatusReply, type Dispatcher } from "../../src/memory/protocol";
import { startServer, type RunningServer } from "../../src/memory/resp";
import { encode as frame } from "../support/raw-resp";

const running: RunningServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

async function engineServer(): Promise<RunningServer> {
  const engine = createEngine();
  const server = await startServer({
    port: 0,
    dispatcher: engine,
    createSession: () => engine.createSession(),
    closeSession: (session) => engine.closeSession(session),
  });
  running.push(server);
  return server;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Reads from `socket` until `expected` bytes arrived (or the socket closes). */
function readBytes(socket: Socket, expected: number): Promise<string> {
  return new Promise((resolve) => {
    let got = "";
    const done = () => resolve(got);
    socket.on("data", (d: Buffer) => {
      got += d.toString("latin1");
      if (got.length >= expected) done();
    });
    socket.on("close", done);
  });
}

describe("narwhal serve: replies written at the end of the event-loop turn", () => {
  it("50 connections' 16-command bursts sent at once: each gets its own 16 replies, in order", async () => {
    const server = await engineServer();
    const sockets = await Promise.all(Array.from({ length: 50 }, () => open(server.port)));
    const expected = Array.from({ length: 16 }, (_, i) => `:${i + 1}\r\n`).join("");
    const replies = sockets.map((s) => readBytes(s, expected.length));
    sockets.forEach((s, c) => s.write(Array.from({ length: 16 }, () => frame("INCR", `turn:${c}`)).join("")));
    expect(await Promise.all(replies)).toEqual(sockets.map(() => expected));
    for (const s of sockets) s.destroy();
  });

  it("a burst that arrives in pieces, some within one turn, gets every reply once", async () => {
    const server = await engineServer();
    const socket = await open(server.port);
    const burst = Buffer.from(Array.from({ length: 200 }, (_, i) => frame("RPUSH", "pieces", String(i))).join(""));
    const expected = Array.from({ length: 200 }, (_, i) => `:${i + 1}\r\n`).join("");
    const reply = readBytes(socket, expected.length);
    for (let at = 0; at < burst.length; at += 97) {
      socket.write(burst.subarray(at, at + 97));
      if (at % 970 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(await reply).toBe(expected);
    socket.destroy();
  });

  it("a server closed in the same turn as a command still sends that command's reply", async () => {
    let server: RunningServer | undefined;
    const dispatcher: Dispatcher = {
      dispatch(_session, argv) {
        // A microtask runs before the turn's deferred writes: close() must write them first.
        if (argv[0]!.toString() === "closenow") queueMicrotask(() => void server!.close());
        return new StatusReply("DONE");
      },
    };
    server = await startServer({ port: 0, dispatcher });
    const socket = await open(server.port);
    const reply = readBytes(socket, "+DONE\r\n".length);
    socket.write(frame("closenow"));
    expect(await reply).toBe("+DONE\r\n");
    socket.destroy();
  });
});
