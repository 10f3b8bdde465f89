/**
 * The slowest searches inside Redis, for working on the bound of issue 11 on a busy machine:
 * on a redis-server the caller started (AC_PROBE_PORT; `AC_PROBE_LOAD=1` loads narwhal's
 * cities first), every distinct query of every class (bench/autocomplete-queries.ts) once,
 * computed (the generation is moved first, so no cached answer is read), its EVALSHA's time
 * from SLOWLOG; prints per class p50 / p99 / max µs and the slowest queries.
 * `AC_PROBE_EXTRA="q1|q2"` adds a class of hand-picked queries. Run: `npx tsx bench/autocomplete-slow.ts`.
 */
import { Redis } from "ioredis";
import { titleWords } from "../src/autocomplete/text";
import { allCities } from "../examples/demo/cities";
import { sampleQueries } from "./autocomplete-queries";
import { narwhal } from "./autocomplete-layouts";
import type { BenchItem } from "./autocomplete-layouts";
import { serverTimes, summary } from "./autocomplete-measure";

const port = Number(process.env.AC_PROBE_PORT ?? 7501);
const worst = Number(process.env.AC_PROBE_WORST ?? 5);
const items: BenchItem[] = allCities()
  .filter((c) => c.name !== "")
  .map((c) => ({ id: String(c.cityId), title: c.name, score: c.population, data: { country: c.country } }));
const classes: Record<string, string[]> = sampleQueries(items.map((c) => titleWords(c.title)), 200, 11);
if (process.env.AC_PROBE_EXTRA) classes.extra = process.env.AC_PROBE_EXTRA.split("|");
const admin = new Redis({ port, host: "127.0.0.1" });
const layout = narwhal(port, 1);
if (process.env.AC_PROBE_LOAD === "1") {
  const t = Date.now();
  await layout.load(items, []);
  console.log(`load ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
const all: number[] = [];
for (const [cls, queries] of Object.entries(classes)) {
  const distinct = [...new Set(queries)];
  await admin.incr("{bench:ac:cities}:g");
  const us = await serverTimes(admin, ["evalsha"], distinct, (q) => layout.search(0, q));
  all.push(...us);
  const s = summary(us);
  const slow = distinct.map((q, i) => [q, us[i]!] as const).sort((a, b) => b[1] - a[1]).slice(0, worst);
  console.log(`${cls.padEnd(15)} n=${distinct.length} p50 ${s.p50} p99 ${s.p99} max ${s.max}  slowest: ${slow.map(([q, t]) => `"${q}" ${t}`).join(", ")}`);
}
const s = summary(all);
console.log(`all             p50 ${s.p50} p99 ${s.p99} max ${s.max}`);
admin.disconnect();
await layout.close();
