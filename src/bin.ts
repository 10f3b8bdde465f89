#!/usr/bin/env node
/** The `narwhal` executable (package.json "bin"): `narwhal serve [--port 6380] [--host 127.0.0.1]`, `--help`, `--version`. */
import { createRequire } from "node:module";
import { main, type EngineFactory } from "./cli";
import { createEngine } from "./memory/create-engine";

// package.json sits one level up both from src/ (tsx) and from dist/ (the published bin).
const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

const engine: EngineFactory = () => {
  const e = createEngine();
  return { dispatcher: e, createSession: () => e.createSession(), closeSession: (session) => e.closeSession(session) };
};

main(process.argv.slice(2), engine, version).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
