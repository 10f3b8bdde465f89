#!/usr/bin/env node
/** The `narwhal` executable (package.json "bin"): `narwhal serve [--port 6380] [--host 127.0.0.1]`. */
import { main, type EngineFactory } from "./cli";
import { createEngine } from "./memory/create-engine";

const engine: EngineFactory = () => {
  const e = createEngine();
  return { dispatcher: e, createSession: () => e.createSession(), closeSession: (session) => e.closeSession(session) };
};

main(process.argv.slice(2), engine).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
