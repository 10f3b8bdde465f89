/**
 * The writer process of the coherence-under-faults test (test/integration/cache-coherence-faults.test.ts):
 * a plain ioredis client writing raw SET <seq> / DEL to the given keys as fast as it can, one
 * at a time, recording for each write when it was issued and when it was acknowledged
 * (CLOCK_MONOTONIC, shared by the processes of this machine), until told to stop. After each
 * acknowledgement it tells the reader process (`[key index, seq, 1 = DEL]` over IPC), which
 * then reads that key; then it writes a marker key naming the write (`…{k}:told:<seq>`, same
 * slot), whose invalidation tells the reader of the write through Redis itself.
 */
import { Cluster, Redis } from "ioredis";

interface Config {
  readonly target: { path?: string; port?: number; host?: string } | { cluster: Array<{ host: string; port: number }> };
  readonly keys: string[];
  /** `markers[k] + seq`: a key written after each acknowledged write of key k, in k's slot (its invalidation follows k's on the reader's connection). */
  readonly markers: string[];
}

process.once("message", (config: Config) => {
  void run(config);
});

async function run(config: Config): Promise<void> {
  const client =
    "cluster" in config.target
      ? new Cluster(config.target.cluster, { retryDelayOnFailover: 0, redisOptions: { autoResendUnfulfilledCommands: false } })
      : new Redis({ ...config.target, autoResendUnfulfilledCommands: false });
  client.on("error", () => undefined);
  await client.call("ping");
  let stop = false;
  process.on("message", (m) => {
    if (m === "stop") stop = true;
  });
  process.send!("ready");
  // [key index, seq, 1 = DEL, issued ns, acknowledged ns]
  const log: string[][] = [];
  let seq = 0;
  while (!stop) {
    seq++;
    const k = Math.floor(Math.random() * config.keys.length);
    const del = Math.random() < 0.15;
    const issued = process.hrtime.bigint();
    try {
      if (del) await client.call("del", config.keys[k]!);
      else await client.call("set", config.keys[k]!, String(seq));
    } catch {
      continue; // not acknowledged: not a write the readers must see
    }
    log.push([String(k), String(seq), del ? "1" : "0", String(issued), String(process.hrtime.bigint())]);
    process.send!([k, seq, del ? 1 : 0]);
    await client.call("set", `${config.markers[k]!}${seq}`, "1", "PX", "500").catch(() => undefined);
    if (seq % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  process.send!({ log }, () => {
    client.disconnect();
    process.exit(0);
  });
}
