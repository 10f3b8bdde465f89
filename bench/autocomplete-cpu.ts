/**
 * CPU per search, for a busy machine where wall-clock throughput is noise: on a redis-server
 * the caller started (AC_PROBE_PORT), with narwhal and the walrus layout already loaded
 * (`AC_PROBE_LOAD=1` loads them), per query class: this process's CPU (process.cpuUsage) and
 * the server's (INFO cpu; INFO commandstats usec) per search, over `AC_PROBE_N` searches with 50
 * in flight, every query warmed first (narwhal answers from its answer cache, as in the bench's
 * throughput column). Run: `npx tsx bench/autocomplete-cpu.ts`.
 */
import { Redis } from "ioredis";
import { titleWords } from "../src/autocomplete/text";
import { allCities } from "../examples/demo/cities";
import { sampleQueries } from "./autocomplete-queries";
import { narwhal, walrus } from "./autocomplete-layouts";
import type { BenchItem, Layout } from "./autocomplete-layouts";
import { serverCpu, throughput } from "./autocomplete-measure";

const port = Number(process.env.AC_PROBE_PORT ?? 7501);
const N = Number(process.env.AC_PROBE_N ?? 20_000);
const only = process.env.AC_PROBE_CLASSES?.split(",");
const items: BenchItem[] = allCities()
  .filter((c) => c.name !== "")
  .map((c) => ({ id: String(c.cityId), title: c.name, score: c.population, data: { country: c.country } }));
const words = items.map((c) => titleWords(c.title));
const classes = sampleQueries(words, 200, 11);
const admin = new Redis({ port, host: "127.0.0.1" });
const layouts: Layout[] = (process.env.AC_PROBE_LAYOUTS ?? "narwhal,walrus").split(",").map((l) => (l === "walrus" ? walrus(port) : narwhal(port)));
if (process.env.AC_PROBE_LOAD === "1") for (const l of layouts) await l.load(items, words);

async function usec(): Promise<number> {
  const info = String(await admin.call("info", "commandstats"));
  let sum = 0;
  for (const m of info.matchAll(/cmdstat_(\w+):calls=\d+,usec=(\d+)/g)) if (m[1] !== "info") sum += Number(m[2]);
  return sum;
}

for (const [cls, queries] of Object.entries(classes)) {
  if (only && !only.includes(cls)) continue;
  const line: string[] = [cls.padEnd(15)];
  for (const l of layouts) {
    for (const q of queries) await l.search(0, q);
    await throughput((c, q) => l.search(c, q), queries, 50, 3000);
    const s0 = await serverCpu(admin);
    const u0 = await usec();
    const c0 = process.cpuUsage();
    const rate = await throughput((c, q) => l.search(c, q), queries, 50, N);
    const c1 = process.cpuUsage(c0);
    const u1 = await usec();
    const s1 = await serverCpu(admin);
    line.push(`${l.short}: client ${((c1.user + c1.system) / N).toFixed(1)} µs, server ${(((s1 - s0) * 1e6) / N).toFixed(1)} µs (commands ${((u1 - u0) / N).toFixed(1)}), ${Math.round(rate)}/s`);
  }
  console.log(line.join(" | "));
}
admin.disconnect();
await Promise.all(layouts.map((l) => l.close()));
