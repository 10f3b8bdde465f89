/**
 * vitest global setup for the integration suites: starts a private standalone server and a
 * private 3-master cluster (unless REDIS_URL / REDIS_CLUSTER_URL point elsewhere) and hands
 * their addresses to the tests through `provide`.
 */
import type { TestProject } from "vitest/node";
import { hasRedisServer, redisServerVersion, startCluster, startStandalone } from "./servers";

declare module "vitest" {
  export interface ProvidedContext {
    /** ioredis connection for the standalone suite: a URL or `{ path }`; null when unavailable. */
    standalone: { url?: string; path?: string; port?: number; external: boolean } | null;
    /** Startup nodes of the cluster; null when unavailable. */
    cluster: { nodes: Array<{ host: string; port: number }>; external: boolean } | null;
    /** Why server suites could not run (empty when they all can). */
    missing: string[];
  }
}

const INSTALL_HINT = "install Redis (Debian/Ubuntu: apt-get install -y redis-server) or set REDIS_URL / REDIS_CLUSTER_URL";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  const missing: string[] = [];
  const local = hasRedisServer();

  let standalone: { url?: string; path?: string; port?: number; external: boolean } | null = null;
  if (process.env.REDIS_URL) standalone = { url: process.env.REDIS_URL, external: true };
  else if (local) {
    const s = await startStandalone();
    stops.push(s.stop);
    // The port too: Valkey GLIDE (NARWHAL_DRIVER=glide) connects over TCP only.
    standalone = { path: s.socket, port: s.port, external: false };
  } else missing.push("standalone suites (no redis-server on PATH and no REDIS_URL)");

  let cluster: { nodes: Array<{ host: string; port: number }>; external: boolean } | null = null;
  if (process.env.REDIS_CLUSTER_URL) {
    const u = new URL(process.env.REDIS_CLUSTER_URL);
    cluster = { nodes: [{ host: u.hostname, port: Number(u.port || 6379) }], external: true };
  } else if (local) {
    const c = await startCluster();
    stops.push(c.stop);
    cluster = { nodes: c.clusterPorts.map((port) => ({ host: "127.0.0.1", port })), external: false };
  } else missing.push("cluster suites (no redis-server on PATH and no REDIS_CLUSTER_URL)");

  const report = () => {
    if (missing.length > 0) console.warn(`\n[narwhal] NOT RUN: ${missing.join("; ")}. To run them, ${INSTALL_HINT}.\n`);
  };
  report();
  if (local) console.log(`[narwhal] test servers: redis-server ${redisServerVersion()}`);
  project.provide("standalone", standalone);
  project.provide("cluster", cluster);
  project.provide("missing", missing);

  return async () => {
    await Promise.all(stops.map((s) => s()));
    report();
  };
}
