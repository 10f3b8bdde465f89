/**
 * Raw RESP connections for byte-level comparisons of `narwhal serve` with redis-server: send
 * commands (pipelined) on a socket and read the reply stream until it goes quiet, then split
 * it into tokens (one per RESP line, a bulk string's payload as one token) so two streams can
 * be compared after normalizing what legitimately differs (client ids, INFO text).
 */
import { connect, type Socket } from "node:net";

/** Where a raw connection goes: a TCP port on loopback or a unix socket path. */
export type RawTarget = { port: number } | { path: string };

/** RESP2 encoding of one command. */
export const encode = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

export class RawConnection {
  private readonly socket: Socket;
  private buffer = Buffer.alloc(0);
  private lastData = Date.now();
  closed = false;

  constructor(target: RawTarget) {
    this.socket = "path" in target ? connect(target.path) : connect(target.port, "127.0.0.1");
    this.socket.on("data", (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.lastData = Date.now();
    });
    this.socket.on("close", () => (this.closed = true));
    this.socket.on("error", () => undefined);
  }

  /** Sends the commands in one write (a pipeline). */
  send(commands: readonly string[][]): void {
    this.socket.write(commands.map((c) => encode(...c)).join(""));
  }

  /** Waits until some bytes arrived and nothing more came for `quietMs` (or the socket closed), then takes them. */
  async read(quietMs = 150, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      const quiet = Date.now() - this.lastData >= quietMs;
      if ((this.buffer.length > 0 && quiet) || this.closed || Date.now() > deadline) break;
    }
    const out = this.buffer.toString("latin1");
    this.buffer = Buffer.alloc(0);
    return out;
  }

  /** Sends, then reads the replies. */
  async exchange(commands: readonly string[][], quietMs?: number): Promise<string> {
    this.send(commands);
    return this.read(quietMs);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A reply stream as tokens: each RESP line, with a bulk string's payload as one token. */
export function tokens(stream: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < stream.length) {
    const end = stream.indexOf("\r\n", at);
    if (end < 0) {
      out.push(`<partial ${stream.slice(at)}>`);
      break;
    }
    const line = stream.slice(at, end);
    out.push(line);
    at = end + 2;
    if ((line[0] === "$" || line[0] === "=" || line[0] === "!") && Number(line.slice(1)) >= 0) {
      const n = Number(line.slice(1));
      out.push(stream.slice(at, at + n));
      at += n + 2;
    }
  }
  return out;
}
