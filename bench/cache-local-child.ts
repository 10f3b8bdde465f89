/**
 * The second process of `bench/cache-local.bench.ts` (forked with tsx): writes for the
 * invalidation-latency runs, and half of the 1,000 concurrent calls of the stampede runs.
 * Commands arrive over IPC; answers go back the same way. Times are `process.hrtime.bigint()`
 * (CLOCK_MONOTONIC: comparable between the processes of one machine), sent as strings.
 */
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { redisBusDriver, redisDriver } from "bentocache/drivers/redis";
import { Redis } from "ioredis";
import type { Database } from "../src/database";
import { narwhalModule } from "./narwhal-module";

type Command =
  | { op: "init"; socket: string; prefix: string }
  | { op: "write"; key: string; value: string }
  | { op: "bento-write"; key: string; value: string }
  | { op: "stampede"; kind: "lock" | "nolock" | "bento" | "plain"; key: string; calls: number; startAt: string; fnMs: number }
  | { op: "exit" };

let raw: Redis;
let db: Database;
let bento: BentoCache<{ multi: ReturnType<typeof bentostore> }>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function handle(cmd: Command): Promise<unknown> {
  switch (cmd.op) {
    case "init":
      raw = new Redis({ path: cmd.socket, autoResendUnfulfilledCommands: false });
      db = new (await narwhalModule()).Database({ path: cmd.socket }, { prefix: cmd.prefix });
      bento = new BentoCache({
        default: "multi",
        stores: {
          multi: bentostore()
            .useL1Layer(memoryDriver({ maxItems: 10_000 }))
            .useL2Layer(redisDriver({ connection: { path: cmd.socket } as never, prefix: `${cmd.prefix}-bento` }))
            .useBus(redisBusDriver({ connection: { path: cmd.socket } as never })),
        },
      });
      await raw.ping();
      return "ready";
    case "write": {
      const t0 = process.hrtime.bigint();
      await raw.set(cmd.key, cmd.value);
      return String(t0);
    }
    case "bento-write": {
      const t0 = process.hrtime.bigint();
      await bento.set({ key: cmd.key, value: cmd.value });
      return String(t0);
    }
    case "stampede": {
      let runs = 0;
      const fn = async () => {
        runs++;
        await sleep(cmd.fnMs);
        return { ok: true };
      };
      const call =
        cmd.kind === "plain"
          ? fn
          : cmd.kind === "bento"
          ? () => bento.getOrSet({ key: cmd.key, factory: fn, ttl: "1m" })
          : (() => {
              const wrapped = db.cache({ namespace: "stampede" }).wrap(fn, { name: cmd.key, ttl: 60, lock: cmd.kind === "lock" ? { ttl: 5, wait: 5 } : false });
              return () => wrapped();
            })();
      const startAt = BigInt(cmd.startAt);
      while (process.hrtime.bigint() < startAt - 2_000_000n) await sleep(1);
      while (process.hrtime.bigint() < startAt) {
        // spin the last 2 ms for a common start
      }
      await Promise.all(Array.from({ length: cmd.calls }, () => call()));
      return { runs, end: String(process.hrtime.bigint()) };
    }
    case "exit":
      await bento?.disconnect().catch(() => undefined);
      await db?.close();
      raw?.disconnect();
      setTimeout(() => process.exit(0), 10);
      return "bye";
  }
}

process.on("message", (msg: { id: number; cmd: Command }) => {
  handle(msg.cmd).then(
    (result) => process.send!({ id: msg.id, result }),
    (error: unknown) => process.send!({ id: msg.id, error: String(error) }),
  );
});
