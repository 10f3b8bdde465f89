/**
 * Issue 17 point 9 for the MemoryClient facade: PUBLISH inside `multi()` is queued and
 * delivered at EXEC with its receiver count in the results, as ioredis against redis-server
 * gets it (the facade refused it before: the engine has no PUBLISH); a PUBLISH with a wrong
 * argument count aborts the transaction with Redis's errors; in a pipeline and through `call`
 * it runs at once.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MemoryClient } from "../../src/memory/facade";

const standalone = inject("standalone");

describe.skipIf(!standalone)("MemoryClient multi()/pipeline() with PUBLISH, like ioredis on redis-server", () => {
  let redis: Redis;
  let memory: MemoryClient;
  const closers: Array<() => void> = [];
  beforeAll(() => {
    redis = standalone!.url ? new Redis(standalone!.url) : new Redis({ path: standalone!.path! });
    memory = new MemoryClient();
  });
  afterAll(() => {
    for (const close of closers) close();
    redis?.disconnect();
    memory?.disconnect();
  });

  /** A subscriber on the same server as `c`, collecting the messages of `channel`. */
  async function subscriber(c: Redis | MemoryClient, channel: string): Promise<string[]> {
    const sub = c.duplicate() as Redis;
    closers.push(() => sub.disconnect());
    const got: string[] = [];
    sub.on("message", (ch: string, message: string) => {
      if (ch === channel) got.push(message);
    });
    await sub.subscribe(channel);
    return got;
  }

  const shape = (r: Array<[Error | null, unknown]> | null) => r?.map(([e, v]) => (e ? `!${e.message}` : v));

  it("PUBLISH queued in MULTI: count in EXEC's results, message delivered at EXEC", async () => {
    const seen: Record<string, unknown> = {};
    for (const [side, c] of [["redis", redis], ["memory", memory]] as const) {
      const got = await subscriber(c, "fm:ch");
      const client = c as Redis;
      await client.del("fm:k");
      const results = shape(await client.multi().set("fm:k", "1").publish("fm:ch", "hello").call("publish", "fm:ch", "again").publish("fm:none", "x").get("fm:k").exec());
      await new Promise((r) => setTimeout(r, 50));
      const pipelined = shape(await client.pipeline().publish("fm:ch", "piped").get("fm:k").exec());
      const called = await client.call("publish", "fm:ch", "called");
      const arity = await client.call("publish", "fm:ch").catch((e: Error) => `!${e.message}`);
      await new Promise((r) => setTimeout(r, 50));
      seen[side] = { results, pipelined, called, arity, got: [...got] };
    }
    expect(seen.memory).toEqual(seen.redis);
    expect((seen.redis as { got: string[] }).got).toEqual(["hello", "again", "piped", "called"]);
  });

  it("PUBLISH with a wrong argument count aborts the MULTI (EXECABORT) with Redis's errors", async () => {
    const abort = async (c: Redis) => {
      const e = (await c.multi().set("fm:k", "2").call("publish", "fm:ch").exec().catch((x: unknown) => x)) as Error & { previousErrors?: Error[] };
      return [e.message, e.previousErrors?.map((p) => p.message), await c.get("fm:k")];
    };
    expect(await abort(memory as unknown as Redis)).toEqual(await abort(redis));
  });
});
