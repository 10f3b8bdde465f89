#!/usr/bin/env node
/**
 * The `narwhal` command line: `narwhal serve [--port 6380] [--host 127.0.0.1] [--requirepass …]
 * [--protected-mode yes|no] [--proto-max-bulk-len …] [--client-output-buffer-limit …]` serves
 * the embedded engine over RESP, with redis-server's option names and defaults;
 * `--help` and `--version` as any CLI has them.
 */
import { startServer } from "./memory/resp";
import type { Dispatcher, Session } from "./memory/protocol";
import { parseMemory, parseOutputLimits, type OutputLimits } from "./memory/resp/output-limits";
import { MAXMEMORY_POLICIES, type MaxmemoryOptions, type MaxmemoryPolicy } from "./memory/maxmemory";

/** serve's options; the Redis settings are present only when given (their defaults are Redis's). */
export interface ServeOptions {
  port: number;
  host: string;
  requirepass?: string;
  protectedMode?: boolean;
  protoMaxBulkLen?: number;
  clientOutputBufferLimit?: OutputLimits;
  /** `maxmemory` in bytes (0 = no limit) and `maxmemory-policy`: passed to the engine (maxmemory.ts). */
  maxmemory?: number;
  maxmemoryPolicy?: MaxmemoryPolicy;
}

/** What the command line asks for. */
export type CliRequest = { readonly kind: "help"; readonly text: string } | { readonly kind: "version" } | { readonly kind: "serve"; readonly options: ServeOptions };

/** A command line that cannot be run: printed with the usage, exit status 2 (as getopt tools do). */
export class UsageError extends Error {
  readonly exitCode = 2;
}

export const USAGE = `Usage:
  narwhal serve [--port <port>] [--host <address>] [--requirepass <password>]
                [--protected-mode yes|no] [--proto-max-bulk-len <bytes>]
                [--client-output-buffer-limit "<class> <hard> <soft> <seconds>"]
                [--maxmemory <bytes>] [--maxmemory-policy <policy>]
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
      --requirepass <password>
                        clients must AUTH <password> (or HELLO 3 AUTH default <password>) first
      --protected-mode yes|no
                        with no password, refuse clients from non-loopback addresses (default yes)
      --proto-max-bulk-len <bytes>
                        largest argument a client may send (default 512mb; 1k/1kb/1m/1mb/1g/1gb)
      --client-output-buffer-limit "<class> <hard> <soft> <seconds>"
                        disconnect clients whose unread replies pass these limits; class normal
                        or pubsub (default "normal 0 0 0 pubsub 32mb 8mb 60", 0 = no limit)
      --maxmemory <bytes>
                        past this estimated memory use, evict by the policy or refuse writes
                        with OOM (default 0 = no limit; 1k/1kb/1m/1mb/1g/1gb)
      --maxmemory-policy noeviction|allkeys-lru|volatile-lru|volatile-ttl|allkeys-random|volatile-random
                        what to do past --maxmemory (default noeviction)
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
    else if (flag === "--requirepass") {
      // Any string is a password (one starting with "-" too); "" means none, as in Redis.
      const v = inline ?? args[++i];
      if (v === undefined) throw usageError("--requirepass needs a value");
      opts.requirepass = v;
    }
    else if (flag === "--protected-mode") {
      const v = value().toLowerCase();
      if (v !== "yes" && v !== "no") throw usageError(`--protected-mode must be yes or no, got ${JSON.stringify(v)}`);
      opts.protectedMode = v === "yes";
    } else if (flag === "--proto-max-bulk-len") {
      const text = value();
      const n = parseMemory(text);
      if (n === undefined || n < 1024 * 1024) throw usageError(`--proto-max-bulk-len must be a size of at least 1mb, got ${JSON.stringify(text)}`);
      opts.protoMaxBulkLen = n;
    } else if (flag === "--client-output-buffer-limit") {
      const text = value();
      try {
        opts.clientOutputBufferLimit = parseOutputLimits(text, opts.clientOutputBufferLimit);
      } catch (error) {
        throw usageError((error as Error).message);
      }
    } else if (flag === "--maxmemory") {
      const text = value();
      const n = parseMemory(text);
      if (n === undefined || !Number.isSafeInteger(n)) throw usageError(`--maxmemory must be a size (bytes, or 1k/1kb/1m/1mb/1g/1gb), got ${JSON.stringify(text)}`);
      opts.maxmemory = n;
    } else if (flag === "--maxmemory-policy") {
      const v = value().toLowerCase();
      if (!(MAXMEMORY_POLICIES as readonly string[]).includes(v)) throw usageError(`--maxmemory-policy must be one of ${MAXMEMORY_POLICIES.join(", ")}, got ${JSON.stringify(v)}`);
      opts.maxmemoryPolicy = v as MaxmemoryPolicy;
    } else throw usageError(`unknown option ${JSON.stringify(a)}`);
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

function isLoopbackBind(host: string): boolean {
  return host === "localhost" || host.startsWith("127.") || host === "::1";
}

/**
 * The engine the CLI serves (bin.ts passes `createEngine()`'s dispatcher and sessions); a
 * parameter so tests can serve a stub.
 */
export type EngineFactory = (options: MaxmemoryOptions) => { dispatcher: Dispatcher; createSession?: () => Session; closeSession?: (s: Session) => void };

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
  const { maxmemory, maxmemoryPolicy, ...serve } = request.options;
  const running = await startServer({ ...serve, ...engine({ maxmemory, maxmemoryPolicy }) });
  console.log(`narwhal: serving the embedded engine on ${running.host}:${running.port} (RESP2/RESP3, 16 databases)`);
  if (!running.settings.password.required && running.settings.protectedMode && !isLoopbackBind(running.host)) {
    console.log("narwhal: protected mode: no --requirepass, so only clients on the loopback interface are accepted");
  }
  const stop = () => void running.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
