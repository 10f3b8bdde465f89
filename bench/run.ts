/**
 * `npm run bench [-- name…]`: runs every `bench/*.bench.ts` (or the named ones) in turn and
 * prints their markdown tables. Each bench module default-exports an async function that
 * starts what it needs (private servers), measures narwhal against a baseline in the same
 * run, prints ratios and cleans up. Never part of `npm test`.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(", ")}`);
  process.exit(1);
}
console.log(`# narwhal benchmarks (node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
for (const file of files) {
  console.log(`\n## ${file.replace(".bench.ts", "")}`);
  const mod = (await import(join(here, file))) as { default: () => Promise<void> };
  await mod.default();
}
