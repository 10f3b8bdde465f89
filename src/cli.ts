#!/usr/bin/env node
/**
 * `npx narwhal serve [--port 6380] [--host 127.0.0.1]`: serves the embedded engine over RESP.
 */
import { startServer } from "./memory/resp";
import type { Dispatcher, Session } from "./memory/protocol";

export interface ServeOptions {
  port: number;
  host: string;
}

const USAGE = "usage: narwhal serve [--port 6380] [--host 127.0.0.1]";

export function parseServeArgs(args: readonly string[]): ServeOptions {
  const opts: ServeOptions = { port: 6380, host: "127.0.0.1" };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? args[++i] ?? "";
    if (flag === "--port" || flag === "-p") {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535\n${USAGE}`);
      opts.port = port;
    } else if (flag === "--host" || flag === "-h") opts.host = value();
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return opts;
}

/**
 * The engine the CLI serves. INTEGRATION POINT: the command engine (src/memory) replaces this
 * with its constructor, e.g. `const engine = createEngine(); return { dispatcher: engine, createSession: () => engine.createSession() }`.
 */
export type EngineFactory = () => { dispatcher: Dispatcher; createSession?: () => Session; closeSession?: (s: Session) => void };

export async function main(argv: readonly string[], engine: EngineFactory): Promise<void> {
  const [command, ...rest] = argv;
  if (command !== "serve") {
    console.error(USAGE);
    process.exitCode = 1;
    return;
  }
  const opts = parseServeArgs(rest);
  const running = await startServer({ ...opts, ...engine() });
  console.log(`narwhal: serving the embedded engine on ${running.host}:${running.port} (RESP2/RESP3, 16 databases)`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
