/**
 * What the db.synced() suites share: the shape of their namespaces, a poll-until helper, unique
 * names, and per suite the namespaces it opened (closed after it), a second Database standing
 * for another process, and a way to make Redis unreachable for a Database.
 */
import { afterAll } from "vitest";
import { Database } from "../../src/database";
import type { Synced } from "../../src/index";
import type { SuiteContext } from "./backends";

export type Settings = { theme: string; limits: { rpm: number }; n: number; a: string; b: string };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

let counter = 0;
export const unique = (base: string) => `${base}:${++counter}:${Math.random().toString(36).slice(2, 8)}`;

/** Call inside a describeBackends body: the suite's helpers; what `open` opened is closed after the suite. */
export function syncedFixture(ctx: () => SuiteContext) {
  const opened: Array<{ s: Synced<Settings>; db?: Database }> = [];
  afterAll(async () => {
    for (const { s, db } of opened) {
      await s.close();
      if (db) {
        await db.close();
        db.client.disconnect();
      }
    }
  });

  /** A Database on a client of its own (another process). */
  function otherDb(): Database {
    const { backend, prefix } = ctx();
    return new Database(backend.client(), { prefix });
  }
  function open(name: string, options: Parameters<Database["synced"]>[1] = {}, db = ctx().db, own = false): Synced<Settings> {
    const s = db.synced<Settings>(name, options as never);
    opened.push({ s, db: own ? db : undefined });
    return s;
  }
  /** Disconnects `db`'s client: Redis is now unreachable for it. */
  async function cut(db: Database): Promise<void> {
    db.client.disconnect();
    await until(() => db.client.status === "end" || db.client.status === "close", "client closed"); // a Cluster stays at "close"
  }
  return { otherDb, open, cut };
}
