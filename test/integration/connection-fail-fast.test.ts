/**
 * Issue 10, point 4: calls fail fast and stay fast while Redis is down: with a closed port and
 * with a blackholed one (accepts, never answers), every call settles within the command
 * timeout with a ConnectionError that names the server and the cause (not an ioredis option),
 * and once the client knows it is down, calls are refused at once, concurrent ones too.
 * On the driver the run selects (test/support/driver-database.ts).
 */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, inject, it } from "vitest";
import type { Database } from "../../src/database";
import { ConnectionError } from "../../src/errors";
import { driver, nodeRedisMajor } from "../support/driver-env";
import { closeDatabase, driverDatabase } from "../support/driver-database";
import { FaultProxy } from "../support/fault-proxy";

const COMMAND_TIMEOUT = 800;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function timed(call: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  const error = await call().then(() => undefined, (e: unknown) => e);
  return { ms: performance.now() - started, error };
}

async function expectFailsFast(db: Database, where: string): Promise<void> {
  const list = db.list("q");
  const successive: number[] = [];
  for (let i = 0; i < 8; i++) {
    const { ms, error } = await timed(() => list.push("x"));
    successive.push(Math.round(ms));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toContain(where);
    expect((error as ConnectionError).message).not.toMatch(/maxRetriesPerRequest/);
    expect((error as ConnectionError).mayHaveApplied).toBe(false);
    expect(ms).toBeLessThan(COMMAND_TIMEOUT + 300);
  }
  // Once down is known, a call does not wait at all (not a growing retry backoff).
  expect(successive.slice(-4).every((ms) => ms < 50), `successive calls took ${successive.join(", ")} ms`).toBe(true);
  const started = performance.now();
  const concurrent = await Promise.all(Array.from({ length: 100 }, () => list.size().then(() => undefined, (e: unknown) => e)));
  expect(concurrent.every((e) => e instanceof ConnectionError)).toBe(true);
  expect(performance.now() - started).toBeLessThan(200);
  console.log(`[fail-fast ${where}] successive calls (ms): ${successive.join(", ")}; 100 concurrent: ${Math.round(performance.now() - started)} ms`);
}

describe("calls fail fast while Redis is down", () => {
  it("a closed port", async () => {
    const port = await closedPort();
    const db = driverDatabase({ port }, { connectTimeout: 300, commandTimeout: COMMAND_TIMEOUT });
    try {
      await expectFailsFast(db, `127.0.0.1:${port}`);
    } finally {
      await closeDatabase(db);
    }
  });

  // node-redis 5 writes calls onto a connection whose server never answered (no handshake on
  // RESP2; on RESP3 behind its unanswered HELLO) and its command timeout does not bound a
  // written call: they wait for the connection to close, so this case does not apply to it.
  const writesUnbounded = driver === "node-redis" && nodeRedisMajor === 5;
  it.skipIf(writesUnbounded)(`a blackholed port (accepts, never answers)${writesUnbounded ? " (not on node-redis 5: its command timeout does not bound a call already written)" : ""}`, async () => {
    const sink = createServer(() => undefined);
    await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
    const proxy = await FaultProxy.start({ port: (sink.address() as AddressInfo).port });
    proxy.blackhole(true);
    const db = driverDatabase({ port: proxy.port }, { connectTimeout: 300, commandTimeout: COMMAND_TIMEOUT });
    try {
      await expectFailsFast(db, `127.0.0.1:${proxy.port}`);
    } finally {
      await closeDatabase(db);
      await proxy.stop();
      sink.close();
    }
  });

  const standalone = inject("standalone");
  it.skipIf(!standalone || standalone.external)("recovers by itself once the server answers again", async () => {
    const proxy = await FaultProxy.start(standalone!.path ? { path: standalone!.path } : { port: Number(new URL(standalone!.url!).port) });
    const db = driverDatabase({ port: proxy.port }, { prefix: "fail-fast-recovery", connectTimeout: 300, commandTimeout: COMMAND_TIMEOUT });
    try {
      expect(await db.hash("h").set("f", "1")).toBe(true);
      proxy.blackhole(true);
      proxy.cutAll();
      await expect(db.hash("h").get("f")).rejects.toBeInstanceOf(ConnectionError);
      proxy.blackhole(false);
      const started = Date.now();
      let value: string | undefined;
      while (value === undefined && Date.now() - started < 5000) {
        value = await db.hash("h").get("f").catch(() => undefined);
        if (value === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect(value).toBe("1");
      await db.hash("h").clear();
    } finally {
      await closeDatabase(db);
      await proxy.stop();
    }
  });
});
