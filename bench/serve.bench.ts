/**
 * `npm run bench -- serve`: redis-benchmark's default tests (`-q -n N`, 50 clients), then the
 * same tests with `-P 16` (16 pipelined commands per client), against the BUILT `narwhal serve` (`node dist/bin.js serve`: the code
 * users run, not tsx's wrapped closures) and a private redis-server (`--save "" --appendonly no`),
 * alternating the two servers test by test, ROUNDS times; prints the median narwhal ÷ redis
 * throughput ratio per test (target ≥ 0.5× on every test, with and without -P 16). Env: SERVE_BENCH_N (requests
 * per test, default 20000), SERVE_BENCH_ROUNDS (default 3). Needs `npm run build` first.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../test/support/servers";
import { privateRedis, table } from "./support";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.env.SERVE_BENCH_N ?? 20000);
const ROUNDS = Number(process.env.SERVE_BENCH_ROUNDS ?? 3);
/** redis-benchmark's default tests, in its order (`-t` names). */
const DEFAULT_TESTS = ["ping_inline", "ping_mbulk", "set", "get", "incr", "lpush", "rpush", "lpop", "rpop", "sadd", "hset", "spop", "zadd", "zpopmin", "lrange_100", "lrange_300", "lrange_500", "lrange_600", "mset"];

/** One redis-benchmark run: requests per second by test title (`LRANGE_100 (first 100 elements)` → `LRANGE_100`). */
function benchmark(port: number, args: string[]): Map<string, number> {
  const r = spawnSync("redis-benchmark", ["-p", String(port), "-q", "-n", String(N), ...args], { encoding: "utf8", timeout: 120_000 });
  const rps = new Map<string, number>();
  // -q prints progress with \r; the final line of each test is "NAME: X requests per second, …".
  for (const m of (r.stdout ?? "").matchAll(/(?:^|[\r\n])([A-Z_0-9]+)(?: \([^)]*\))?: ([\d.]+) requests per second/g)) rps.set(m[1]!, Number(m[2]));
  return rps;
}

async function startNarwhal(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, "dist/bin.js"), "serve", "--port", String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("narwhal serve did not start")), 10_000);
    const tryPing = () => {
      if (spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout?.includes("PONG")) {
        clearTimeout(timer);
        resolve();
      } else setTimeout(tryPing, 100);
    };
    tryPing();
  });
  return { port, child };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Runs each test on narwhal then redis (alternating), ROUNDS times; returns median ratios. */
function ratios(narwhal: number, redis: number, tests: string[], extra: string[]): Array<[string, number]> {
  const samples = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const test of tests) {
      const ours = benchmark(narwhal, ["-t", test, ...extra]);
      const base = benchmark(redis, ["-t", test, ...extra]);
      const name = test.toUpperCase();
      const rps = ours.get(name);
      const b = base.get(name);
      {
        if (rps === undefined || b === undefined || b === 0) continue;
        if (!samples.has(name)) samples.set(name, []);
        samples.get(name)!.push(rps / b);
      }
    }
  }
  return [...samples].map(([name, xs]) => [name, median(xs)]);
}

export default async function run(): Promise<void> {
  if (spawnSync("redis-benchmark", ["--version"], { stdio: "ignore" }).status !== 0) {
    console.log("skipped: redis-benchmark is not installed (apt-get install -y redis-tools)");
    return;
  }
  if (!existsSync(join(root, "dist/bin.js"))) {
    console.log("skipped: dist/bin.js is missing (run `npm run build` first)");
    return;
  }
  const redis = await privateRedis(["--save", "", "--appendonly", "no"]);
  const narwhal = await startNarwhal();
  try {
    const fmt = (rows: Array<[string, number]>) => rows.map(([name, r]) => [name, `${r.toFixed(2)}×`, r >= 0.5 ? "" : "below 0.5×"]);
    table(`narwhal serve ÷ redis-server, redis-benchmark -q -n ${N} (50 clients), median of ${ROUNDS} alternating runs`, ["test", "ratio", ""], fmt(ratios(narwhal.port, redis.port, DEFAULT_TESTS, [])));
    table(`the same with -P 16 (16 pipelined commands per client), median of ${ROUNDS} alternating runs`, ["test", "ratio", ""], fmt(ratios(narwhal.port, redis.port, DEFAULT_TESTS, ["-P", "16"])));
  } finally {
    narwhal.child.kill();
    await redis.stop();
  }
}
