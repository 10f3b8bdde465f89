#!/usr/bin/env node
/** The `narwhal` executable (package.json "bin"): `narwhal serve [--port 6380] [--host 127.0.0.1]`, `--help`, `--version`. */
import { createRequire } from "node:module";
import { main, type EngineFactory } from "./cli";
import { createEngine } from "./memory/create-engine";
import { flushPendingWrites } from "./memory/resp/flush-before-sleep";

// package.json sits one level up both from src/ (tsx) and from dist/ (the published bin).
const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
let detached: Map<NodeJS.Signals, Array<(...args: unknown[]) => void>> | null = null;

/**
 * While a script cannot let the event loop turn (Lua inside a `table.sort` comparator, a
 * script's own coroutine, a script inside EXEC: lua/script-runner.ts), no JS signal handler can
 * run; detaching them for that stretch gives SIGTERM/SIGINT their default action, so the
 * process still ends at once. They are put back as soon as the event loop turns again.
 */
function onStall(stalled: boolean): void {
  if (stalled && !detached) {
    detached = new Map(SIGNALS.map((s) => [s, process.rawListeners(s) as Array<(...args: unknown[]) => void>]));
    for (const s of SIGNALS) process.removeAllListeners(s);
  } else if (!stalled && detached) {
    for (const [s, listeners] of detached) for (const l of listeners) process.on(s, l);
    detached = null;
  }
}

const engine: EngineFactory = (options) => {
  const e = createEngine({ ...options, luaHost: { onStall } }); // --maxmemory, --maxmemory-policy
  // SHUTDOWN [NOSAVE]: nothing is persisted, so end at once (other clients' replies of this turn first)
  e.onShutdown = () => {
    flushPendingWrites();
    process.exit(0);
  };
  return { dispatcher: e, createSession: () => e.createSession(), closeSession: (session) => e.closeSession(session) };
};

main(process.argv.slice(2), engine, version).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
