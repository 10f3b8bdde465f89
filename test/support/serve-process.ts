/**
 * A real `narwhal serve` process (src/bin.ts through tsx) and raw TCP connections to any
 * address, for the suites that look at the bytes a server sends (protected mode, output
 * buffer limits), against it and against redis-server alike.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect, type Socket } from "node:net";
import { networkInterfaces } from "node:os";

export interface Serve {
  readonly child: ChildProcess;
  readonly port: number;
  log(): string;
  stop(): Promise<void>;
}

/** Starts `narwhal serve --port 0 …args` and resolves with the port it printed. */
export function startServe(args: string[]): Promise<Serve> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/bin.ts", "serve", "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const stop = () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once("exit", () => r());
        child.kill("SIGKILL");
      });
    const collect = (d: Buffer) => {
      out += d.toString();
      const m = /on [^\s]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), log: () => out, stop });
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("error", reject);
    child.once("exit", () => reject(new Error(`narwhal serve exited early: ${out}`)));
  });
}

export interface Raw {
  readonly socket: Socket;
  send(s: string | Buffer): void;
  /** Waits until at least `min` bytes arrived (or the socket closed, or `ms` passed) and takes them. */
  read(min: number, ms?: number): Promise<string>;
  /** Settles when the socket closes. */
  readonly closed: Promise<void>;
}

/** A raw connection to `host:port`. */
export function raw(port: number, host = "127.0.0.1"): Raw {
  const socket = connect(port, host);
  let buffer = "";
  let waiter: (() => void) | undefined;
  socket.on("data", (d: Buffer) => {
    buffer += d.toString("latin1");
    waiter?.();
  });
  const closed = new Promise<void>((r) => socket.once("close", () => r()));
  void closed.then(() => waiter?.());
  const read = async (min: number, ms = 10_000): Promise<string> => {
    const deadline = Date.now() + ms;
    while (buffer.length < min && !socket.destroyed && Date.now() < deadline) {
      await new Promise<void>((r) => {
        waiter = r;
        setTimeout(r, 50);
      });
    }
    const out = buffer;
    buffer = "";
    return out;
  };
  socket.on("error", () => undefined);
  return { socket, send: (s) => void socket.write(s), read, closed };
}

/** A RESP command frame. */
export const cmd = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

/** This machine's first non-loopback IPv4 address, or undefined when it has none. */
export function externalIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal && !a.address.startsWith("127.")) return a.address;
  }
  return undefined;
}
