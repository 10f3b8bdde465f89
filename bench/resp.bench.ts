/**
 * `npm run bench resp`: redis-benchmark -t set,get,lpush,zadd -n 100000 -c 50 -q against a
 * private redis-server and against `narwhal serve` (loopback TCP for both), printing the
 * throughput ratio, the server running narwhal's real engine in this process under tsx. The issue-17
 * target (≥ 0.5× on every default test, built package) is measured by `npm run bench -- serve`.
 */
import { spawn } from "node:child_process";
import { startServer } from "../src/memory/resp";
import { createEngine } from "../src/memory/create-engine";
import { privateRedis, table } from "./support";

function benchmark(port: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-benchmark", ["-p", String(port), "-t", "set,get,lpush,zadd", "-n", "100000", "-c", "50", "-q"]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.on("close", () => {
      clearTimeout(timer);
      const rps = new Map<string, number>();
      for (const m of out.matchAll(/([A-Z]+): ([\d.]+) requests per second/g)) rps.set(m[1]!, Number(m[2]));
      resolve(rps);
    });
  });
}

export default async function run(): Promise<void> {
  const redis = await privateRedis();
  const engine = createEngine();
  const narwhal = await startServer({
    port: 0,
    dispatcher: engine,
    createSession: () => engine.createSession(),
    closeSession: (session) => engine.closeSession(session),
  });
  try {
    const base = await benchmark(redis.port);
    const ours = await benchmark(narwhal.port);
    table(
      "RESP server vs redis-server (redis-benchmark -n 100000 -c 50, loopback)",
      ["command", "redis-server rps", "narwhal serve rps", "ratio"],
      [...base].map(([cmd, rps]) => [cmd, rps, ours.get(cmd) ?? NaN, (ours.get(cmd) ?? NaN) / rps]),
    );
  } finally {
    await narwhal.close();
    await redis.stop();
  }
}
