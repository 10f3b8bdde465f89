/**
 * Why the typed codec is node:v8 serialize: encode + decode time of the typed codec against
 * the json codec (the baseline: fastest, but lossy) and msgpackr in its most exact setting
 * (`structuredClone: true`), on a few representative values, plus which of them round-trip
 * exactly. CPU only, no Redis. Run: `npm run bench -- codecs`.
 */
import { isDeepStrictEqual } from "node:util";
import { performance } from "node:perf_hooks";
import { Packr } from "msgpackr";
import type { Codec, Raw } from "../src/codec";
import { codecs } from "../src/codec";
import { table } from "./support";

const packr = new Packr({ structuredClone: true });
const msgpackr: Codec<unknown> = {
  name: "msgpackr",
  binary: true,
  encode: (value) => packr.pack(value),
  decode: (raw) => packr.unpack(raw as Buffer) as unknown,
};

const contenders: Array<[string, Codec<unknown>]> = [
  ["json", codecs.json<unknown>()],
  ["typed (v8)", codecs.typed<unknown>()],
  ["msgpackr", msgpackr],
];

const values: Array<[string, unknown]> = [
  ["small object", { id: 123456, name: "Ann Lee", email: "ann@example.com", active: true, score: 12.5, tags: ["a", "b"] }],
  [
    "object with Date/Map/Set",
    { id: 42, createdAt: new Date(1_700_000_000_000), updatedAt: new Date(1_700_000_500_000), counts: new Map([["home", 3], ["about", 1], ["blog", 12]]), roles: new Set(["admin", "dev"]), owner: null },
  ],
  ["10 KB array", Array.from({ length: 250 }, (_, i) => ({ i, name: `item-${i}`, price: i * 1.25, ok: i % 2 === 0 }))],
];

/** Values the typed codec promises to keep that JSON or msgpackr may not. */
const edges: Array<[string, unknown]> = [
  ["-0", -0],
  ["NaN, ±Infinity", [Number.NaN, Infinity, -Infinity]],
  ["undefined property", { u: undefined }],
  ["bigint 2^70", 2n ** 70n],
  ["Date", new Date(5)],
  ["Map with number keys", new Map<unknown, string>([[1, "a"], ["1", "b"]])],
  ["Set", new Set([1, "1"])],
  ["Buffer vs Uint8Array", [Buffer.from([1]), new Uint8Array([1])]],
  ["lone surrogate", "a\uD800"],
];

function roundTrips(codec: Codec<unknown>, value: unknown): boolean {
  try {
    return isDeepStrictEqual(codec.decode(codec.encode(value)), value);
  } catch {
    return false;
  }
}

/** Mean µs of `fn` over a ~`ms` burst. */
function burst(fn: () => void, ms: number): number {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    now = performance.now();
  }
  return ((now - start) * 1000) / n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export default async function run(): Promise<void> {
  const rows: Array<Array<string | number>> = [];
  for (const [label, value] of values) {
    const encoded = new Map<string, Raw>(contenders.map(([name, codec]) => [name, codec.encode(value)]));
    const samples = new Map<string, { enc: number[]; dec: number[] }>(contenders.map(([name]) => [name, { enc: [], dec: [] }]));
    // Interleaved rounds so that machine noise hits every contender alike; median of 7.
    for (let round = 0; round < 8; round++) {
      for (const [name, codec] of contenders) {
        const raw = encoded.get(name)!;
        const enc = burst(() => codec.encode(value), 60);
        const dec = burst(() => codec.decode(raw), 60);
        if (round > 0) {
          samples.get(name)!.enc.push(enc);
          samples.get(name)!.dec.push(dec);
        }
      }
    }
    const totals = new Map(contenders.map(([name]) => [name, median(samples.get(name)!.enc) + median(samples.get(name)!.dec)]));
    const base = totals.get("json")!;
    for (const [name, codec] of contenders) {
      const s = samples.get(name)!;
      rows.push([
        label,
        name,
        String(Buffer.byteLength(encoded.get(name)!)),
        median(s.enc),
        median(s.dec),
        totals.get(name)!,
        `${(totals.get(name)! / base).toFixed(2)}×`,
        roundTrips(codec, value) ? "yes" : "no",
      ]);
    }
  }
  table("encode + decode, µs per value (median of 7 interleaved rounds)", ["value", "codec", "bytes", "encode µs", "decode µs", "total µs", "÷ json", "exact"], rows);
  table(
    "exact round trip of edge values",
    ["value", ...contenders.map(([name]) => name)],
    edges.map(([label, value]) => [label, ...contenders.map(([, codec]) => (roundTrips(codec, value) ? "yes" : "no"))]),
  );
}
