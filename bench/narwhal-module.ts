/**
 * The narwhal a benchmark measures. By default the built package (`dist/`, as users run it),
 * built first when missing or older than `src/`: under tsx, narwhal's sources are compiled
 * with esbuild's keepNames, which wraps every named closure narwhal creates per call in a
 * `__name()` call users never pay, while the baselines (ioredis, node-redis, other libraries)
 * come precompiled from node_modules. `NARWHAL_BENCH_SRC=1` measures the sources instead.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

type Narwhal = typeof import("../src/index");

const root = fileURLToPath(new URL("..", import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** narwhal's exports, from `dist/index.js` (built if stale) or, with NARWHAL_BENCH_SRC=1, from `src/`. */
export async function narwhalModule(): Promise<Narwhal & { source: string }> {
  if (process.env.NARWHAL_BENCH_SRC === "1") return { ...(await import("../src/index")), source: "src/ (tsx)" };
  const dist = join(root, "dist", "index.js");
  if (!existsSync(dist) || statSync(dist).mtimeMs < newest(join(root, "src"))) {
    console.log("building dist/ for the benchmark (npm run build)…");
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
  }
  return { ...((await import(dist)) as Narwhal), source: "dist/ (the built package)" };
}
