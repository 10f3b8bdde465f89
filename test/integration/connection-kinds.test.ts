/**
 * Issue 16: what `new Database(x)` accepts. Anything that looks like a client narwhal does not
 * drive is refused with a ValidationError naming it, never read as ioredis options (which
 * silently connected to 127.0.0.1:6379); plain ioredis options keep working.
 */
import { Redis } from "ioredis";
import { createClient } from "redis";
import { describe, expect, inject, it } from "vitest";
import { Database } from "../../src/database";
import { ValidationError } from "../../src/errors";

const standalone = inject("standalone");

function refusal(connection: unknown): ValidationError {
  try {
    new Database(connection as never);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("new Database() accepted it");
}

describe("new Database(x) refuses client objects it does not drive", () => {
  it("a class instance, or a plain object with client methods, names what it got and what is accepted", () => {
    class Handle {
      host = "10.0.0.9";
    }
    const byClass = refusal(new Handle());
    expect(byClass.message).toMatch(/instance of Handle/);
    expect(byClass.message).toMatch(/accepted: a redis:\/\/ URL, ioredis options/);
    const byMethods = refusal({ host: "10.0.0.9", sendCommand: () => undefined, connect: () => undefined });
    expect(byMethods.message).toMatch(/plain object with client members \(sendCommand, connect\)/);
    expect(refusal(new Map()).message).toMatch(/instance of Map/);
    expect(refusal(42).message).toMatch(/got number/);
  });

  it.skipIf(!standalone)("ioredis options (a plain object, functions included) still connect where they say", async () => {
    const where = standalone!.path ? { path: standalone!.path } : { host: new URL(standalone!.url!).hostname, port: Number(new URL(standalone!.url!).port) };
    const db = new Database({ ...where, retryStrategy: () => null }, { prefix: "kinds" });
    const reference = new Redis({ ...where, autoResendUnfulfilledCommands: false });
    try {
      // Our private test server (same run_id), not whatever listens on 127.0.0.1:6379.
      const runId = (info: unknown) => /run_id:(\w+)/.exec(String(info))?.[1];
      expect(runId(await db.client.call("info", "server"))).toBe(runId(await reference.call("info", "server")));
    } finally {
      await db.close();
      reference.disconnect();
    }
  });
});

describe.skipIf(!standalone)("a node-redis client", () => {
  it("is never taken for ioredis options: driven through the adapter, or refused by name", async () => {
    const where = standalone!.path ? { socket: { path: standalone!.path, tls: false as const } } : { url: standalone!.url };
    // A client that leaves RESP to the library's default is refused: narwhal needs it named (node-redis-safety.ts).
    expect(refusal(createClient(where)).message).toMatch(/this node-redis client speaks the library's default protocol.*RESP: 2.*RESP: 3/);
    const client = createClient({ ...where, RESP: 2 });
    await client.connect();
    const db = new Database(client);
    try {
      expect((db.client as unknown as { driver?: string }).driver).toBe("node-redis");
      expect(await db.client.call("ping")).toBe("PONG");
    } finally {
      await db.close();
      await client.close();
    }
  });
});
