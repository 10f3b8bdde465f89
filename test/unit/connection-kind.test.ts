/**
 * What `new Database(x)` takes `x` for (src/drivers/detect.ts), on real client objects that
 * are created but never connected: ioredis, node-redis client/cluster/pool/sentinel, the
 * embedded engine's MemoryClient, Valkey GLIDE clients (lazyConnect), plain options and anything else.
 */
import { GlideClient, GlideClusterClient, ProtocolVersion } from "@valkey/valkey-glide";
import { Cluster, Redis } from "ioredis";
import { createClient, createClientPool, createCluster, createSentinel } from "redis";
import { describe, expect, it } from "vitest";
import { connectionKind } from "../../src/drivers/detect";
import { Database } from "../../src/database";
import { ValidationError } from "../../src/errors";
import { MemoryClient } from "../../src/memory/facade";

function refused(value: unknown): string {
  try {
    connectionKind(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error("accepted");
}

describe("connectionKind", () => {
  it("URLs and plain ioredis options (functions and all) are what narwhal connects itself", () => {
    expect(connectionKind("redis://10.0.0.1:6380")).toBe("url");
    expect(connectionKind({ host: "10.0.0.1", port: 6380, retryStrategy: () => 100, tls: {} })).toBe("options");
    expect(connectionKind(Object.assign(Object.create(null), { path: "/tmp/r.sock" }))).toBe("options");
  });

  it("ioredis clients and the embedded engine's client are used as they are", () => {
    const redis = new Redis({ lazyConnect: true });
    const cluster = new Cluster([{ host: "127.0.0.1", port: 1 }], { lazyConnect: true });
    try {
      expect(connectionKind(redis)).toBe("ioredis");
      expect(connectionKind(cluster)).toBe("ioredis");
      expect(connectionKind(new MemoryClient())).toBe("ioredis");
    } finally {
      redis.disconnect();
      cluster.disconnect();
    }
  });

  it("node-redis createClient() and createCluster() go to the adapter; a pool or a sentinel client is refused by name", () => {
    expect(connectionKind(createClient({ url: "redis://10.0.0.1:6380", RESP: 2 }))).toBe("node-redis");
    expect(connectionKind(createCluster({ rootNodes: [{ url: "redis://10.0.0.1:7000" }], RESP: 2 }))).toBe("node-redis");
    expect(refused(createClientPool({ RESP: 2 }))).toMatch(/a node-redis object that is neither a createClient\(\) client nor a createCluster\(\) cluster/);
    expect(refused(createSentinel({ name: "m", sentinelRootNodes: [{ host: "127.0.0.1", port: 1 }], RESP: 2 }))).toMatch(/neither a createClient\(\) client/);
  });

  it("Valkey GLIDE clients go to the GLIDE adapter (not taken for options, not connected to 6379); a RESP3 one too; a GlideClusterClient to the cluster adapter", async () => {
    // lazyConnect: created without reaching any server (port 1 is never listened on).
    const resp2 = await GlideClient.createClient({ addresses: [{ host: "127.0.0.1", port: 1 }], protocol: ProtocolVersion.RESP2, lazyConnect: true });
    const resp3 = await GlideClient.createClient({ addresses: [{ host: "127.0.0.1", port: 1 }], lazyConnect: true });
    const cluster = await GlideClusterClient.createClient({ addresses: [{ host: "127.0.0.1", port: 1 }], protocol: ProtocolVersion.RESP2, lazyConnect: true });
    try {
      expect(connectionKind(resp2)).toBe("glide");
      expect(connectionKind(cluster)).toBe("glide");
      const db = new Database(resp2);
      expect((db.client as { driver?: string }).driver).toBe("glide");
      expect(db.describeServer()).toBe("127.0.0.1:1");
      await db.close();
      const db3 = new Database(resp3);
      expect((db3.client as { driver?: string }).driver).toBe("glide");
      await db3.close();
      const dbc = new Database(cluster as never);
      expect((dbc.client as { driver?: string }).driver).toBe("glide");
      expect(dbc.isCluster).toBe(true);
      expect(dbc.describeServer()).toBe('cluster ["127.0.0.1:1"]');
      await dbc.close();
      // Given clients stay open on close(); this one's adapter stops reading its masters.
      dbc.client.disconnect();
    } finally {
      resp2.close();
      resp3.close();
      cluster.close();
    }
  });

  it("anything else that is not plain options is refused, naming what it got and what is accepted", () => {
    expect(refused({ host: "h", connect: () => undefined })).toMatch(/plain object with client members \(connect\)/);
    expect(refused({ call: () => undefined, multi: () => undefined })).toMatch(/client members \(multi\)/);
    expect(refused(new (class Pool {})())).toMatch(/instance of Pool/);
    expect(refused(null)).toMatch(/got null; accepted: a redis:\/\/ URL/);
    expect(refused(6379)).toMatch(/got number/);
  });
});
