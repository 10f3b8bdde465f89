/**
 * Which server the demo runs on: REDIS_URL when set, otherwise narwhal's embedded engine
 * (`Database.memory()`, no server at all). This is the one place that decides.
 */
import { Database } from "../../src/index";

export interface DemoBackend {
  readonly db: Database;
  /** Printed as the demo's first line. */
  readonly description: string;
  close(): Promise<void>;
}

/** Opens the chosen backend; `prefix` namespaces the demo's keys. */
export async function openBackend(prefix: string, env: NodeJS.ProcessEnv = process.env): Promise<DemoBackend> {
  const url = env.REDIS_URL;
  if (url) {
    const db = new Database(url, { prefix });
    return { db, description: `backend: REDIS_URL (${url.replace(/\/\/[^@]*@/, "//***@")})`, close: () => db.close() };
  }
  const db = Database.memory({ prefix });
  return { db, description: "backend: embedded memory engine (no server; set REDIS_URL to use a Redis server)", close: () => db.close() };
}
