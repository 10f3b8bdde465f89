/**
 * Blocking stream reads of the embedded engine, scenario by scenario against redis-server
 * (private server, DB 12, flushed): XREAD/XREADGROUP BLOCK woken by an XADD from another
 * client, XREADGROUP waiters woken with an error by XGROUP DESTROY, DEL, an overwrite or
 * FLUSHDB, FIFO service of waiters, timeouts, BLOCK inside MULTI, and XREAD waiters that
 * outlive their key. Every scenario's transcript must be identical on both.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MemoryClient } from "../../src/memory/facade";

const DB = 12;
const standalone = inject("standalone");
const canFlush = standalone && (!standalone.external || process.env.NARWHAL_TEST_ALLOW_FLUSH === "1");

type Client = { call(...args: unknown[]): Promise<unknown> };
type Scenario = (clients: Client[], log: (label: string, value: unknown) => void) => Promise<void>;

const pause = (ms = 60) => new Promise((r) => setTimeout(r, ms));

/** Errors (also inside EXEC replies) as `!message`, so both sides' error objects compare by text. */
function plain(value: unknown): unknown {
  if (value instanceof Error) return `!${value.message}`;
  return Array.isArray(value) ? value.map(plain) : value;
}

async function settle(p: Promise<unknown>): Promise<unknown> {
  try {
    return await p;
  } catch (error) {
    return `!${(error as Error).message}`;
  }
}

const SCENARIOS: Record<string, Scenario> = {
  "XREAD BLOCK 0 $ is woken by XADD from another client": async ([a, b], log) => {
    await b!.call("xadd", "s", "1-1", "f", "old");
    const read = settle(a!.call("xread", "BLOCK", 0, "STREAMS", "s", "$"));
    await pause();
    log("xadd", await b!.call("xadd", "s", "2-0", "f", "new"));
    log("read", await read);
  },
  "XREAD BLOCK on two keys returns only the key that got data": async ([a, b], log) => {
    const read = settle(a!.call("xread", "BLOCK", 0, "STREAMS", "s", "t", "0", "0"));
    await pause();
    await b!.call("xadd", "t", "5-0", "x", "1");
    log("read", await read);
  },
  "XREAD BLOCK times out with nil": async ([a], log) => {
    log("read", await settle(a!.call("xread", "BLOCK", 50, "STREAMS", "s", "$")));
  },
  "XREADGROUP BLOCK > delivers to the first waiter, then the second": async ([a, b, c], log) => {
    await c!.call("xgroup", "CREATE", "s", "g", "$", "MKSTREAM");
    const first = settle(a!.call("xreadgroup", "GROUP", "g", "c1", "BLOCK", 0, "STREAMS", "s", ">"));
    await pause();
    const second = settle(b!.call("xreadgroup", "GROUP", "g", "c2", "BLOCK", 0, "STREAMS", "s", ">"));
    await pause();
    await c!.call("xadd", "s", "1-0", "f", "a");
    log("first", await first);
    await c!.call("xadd", "s", "2-0", "f", "b");
    log("second", await second);
    log("pending", await c!.call("xpending", "s", "g"));
  },
  "XREADGROUP BLOCK with COUNT gets a MULTI's entries up to COUNT": async ([a, b], log) => {
    await b!.call("xgroup", "CREATE", "s", "g", "$", "MKSTREAM");
    const read = settle(a!.call("xreadgroup", "GROUP", "g", "c", "COUNT", 2, "BLOCK", 0, "STREAMS", "s", ">"));
    await pause();
    await b!.call("multi");
    for (const id of ["1-0", "2-0", "3-0"]) await b!.call("xadd", "s", id, "f", id);
    log("exec", await b!.call("exec"));
    log("read", await read);
    log("info", await b!.call("xinfo", "groups", "s"));
  },
  "XGROUP DESTROY wakes XREADGROUP with NOGROUP": async ([a, b], log) => {
    await b!.call("xgroup", "CREATE", "s", "g", "$", "MKSTREAM");
    const read = settle(a!.call("xreadgroup", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", "s", ">"));
    await pause();
    log("destroy", await b!.call("xgroup", "DESTROY", "s", "g"));
    log("read", await read);
  },
  "DEL of the stream wakes XREADGROUP with UNBLOCKED": async ([a, b], log) => {
    await b!.call("xgroup", "CREATE", "s", "g", "$", "MKSTREAM");
    const read = settle(a!.call("xreadgroup", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", "s", ">"));
    await pause();
    log("del", await b!.call("del", "s"));
    log("read", await read);
  },
  "SET over the stream wakes XREADGROUP with UNBLOCKED": async ([a, b], log) => {
    await b!.call("xgroup", "CREATE", "s", "g", "$", "MKSTREAM");
    const read = settle(a!.call("xreadgroup", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", "s", ">"));
    await pause();
    log("set", await b!.call("set", "s", "x"));
    log("read", await read);
  },
  "DEL + XADD in one MULTI: the new stream has no group (NOGROUP)": async ([a, b], log) => {
    await b!.call("xgroup", "CREATE", "s", "g", "$", "MKSTREAM");
    const read = settle(a!.call("xreadgroup", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", "s", ">"));
    await pause();
    await b!.call("multi");
    await b!.call("del", "s");
    await b!.call("xadd", "s", "1-0", "f", "v");
    log("exec", await b!.call("exec"));
    log("read", await read);
  },
  "FLUSHDB wakes XREADGROUP with UNBLOCKED": async ([a, b], log) => {
    await b!.call("xgroup", "CREATE", "s", "g", "$", "MKSTREAM");
    const read = settle(a!.call("xreadgroup", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", "s", ">"));
    await pause();
    await b!.call("flushdb");
    log("read", await read);
  },
  "an XREAD waiter outlives its key and waits for an ID above the old last one": async ([a, b], log) => {
    await b!.call("xadd", "s", "100-0", "f", "v");
    const read = settle(a!.call("xread", "BLOCK", 0, "STREAMS", "s", "$"));
    await pause();
    log("del", await b!.call("del", "s"));
    log("xadd low", await b!.call("xadd", "s", "5-0", "f", "low"));
    await pause();
    log("xadd high", await b!.call("xadd", "s", "200-0", "f", "high"));
    log("read", await read);
  },
  "BLOCK inside MULTI answers nil at once": async ([a], log) => {
    await a!.call("multi");
    await a!.call("xread", "BLOCK", 0, "STREAMS", "s", "$");
    await a!.call("xreadgroup", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", "nokey", ">");
    log("exec", await settle(a!.call("exec")));
  },
};

(canFlush ? describe : describe.skip)("stream blocking reads: engine vs redis-server", () => {
  const redis: Redis[] = [];
  let memory: MemoryClient;

  beforeAll(async () => {
    const options = { db: DB, maxRetriesPerRequest: 1 };
    for (let i = 0; i < 3; i++) redis.push(standalone!.url ? new Redis(standalone!.url, options) : new Redis({ path: standalone!.path, ...options }));
    memory = new MemoryClient({ db: DB });
  });

  afterAll(async () => {
    await redis[0]?.flushdb();
    for (const r of redis) r.disconnect();
    memory?.disconnect();
  });

  for (const [title, scenario] of Object.entries(SCENARIOS)) {
    it(title, async () => {
      const transcripts: unknown[][] = [];
      for (const side of ["redis", "memory"] as const) {
        const clients: Client[] = side === "redis" ? redis : [memory, memory.duplicate(), memory.duplicate()];
        await clients[0]!.call("flushdb");
        const transcript: unknown[] = [];
        await scenario(clients, (label, value) => transcript.push([label, plain(value)]));
        transcripts.push(transcript);
        if (side === "memory") for (const c of clients.slice(1)) (c as MemoryClient).disconnect();
      }
      expect(transcripts[1]).toEqual(transcripts[0]);
    });
  }
});
