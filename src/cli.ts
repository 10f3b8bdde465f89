#!/usr/bin/env node
/**
 * The `narwhal` command line: `narwhal serve [--port 6380] [--host 127.0.0.1]` serves the
 * embedded engine over RESP; `--help` and `--version` as any CLI has them.
 */
import { startServer } from "./memory/resp";
import type { Dispatcher, Session } from "./memory/protocol";

export interface ServeOptions {
  port: number;
  host: string;
}

/** What the command line asks for. */
export type CliRequest = { readonly kind: "help"; readonly text: string } | { readonly kind: "version" } | { readonly kind: "serve"; readonly options: ServeOptions };

/** A command line that cannot be run: printed with the usage, exit status 2 (as getopt tools do). */
export class UsageError extends Error {
  readonly exitCode = 2;
}

export const USAGE = `Usage:
  narwhal serve [--port <port>] [--host <address>]
  narwhal --help | -h
  narwhal --version | -v`;

export const HELP = `narwhal: Redis as a typed standard library.

${USAGE}

Commands:
  serve    Serve narwhal's embedded engine over RESP2/RESP3 (16 databases, pub/sub),
           so redis-cli or any Redis client can use it.

Options of serve:
  -p, --port <port>     TCP port, 0-65535 (default 6380; 0 picks a free one)
      --host <address>  address to bind (default 127.0.0.1, loopback only)
  -h, --help            this help`;

function usageError(message: string): UsageError {
  return new UsageError(`narwhal: ${message}\n${USAGE}`);
}

/** Parses `serve`'s options. Every option that takes a value requires one (`--host` alone is an error, never "all interfaces"). */
export function parseServeArgs(args: readonly string[]): ServeOptions {
  const opts: ServeOptions = { port: 6380, host: "127.0.0.1" };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const [flag, inline] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "" || (inline === undefined && v.startsWith("-"))) throw usageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--port" || flag === "-p") {
      const text = value();
      const port = Number(text);
      if (!/^\d+$/.test(text) || port > 65535) throw usageError(`--port must be an integer 0-65535, got ${JSON.stringify(text)}`);
      opts.port = port;
    } else if (flag === "--host") opts.host = value();
    else throw usageError(`unknown option ${JSON.stringify(a)}`);
  }
  return opts;
}

/** Parses the whole command line (without `node` and the script). */
export function parseCli(argv: readonly string[]): CliRequest {
  const [command, ...rest] = argv;
  if (command === undefined) throw usageError("a command is required");
  if (command === "--help" || command === "-h" || command === "help") return { kind: "help", text: HELP };
  if (command === "--version" || command === "-v" || command === "-V") return { kind: "version" };
  if (command !== "serve") throw usageError(`unknown command ${JSON.stringify(command)}`);
  if (rest.includes("--help") || rest.includes("-h")) return { kind: "help", text: HELP };
  return { kind: "serve", options: parseServeArgs(rest) };
}

/**
 * The engine the CLI serves (bin.ts passes `createEngine()`'s dispatcher and sessions); a
 * parameter so tests can serve a stub.
 */
export type EngineFactory = () => { dispatcher: Dispatcher; createSession?: () => Session; closeSession?: (s: Session) => void };

/**
 * Runs the command line: prints help or the version (exit 0), refuses a bad command line
 * (usage on stderr, exit 2), or serves until SIGINT/SIGTERM.
 */
export async function main(argv: readonly string[], engine: EngineFactory, version: string): Promise<void> {
  let request: CliRequest;
  try {
    request = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exitCode = error.exitCode;
    return;
  }
  if (request.kind === "help") {
    console.log(request.text);
    return;
  }
  if (request.kind === "version") {
    console.log(version);
    return;
  }
  const running = await startServer({ ...request.options, ...engine() });
  console.log(`narwhal: serving the embedded engine on ${running.host}:${running.port} (RESP2/RESP3, 16 databases)`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
