/**
 * A GLIDE cluster client with one master down is not down (glide-cluster.ts `confirmDown`):
 * on a private 3-master cluster, after SHUTDOWN of one master the adapter stays `ready` (no
 * `close`/`reconnecting`, so a fail-open cache and the coordination helpers keep using the
 * other masters) while commands to the dead master's slots fail one by one and the others'
 * succeed; with every master down it is `reconnecting`. Before, the first failed command made
 * the whole client `reconnecting` and it flapped back to `ready` at each answered PING.
 */
import { GlideClusterClient, ProtocolVersion } from "@valkey/valkey-glide";
import { spawnSync } from "node:child_process";
import { keySlot } from "../../src/slot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../../src/database";
import type { GlideClusterAdapter } from "../../src/drivers/glide-cluster";
import { hasRedisServer, startCluster } from "../support/servers";

const shutdown = (port: number) => spawnSync("redis-cli", ["-p", String(port), "shutdown", "nosave"], { timeout: 5000 });

describe.skipIf(!hasRedisServer())("GLIDE cluster client with masters down (private cluster; skipped without redis-server)", () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let glide: GlideClusterClient;
  let db: Database;
  const events: string[] = [];

  beforeAll(async () => {
    cluster = await startCluster();
    glide = await GlideClusterClient.createClient({ addresses: cluster.clusterPorts.map((port) => ({ host: "127.0.0.1", port })), protocol: ProtocolVersion.RESP2, requestTimeout: 300 });
    db = new Database(glide as never, { prefix: "gcp" });
    for (const event of ["close", "reconnecting", "ready"]) db.client.on(event, () => events.push(event));
    db.client.on("error", () => undefined);
  }, 60_000);
  afterAll(async () => {
    glide?.close();
    await cluster?.stop();
  });

  it("one master down: the client stays ready, the live masters' keys are read, the dead one's fail", async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    for (const key of keys) await db.hash<string>(key).set("f", key);
    const adapter = db.client as unknown as GlideClusterAdapter;
    await adapter.topology();
    const victim = cluster.clusterPorts[0]!;
    // The keys the victim holds (COUNTKEYSINSLOT answers 0 for a slot it does not serve).
    const onVictim = new Set<string>();
    for (const key of keys) {
      const owner = spawnSync("redis-cli", ["-p", String(victim), "cluster", "countkeysinslot", String(keySlot(`gcp:${key}`))], { encoding: "utf8" });
      if (Number(owner.stdout.trim()) > 0) onVictim.add(key);
    }
    expect(onVictim.size).toBeGreaterThan(0);
    expect(onVictim.size).toBeLessThan(keys.length);
    events.length = 0;
    shutdown(victim);
    const deadline = Date.now() + 3000;
    let live = 0;
    let dead = 0;
    while (Date.now() < deadline) {
      const replies = await Promise.allSettled(keys.map((key) => db.hash<string>(key).get("f")));
      replies.forEach((r, i) => {
        const key = keys[i]!;
        if (onVictim.has(key)) {
          expect(r.status).toBe("rejected");
          dead++;
        } else {
          expect(r).toEqual({ status: "fulfilled", value: key });
          live++;
        }
      });
      expect(db.client.status).toBe("ready");
    }
    expect(events).toEqual([]);
    expect(live).toBeGreaterThan(0);
    expect(dead).toBeGreaterThan(0);
  }, 30_000);

  it("every master down: the client is reconnecting", async () => {
    for (const port of cluster.clusterPorts.slice(1)) shutdown(port);
    const started = Date.now();
    while (db.client.status !== "reconnecting" && Date.now() - started < 10_000) {
      await db.hash<string>("k1").get("f").catch(() => undefined);
    }
    expect(db.client.status).toBe("reconnecting");
    expect(events).toContain("reconnecting");
  }, 30_000);
});
