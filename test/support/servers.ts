/**
 * Starts and stops throwaway redis-server processes for the test suites: one standalone
 * server on a unix socket and a 3-master cluster on free loopback ports. No persistence.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { createServer, createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RunningServers {
  /** e.g. `/tmp/x/redis.sock` */
  readonly socket?: string;
  readonly port?: number;
  readonly clusterPorts?: number[];
  stop(): Promise<void>;
}

export function hasRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

export function redisServerVersion(): string {
  const out = spawnSync("redis-server", ["--version"], { encoding: "utf8" }).stdout ?? "";
  return /v=(\S+)/.exec(out)?.[1] ?? "unknown";
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A free loopback port whose cluster-bus twin (port + 10000) is free too. */
export async function freePort(avoid: Set<number> = new Set()): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    if (avoid.has(port) || avoid.has(port + 10000)) continue;
    if ((await portFree(port)) && (await portFree(port + 10000))) return port;
  }
  throw new Error("no free port pair found");
}

const BASE_ARGS = ["--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--protected-mode", "no", "--loglevel", "warning"];

function startProcess(args: string[], dir: string, name: string): ChildProcess {
  const child = spawn("redis-server", [...BASE_ARGS, "--dir", dir, "--logfile", join(dir, `${name}.log`), ...args], {
    stdio: "ignore",
  });
  return child;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function ping(target: { port?: number; path?: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = target.path ? createConnection(target.path) : createConnection(target.port!, "127.0.0.1");
    sock.once("error", () => resolve(false));
    sock.once("data", (d) => {
      resolve(d.toString().startsWith("+PONG"));
      sock.destroy();
    });
    sock.write("PING\r\n");
  });
}

function cli(args: string[]): string {
  const r = spawnSync("redis-cli", args, { encoding: "utf8" });
  return (r.stdout ?? "") + (r.stderr ?? "");
}

async function stopAll(children: ChildProcess[], dir: string): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once("exit", () => resolve());
          c.kill("SIGTERM");
          setTimeout(() => c.kill("SIGKILL"), 3000).unref();
        }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}

/** A standalone server on a unix socket (and a loopback port, for tools that need one). */
export async function startStandalone(extraArgs: string[] = []): Promise<RunningServers & { socket: string; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), "narwhal-redis-"));
  const socket = join(dir, "redis.sock");
  const port = await freePort();
  const child = startProcess(["--port", String(port), "--unixsocket", socket, "--unixsocketperm", "700", ...extraArgs], dir, "standalone");
  const stop = () => stopAll([child], dir);
  try {
    await waitFor(async () => existsSync(socket) && (await ping({ path: socket })), "standalone redis-server");
  } catch (error) {
    await stop();
    throw error;
  }
  return { socket, port, stop };
}

/** A standalone server that a test kills (SIGKILL) and restarts on the same port and directory. */
export interface RestartableServer {
  readonly port: number;
  /** SIGKILL: no shutdown, no final save; resolves when the process is gone. */
  kill(): Promise<void>;
  /** Starts it again (same port, same dir: with `--appendonly yes` it reloads its AOF); resolves when it answers PING. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A standalone server on a free loopback port that survives kill/restart cycles (pass persistence options in `extraArgs`). */
export async function startRestartable(extraArgs: string[] = []): Promise<RestartableServer> {
  const dir = mkdtempSync(join(tmpdir(), "narwhal-restartable-"));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = startProcess(["--port", String(port), ...extraArgs], dir, "restartable");
    await waitFor(() => ping({ port }), "restartable redis-server");
  };
  const kill = () =>
    new Promise<void>((resolve) => {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  await start();
  return { port, kill, restart: start, stop: async () => stopAll(child ? [child] : [], dir) };
}

/** A 3-master cluster (no replicas) on free loopback ports. */
export async function startCluster(): Promise<RunningServers & { clusterPorts: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), "narwhal-cluster-"));
  const ports: number[] = [];
  const used = new Set<number>();
  for (let i = 0; i < 3; i++) {
    const p = await freePort(used);
    used.add(p);
    used.add(p + 10000);
    ports.push(p);
  }
  const children = ports.map((port) =>
    startProcess(
      ["--port", String(port), "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", "5000"],
      dir,
      `node-${port}`,
    ),
  );
  const stop = () => stopAll(children, dir);
  try {
    await Promise.all(ports.map((port) => waitFor(() => ping({ port }), `cluster node ${port}`)));
    const out = cli(["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"]);
    if (!out.includes("All 16384 slots covered")) throw new Error(`cluster create failed:\n${out}`);
    await waitFor(
      async () => ports.every((p) => cli(["-p", String(p), "cluster", "info"]).includes("cluster_state:ok")),
      "cluster_state:ok on every node",
    );
    // cluster_state:ok does not mean every node knows who owns every slot yet (gossip): a
    // client routed by one node's view can get MOVED back and forth ("Too many Cluster
    // redirections"). Wait until all three answer the same CLUSTER SLOTS.
    await waitFor(async () => new Set(ports.map((p) => cli(["-p", String(p), "cluster", "slots"]))).size === 1, "the same CLUSTER SLOTS on every node");
  } catch (error) {
    await stop();
    throw error;
  }
  return { clusterPorts: ports, stop };
}
