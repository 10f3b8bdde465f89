/**
 * A worker process of the synced kill-and-restart test (test/integration/synced-kill-restart.test.ts):
 * opens one synced namespace on a redis-server the test kills and restarts, and runs a seeded
 * random mix of set / update / delete as fast as the test paces it, whatever the state of
 * Redis. It records every operation Redis confirmed (the `settled` events: id, what it wrote,
 * version, lost keys, duplicate) and the journal's size after each call, and on request
 * flushes its journal and reports its mirror.
 *
 * Messages from the test: a config, then "go", "flush", "snapshot", "exit".
 */
import { SyncJournalFullError } from "../../src/index";
import type { SyncedSettled } from "../../src/index";
import { closeDatabase, driverDatabase } from "./driver-database";
import { rng } from "./random";

interface Config {
  readonly port: number;
  readonly prefix: string;
  readonly name: string;
  readonly worker: number;
  readonly ops: number;
  readonly keys: number;
  readonly maxPending: number;
  readonly journalPath: string;
  readonly seed: number;
  /** Ms between two operations of one lane. */
  readonly paceMs: number;
  /** Lanes issuing operations concurrently (each waits for its own call before the next). */
  readonly lanes: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

process.once("message", (config: Config) => {
  void run(config).catch((error: unknown) => {
    process.send!({ error: String((error as Error)?.stack ?? error) });
    process.exit(1);
  });
});

async function run(config: Config): Promise<void> {
  // On the driver the parent run selects (the environment is inherited).
  const db = driverDatabase({ port: config.port }, { prefix: config.prefix, connectTimeout: 500, commandTimeout: 1000, reconnectDelay: 20 });
  const mem = db.synced<Record<string, string>>(config.name, { timeout: 200, journal: { maxPending: config.maxPending, path: config.journalPath } });
  const settled: SyncedSettled[] = [];
  mem.on("settled", (s) => settled.push(s));
  await mem.ready();
  const next = (() => {
    const queue: string[] = [];
    process.on("message", (m) => queue.push(m as string));
    return async (): Promise<string> => {
      while (queue.length === 0) await sleep(5);
      return queue.shift()!;
    };
  })();
  process.send!("ready");
  if ((await next()) !== "go") throw new Error("expected go");

  const random = rng(config.seed);
  const key = () => `k${Math.floor(random() * config.keys)}`;
  let accepted = 0;
  let rejected = 0;
  let maxPending = 0;
  let offline = 0;
  let nextOp = 0;
  const lane = async () => {
    for (let i = nextOp++; i < config.ops; i = nextOp++) {
      const value = `${config.worker}:${i}`;
      const roll = random();
      const call = roll < 0.6 ? () => mem.set(key(), value) : roll < 0.85 ? () => mem.update({ [key()]: value, [key()]: `${value}b` }) : () => mem.delete(key());
      for (;;) {
        try {
          await call();
          accepted++;
          break;
        } catch (error) {
          if (!(error instanceof SyncJournalFullError)) throw error;
          rejected++; // the journal is full: wait for Redis, then try again
          await sleep(20);
        }
      }
      const status = mem.status();
      if (!status.connected) offline++;
      maxPending = Math.max(maxPending, status.pending);
      if (config.paceMs > 0) await sleep(config.paceMs);
      else await new Promise((r) => setImmediate(r)); // a real app does I/O between two writes (a journaled write resolves at once)
    }
  };
  await Promise.all(Array.from({ length: config.lanes }, lane));
  process.send!({ issued: accepted });

  if ((await next()) !== "flush") throw new Error("expected flush");
  for (;;) {
    try {
      await mem.flush();
      break;
    } catch {
      await sleep(50);
    }
  }
  process.send!("flushed");

  if ((await next()) !== "snapshot") throw new Error("expected snapshot");
  for (;;) {
    try {
      await mem.get("k0", { fresh: true });
      break;
    } catch {
      await sleep(50);
    }
  }
  process.send!({ mirror: mem.toObject(), settled, accepted, rejected, offline, maxPending, highWater: mem.journalHighWater, status: { ...mem.status(), lastError: String(mem.status().lastError ?? "") } });

  if ((await next()) !== "exit") throw new Error("expected exit");
  await mem.close();
  await closeDatabase(db);
  process.exit(0);
}
