/**
 * narwhal's own CPU per call over each driver, without the network (part of `npm run bench --
 * drivers`, issue 16): both clients are stubbed below their command queue (ioredis's
 * `sendCommand`, node-redis's `sendCommand` on its client class) to answer at once, and the
 * same calls as drivers.bench.ts run through narwhal and through the raw client, 100 in
 * flight, in shuffled rounds. With no socket, server or event-loop wake-ups in the loop, the
 * difference narwhal − raw is narwhal's own work (and its adapter's) and varies far less under
 * other load than the CPU time of the full round trip.
 */
import { Redis } from "ioredis";
import { createClient } from "redis";
import { rng } from "../test/support/random";
import { shuffle } from "./support";

/** One contender: its ops by name, as drivers.bench.ts builds them. */
export type Ops = Record<string, (i: number) => Promise<unknown>>;

/** Replies the stubs give: an HGET value, HSET's 0, a script's integer. */
function replyTo(name: string, value: string): unknown {
  const n = name.toLowerCase();
  return n === "hget" ? value : n === "hset" ? 0 : 5;
}

const nodeRedisClient = () => createClient({ RESP: 2 });

/**
 * An ioredis client and a node-redis client (RESP2) that never connect and answer every command
 * at once. The node-redis stub is on its class, so it reaches every node-redis client of the
 * process until `restore()`.
 */
export function stubbedClients(value: string): { ioredis: Redis; nodeRedis: ReturnType<typeof nodeRedisClient>; restore(): void } {
  const ioredis = new Redis({ lazyConnect: true, autoResendUnfulfilledCommands: false });
  Object.defineProperty(ioredis, "status", { value: "ready", configurable: true });
  type IoCommand = { name: string; resolve(v: unknown): void; promise: Promise<unknown> };
  (ioredis as unknown as { sendCommand(c: IoCommand): Promise<unknown> }).sendCommand = (command) => {
    command.resolve(replyTo(command.name, value));
    return command.promise;
  };
  const nodeRedis = nodeRedisClient();
  Object.defineProperty(nodeRedis, "isReady", { get: () => true });
  Object.defineProperty(nodeRedis, "isOpen", { get: () => true });
  // hGet/hSet call `sendCommand` on node-redis's internal `this`: stub it where the class defines it.
  let proto: object | null = nodeRedis;
  while (proto !== null && !Object.prototype.hasOwnProperty.call(proto, "sendCommand")) proto = Object.getPrototypeOf(proto) as object | null;
  if (proto === null) throw new Error("node-redis client has no sendCommand to stub");
  const owner = proto as { sendCommand(args: unknown[]): Promise<unknown> };
  const original = owner.sendCommand;
  owner.sendCommand = (args) => Promise.resolve(replyTo(String(args[0]), value));
  return { ioredis, nodeRedis, restore: () => void (owner.sendCommand = original) };
}

/** CPU ns per call of `op`, `calls` calls with 100 in flight. */
async function cpuNs(op: (i: number) => Promise<unknown>, calls: number): Promise<number> {
  let next = 0;
  const start = process.cpuUsage();
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < calls) await op(next++);
    }),
  );
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / calls;
}

/** Per op name and driver: median CPU ns per call through narwhal and raw over `rounds` shuffled rounds, and narwhal's own (the difference). */
export async function ownWork(
  contenders: ReadonlyArray<{ driver: string; via: "narwhal" | "raw"; ops: Ops }>,
  { rounds = 9, calls = 50_000 }: { rounds?: number; calls?: number } = {},
): Promise<Array<{ op: string; driver: string; narwhal: number; raw: number; own: number }>> {
  const out: Array<{ op: string; driver: string; narwhal: number; raw: number; own: number }> = [];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const op of Object.keys(contenders[0]!.ops)) {
    for (const c of contenders) await cpuNs(c.ops[op]!, calls / 5); // warm-up (JIT)
    const ns: number[][] = contenders.map(() => []);
    const order = contenders.map((_, k) => k);
    const random = rng(16);
    for (let r = 0; r < rounds; r++) {
      shuffle(order, random);
      for (const k of order) ns[k]!.push(await cpuNs(contenders[k]!.ops[op]!, calls));
    }
    for (const driver of new Set(contenders.map((c) => c.driver))) {
      const n = contenders.findIndex((c) => c.driver === driver && c.via === "narwhal");
      const raw = contenders.findIndex((c) => c.driver === driver && c.via === "raw");
      const own = median(ns[n]!.map((x, r) => x - ns[raw]![r]!));
      out.push({ op, driver, narwhal: median(ns[n]!), raw: median(ns[raw]!), own });
    }
  }
  return out;
}
