/**
 * Issue 16: `new Database(glideClusterClient)` on the local test cluster: a RESP2 or RESP3
 * GlideClusterClient routes each key to its slot's master (all 3 hold keys), runs a MULTI on
 * one slot and pipelines across slots, holds requests beyond GLIDE's inflightRequestsLimit,
 * runs EVALSHA again after SCRIPT FLUSH, gives each master's duplicate() as a standalone
 * client, and waits in a blocking pop on a dedicated connection. Masters shut down:
 * glide-cluster-partial.test.ts. The standalone GlideClient: glide-driver.test.ts.
 */
import { GlideClusterClient, ProtocolVersion } from "@valkey/valkey-glide";
import { keySlot } from "../../src/slot";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { Database } from "../../src/database";
import type { GlideClusterAdapter } from "../../src/drivers/glide-cluster";

const cluster = inject("cluster");
const P = `glc${process.pid}`;

(cluster ? describe : describe.skip)("new Database(glideClusterClient)", () => {
  const opened: Array<{ close(): void }> = [];
  let io: Cluster;
  const open = async (protocol: ProtocolVersion) => {
    const c = await GlideClusterClient.createClient({ addresses: cluster!.nodes, protocol, requestTimeout: 5000 });
    opened.push(c);
    return c;
  };
  beforeAll(() => {
    io = new Cluster(cluster!.nodes, { redisOptions: { autoResendUnfulfilledCommands: false } });
  });
  afterAll(async () => {
    for (const c of opened) c.close();
    for (const node of io.nodes("master")) {
      for (const pattern of [`${P}gc*`, `{${P}gc*`]) {
        const [, keys] = (await node.scan("0", "MATCH", pattern, "COUNT", 10000)) as [string, string[]];
        for (const key of keys) await node.unlink(key);
      }
    }
    io.disconnect();
  });

  for (const protocol of [ProtocolVersion.RESP2, ProtocolVersion.RESP3]) {
    it(`accepts a ${protocol === ProtocolVersion.RESP2 ? "RESP2" : "RESP3"} GlideClusterClient and routes each key to its slot's master (all 3 masters hold keys)`, async () => {
      const client = await open(protocol);
      const db = new Database(client as never, { prefix: `${P}gc${protocol}` });
      expect(db.isCluster).toBe(true);
      const adapter = db.client as unknown as GlideClusterAdapter;
      await Promise.all(Array.from({ length: 30 }, (_, i) => db.hash<string>(`h${i}`).set("f", String(i))));
      for (let i = 0; i < 30; i++) expect(await io.hget(`${P}gc${protocol}:h${i}`, "f")).toBe(String(i));
      await adapter.topology();
      const masters = adapter.nodes("master");
      expect(masters.map((m) => m.options.port).sort()).toEqual(io.nodes("master").map((n) => n.options.port).sort());
      const perMaster = await Promise.all(masters.map(async (m) => ((await m.call("scan", "0", "MATCH", `${P}gc${protocol}:h*`, "COUNT", 10000)) as [string, string[]])[1].length));
      expect(perMaster.every((n) => n > 0)).toBe(true);
      expect(perMaster.reduce((a, b) => a + b, 0)).toBe(30);
      expect(await db.hash<string>("h7").toObject()).toEqual({ f: "7" });
      await db.close();
      expect(await client.customCommand(["PING"], { route: "randomNode" })).toBe("PONG");
    });
  }

  it("runs a MULTI on one slot (atomically, on that slot's master) and a pipeline across slots", async () => {
    const adapter = new Database((await open(ProtocolVersion.RESP2)) as never).client;
    const m = adapter.multi();
    m.call("set", `{${P}gct}a`, "1");
    m.call("incr", `{${P}gct}a`);
    m.call("hset", `{${P}gct}h`, "f", "v");
    m.call("lpush", `{${P}gct}h`, "x");
    m.callBuffer("get", `{${P}gct}a`);
    const r = await m.exec();
    expect(r!.map(([e, v]) => (e ? e.message.split(" ")[0] : v))).toEqual(["OK", 2, 1, "WRONGTYPE", Buffer.from("2")]);
    expect(await io.get(`{${P}gct}a`)).toBe("2");
    const keys = Array.from({ length: 12 }, (_, i) => `${P}gcp${i}`);
    const p = adapter.pipeline();
    for (const key of keys) p.call("set", key, key);
    for (const key of keys) p.call("get", key);
    p.call("hgetall", `{${P}gct}h`);
    const out = await p.exec();
    expect(out!.map(([e, v]) => e ?? v)).toEqual([...keys.map(() => "OK"), ...keys, { f: "v" }]);
    expect(new Set(keys.map((key) => keySlot(key))).size).toBeGreaterThan(1);
    for (const key of keys) expect(await io.get(key)).toBe(key);
  });

  it("holds requests beyond GLIDE's inflightRequestsLimit back instead of failing them (commands and batches)", async () => {
    const client = await GlideClusterClient.createClient({ addresses: cluster!.nodes, protocol: ProtocolVersion.RESP2, requestTimeout: 5000, inflightRequestsLimit: 20 });
    opened.push(client);
    const adapter = new Database(client as never).client;
    const multi = (key: string) => {
      const m = adapter.multi();
      m.call("incr", key);
      return m.exec();
    };
    const replies = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? multi(`${P}gci${i % 7}`) : adapter.call("incr", `${P}gci${i % 7}`))));
    expect(replies).toHaveLength(300);
    const total: Array<string | null> = await Promise.all(Array.from({ length: 7 }, (_, i) => io.get(`${P}gci${i}`)));
    expect(total.reduce((sum, n) => sum + Number(n), 0)).toBe(300);
  });

  it("runs a script with EVALSHA, and again after SCRIPT FLUSH on every master (NOSCRIPT → EVAL)", async () => {
    const db = new Database((await open(ProtocolVersion.RESP2)) as never, { prefix: `${P}gcs` });
    const bump = db.script<number>({ name: "bump", keys: 1, lua: "return redis.call('incrby', KEYS[1], ARGV[1])" });
    expect(await bump(["n"], [2])).toBe(2);
    await Promise.all(io.nodes("master").map((n) => n.script("FLUSH")));
    expect(await bump(["n"], [3])).toBe(5);
    expect(await io.get(db.keys.container("n"))).toBe("5");
    await db.close();
  });

  it("a master's duplicate() is a standalone GlideClient to that master, named as asked (connectionName → clientName)", async () => {
    const db = new Database((await open(ProtocolVersion.RESP2)) as never, { prefix: `${P}gcd` });
    const adapter = db.client as unknown as GlideClusterAdapter;
    await adapter.topology();
    for (const master of adapter.nodes("master")) {
      const dup = master.duplicate([], { connectionName: `narwhal-dup-${master.options.port}` });
      try {
        expect(dup.isCluster).toBe(false);
        expect(String(await dup.call("info", "server"))).toContain(`tcp_port:${master.options.port}`);
        expect(await dup.call("client", "getname")).toBe(`narwhal-dup-${master.options.port}`);
      } finally {
        dup.disconnect();
      }
    }
    await db.close();
  });

  it("waits in a blocking pop on a dedicated connection (a duplicate GlideClusterClient) while the client goes on", async () => {
    const db = new Database((await open(ProtocolVersion.RESP2)) as never, { prefix: `${P}gcb` });
    const list = db.list<string>("q");
    const popped = list.shiftBlocking(5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await db.hash<string>("other").set("f", "v")).toBeDefined();
    await io.rpush(`${P}gcb:q`, "item");
    expect(await popped).toBe("item");
    await db.close();
  });
});
