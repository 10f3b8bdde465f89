/**
 * What GLIDE does that shapes narwhal's GLIDE driver (src/drivers/glide*.ts), shown on
 * `@valkey/valkey-glide` against a redis-server of this file's own. Each test asserts GLIDE's
 * behaviour as it is today; one that fails means a blocker moved and the driver is to be
 * revisited: the local tiers' tracking connection of narwhal's own on GLIDE
 * (src/drivers/glide-invalidation.ts), the synthesised connection events (glide.ts), the
 * reply table (glide-replies.ts).
 *
 * - Pub/sub only on RESP3, and the RESP3 `invalidate` pushes of CLIENT TRACKING are dropped:
 *   a GLIDE connection cannot receive the local tiers' invalidations (cache/tracking-connection.ts).
 * - Reconnects are silent: after CLIENT KILL the next command runs on a new connection (new
 *   CLIENT ID, tracking off) and nothing tells the caller (GLIDE has no connection events), so
 *   tracking state on a GLIDE connection could be lost unseen.
 * - No blind resend (what narwhal needs, and GLIDE does): a command in flight when the
 *   connection dies is rejected with a ConnectionError, and not written again after the reconnect.
 * - `customCommand` reshapes replies by command name and rewrites error texts, so an adapter
 *   would have to undo both per command.
 */
import { GlideClient, GlideClientConfiguration, ProtocolVersion } from "@valkey/valkey-glide";
import type { PubSubMsg } from "@valkey/valkey-glide";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasRedisServer, startStandalone } from "../support/servers";

const run = hasRedisServer() ? describe : describe.skip;
const title = hasRedisServer() ? "Valkey GLIDE: the behaviours narwhal's GLIDE driver is built around" : "Valkey GLIDE blockers: not run, no redis-server on PATH";

run(title, () => {
  let server: Awaited<ReturnType<typeof startStandalone>>;
  let addresses: Array<{ host: string; port: number }>;
  const opened: GlideClient[] = [];
  const open = async (config: Partial<Parameters<typeof GlideClient.createClient>[0]> = {}) => {
    const client = await GlideClient.createClient({ addresses, requestTimeout: 5000, ...config });
    opened.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startStandalone();
    addresses = [{ host: "127.0.0.1", port: server.port }];
  });
  afterAll(async () => {
    for (const c of opened) c.close();
    await server?.stop();
  });

  it("pub/sub is refused on RESP2", async () => {
    const config = { channelsAndPatterns: { [GlideClientConfiguration.PubSubChannelModes.Exact]: new Set(["__redis__:invalidate"]) } };
    await expect(open({ protocol: ProtocolVersion.RESP2, pubsubSubscriptions: config })).rejects.toThrow(/PubSub subscriptions require RESP3 protocol/);
  });

  it("on RESP3, CLIENT TRACKING invalidations never reach the subscriber (the push is dropped), while a later message does", async () => {
    const received: string[] = [];
    const callback = (msg: PubSubMsg) => received.push(String(msg.channel));
    const channels = new Set(["__redis__:invalidate", "glide-probe"]);
    const sub = await open({ protocol: ProtocolVersion.RESP3, pubsubSubscriptions: { channelsAndPatterns: { [GlideClientConfiguration.PubSubChannelModes.Exact]: channels }, callback } });
    const id = await sub.customCommand(["CLIENT", "ID"]);
    expect(await sub.customCommand(["CLIENT", "TRACKING", "on", "REDIRECT", String(id), "BCAST", "PREFIX", "glide:"])).toBe("OK");
    const writer = await open();
    await writer.customCommand(["SET", "glide:k", "v"]);
    // Redis writes the invalidation to the connection before this message (same connection, in order).
    await writer.customCommand(["PUBLISH", "glide-probe", "after"]);
    const deadline = Date.now() + 3000;
    while (!received.includes("glide-probe") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received).toEqual(["glide-probe"]);
  });

  it("a killed connection is replaced silently: new CLIENT ID, tracking off, no error to the caller", async () => {
    const client = await open({ protocol: ProtocolVersion.RESP2 });
    const killer = await open();
    const before = await client.customCommand(["CLIENT", "ID"]);
    expect(await client.customCommand(["CLIENT", "TRACKING", "on", "BCAST"])).toBe("OK");
    expect(JSON.stringify(await client.customCommand(["CLIENT", "TRACKINGINFO"]))).toContain('"on"');
    expect(await killer.customCommand(["CLIENT", "KILL", "ID", String(before)])).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    const after = await client.customCommand(["CLIENT", "ID"]);
    expect(after).not.toBe(before);
    const info = JSON.stringify(await client.customCommand(["CLIENT", "TRACKINGINFO"]));
    expect(info).toContain('"off"');
    expect(info).not.toContain('"on"');
  });

  it("a command in flight when its connection dies is rejected, not resent after the reconnect", async () => {
    const client = await open({ protocol: ProtocolVersion.RESP2 });
    const other = await open();
    const id = await client.customCommand(["CLIENT", "ID"]);
    // Observed from the start: the rejection may come while the kill is still being answered.
    const pending = client.customCommand(["BLPOP", "glide:list", "5"]).then(
      () => new Error("BLPOP answered"),
      (error: unknown) => error as Error,
    );
    await new Promise((r) => setTimeout(r, 200));
    await other.customCommand(["CLIENT", "KILL", "ID", String(id)]);
    expect((await pending).message).toMatch(/connection error/i);
    await other.customCommand(["RPUSH", "glide:list", "x"]);
    await new Promise((r) => setTimeout(r, 500));
    // A resent BLPOP would have popped it.
    expect(await other.customCommand(["LLEN", "glide:list"])).toBe(1);
  });

  it("customCommand reshapes replies by command name and rewrites error texts, even on RESP2", async () => {
    const client = await open({ protocol: ProtocolVersion.RESP2 });
    await client.customCommand(["HSET", "glide:h", "a", "1"]);
    expect(await client.customCommand(["HGETALL", "glide:h"])).toEqual([{ key: "a", value: "1" }]);
    expect(await client.customCommand(["HSETNX", "glide:h", "b", "2"])).toBe(true);
    expect(await client.customCommand(["INCRBYFLOAT", "glide:f", "0.5"])).toBe(0.5);
    const error = (await client.customCommand(["LPUSH", "glide:h", "x"]).then(
      () => new Error("LPUSH on a hash answered"),
      (e: unknown) => e,
    )) as Error;
    expect([error.constructor.name, error.message]).toEqual(["RequestError", "WRONGTYPE: Operation against a key holding the wrong kind of value"]);
  });
});
