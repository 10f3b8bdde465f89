/**
 * narwhal's own RESP2 invalidation connection (src/drivers/resp2-connection.ts) against a
 * redis-server of this file's own: the CLIENT TRACKING setup tracking-connection.ts runs on it,
 * invalidation messages (keys, and null for a flush), the end of the connection (killed,
 * disconnected), AUTH, and a connect that never completes.
 */
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Resp2Connection } from "../../src/drivers/resp2-connection";
import { hasRedisServer, startStandalone } from "../support/servers";

const run = hasRedisServer() ? describe : describe.skip;
const title = hasRedisServer() ? "Resp2Connection (narwhal's own invalidation connection)" : "Resp2Connection: not run, no redis-server on PATH";

/** Resolves with the events `connection` emits until `end`. */
function eventsUntilEnd(connection: Resp2Connection): Promise<string[]> {
  const seen: string[] = [];
  return new Promise((resolve) => {
    connection.on("error", (e: Error) => seen.push(`error: ${e.message}`));
    connection.on("close", () => seen.push("close"));
    connection.on("end", () => {
      seen.push("end");
      resolve(seen);
    });
  });
}

run(title, () => {
  let server: Awaited<ReturnType<typeof startStandalone>>;
  let secured: Awaited<ReturnType<typeof startStandalone>>;
  let raw: Redis;

  beforeAll(async () => {
    [server, secured] = await Promise.all([startStandalone(), startStandalone()]);
    raw = new Redis({ port: server.port });
    // Set after the start: the harness's readiness probe does not authenticate.
    const admin = new Redis({ port: secured.port });
    await admin.acl("SETUSER", "r2user", "on", ">pw2", "~*", "+@all");
    await admin.config("SET", "requirepass", "s3cret");
    admin.disconnect();
  });
  afterAll(async () => {
    raw?.disconnect();
    await Promise.all([server?.stop(), secured?.stop()]);
  });

  const ready = (c: Resp2Connection) => (c.status === "ready" ? Promise.resolve() : new Promise<void>((r) => c.once("ready", () => r())));

  it("runs tracking-connection.ts's setup and receives BCAST invalidations: the keys, then null for FLUSHALL", async () => {
    const c = new Resp2Connection({ host: "127.0.0.1", port: server.port });
    try {
      await ready(c);
      const id = await c.call("CLIENT", "ID");
      expect(typeof id).toBe("number");
      const messages: unknown[] = [];
      c.on("messageBuffer", (channel: Buffer, payload: unknown) => messages.push([channel.toString(), payload]));
      expect(await Promise.all([c.call("CLIENT", "SETNAME", "narwhal-tracking"), c.call("CLIENT", "TRACKING", "on", "REDIRECT", String(id), "BCAST", "PREFIX", "r2:"), c.subscribe("__redis__:invalidate")])).toEqual(["OK", "OK", 1]);
      await raw.set("r2:a", "1");
      await raw.set("other", "1");
      await raw.mset("r2:b", "1", "r2:c", "2");
      // PING in pub/sub mode is answered behind every invalidation queued before it.
      expect(await c.call("PING")).toEqual(["pong", ""]);
      await raw.flushall();
      await c.call("PING");
      expect(messages).toEqual([
        ["__redis__:invalidate", [Buffer.from("r2:a")]],
        ["__redis__:invalidate", [Buffer.from("r2:b"), Buffer.from("r2:c")]],
        ["__redis__:invalidate", null],
      ]);
      const clients = String(await raw.client("LIST"));
      expect(clients).toMatch(new RegExp(`id=${String(id)} .*name=narwhal-tracking .*flags=Pt`));
    } finally {
      c.disconnect();
    }
  });

  it("a killed connection rejects what is pending and emits close then end; it does not reconnect", async () => {
    const c = new Resp2Connection({ host: "127.0.0.1", port: server.port });
    const events = eventsUntilEnd(c);
    await ready(c);
    const id = await c.call("CLIENT", "ID");
    // Settled into a value at once: the kill may reject it before CLIENT KILL's own reply
    // arrives, and a rejection nobody handles yet is reported as unhandled.
    const blocked = c.call("BLPOP", "r2:never", "0").then(
      () => "resolved",
      (error: Error) => error.message,
    );
    await raw.client("KILL", "ID", String(id));
    expect(await blocked).toMatch(/connection closed/);
    expect(await events).toEqual(["error: connection closed", "close", "end"]);
    expect(c.status).toBe("end");
    await expect(c.call("PING")).rejects.toThrow(/closed/);
    await new Promise((r) => setTimeout(r, 100));
    expect(String(await raw.client("LIST"))).not.toContain(`id=${String(id)} `);
  });

  it("disconnect() and quit() end it without an error event", async () => {
    const a = new Resp2Connection({ host: "127.0.0.1", port: server.port });
    const aEvents = eventsUntilEnd(a);
    await ready(a);
    a.disconnect();
    expect(await aEvents).toEqual(["close", "end"]);
    const b = new Resp2Connection({ host: "127.0.0.1", port: server.port });
    const bEvents = eventsUntilEnd(b);
    await ready(b);
    expect(await b.quit()).toBe("OK");
    expect(await bEvents).toEqual(["close", "end"]);
  });

  it("AUTH (password, or username and password) first; a wrong one ends the connection with the server's error", async () => {
    for (const credentials of [{ password: "s3cret" }, { username: "r2user", password: "pw2" }]) {
      const good = new Resp2Connection({ host: "127.0.0.1", port: secured.port, ...credentials });
      try {
        await ready(good);
        expect(await good.call("ACL", "WHOAMI")).toBe(credentials.username ?? "default");
      } finally {
        good.disconnect();
      }
    }
    const bad = new Resp2Connection({ host: "127.0.0.1", port: secured.port, username: "r2user", password: "wrong" });
    const events = eventsUntilEnd(bad);
    await ready(bad);
    // Settled into a value at once (it is rejected while we wait for the events).
    const ping = bad.call("PING").then(
      () => "resolved",
      (error: Error) => error.message,
    );
    expect((await events)[0]).toMatch(/^error: WRONGPASS/);
    // Sent behind the failed AUTH: the server refused it too (or the close rejected it first).
    expect(await ping).toMatch(/NOAUTH|WRONGPASS|closed/);
  });

  it("a connect that never completes (a TLS handshake nobody answers) fails after connectTimeout", async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    try {
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.message);
      process.on("warning", onWarning);
      const started = performance.now();
      const c = new Resp2Connection({ host: "127.0.0.1", port: (silent.address() as AddressInfo).port, tls: true, connectTimeout: 200 });
      expect(await eventsUntilEnd(c)).toEqual([expect.stringMatching(/^error: connect to 127\.0\.0\.1:\d+ timed out after 200 ms$/), "close", "end"]);
      expect(performance.now() - started).toBeLessThan(1500);
      // An IP address is not sent as SNI (Node's DEP0123 warning would say so).
      await new Promise((r) => setImmediate(r));
      process.off("warning", onWarning);
      expect(warnings.filter((m) => /ServerName|RFC 6066/.test(m))).toEqual([]);
    } finally {
      silent.close();
    }
  });
});
