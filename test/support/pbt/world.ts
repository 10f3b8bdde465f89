/**
 * The real side of one run of the model-based API test: a new Database with a fresh key prefix
 * on the backend's shared client, the model bound to it, a new cache with a wrapped function,
 * an autocomplete index, and SCRIPT FLUSH on every master. `closeWorld` deletes the run's keys.
 */
import { Database } from "../../../src/index";
import type { ClientLike } from "../../../src/index";
import { memoResult } from "./cache-ops";
import type { World } from "./core";
import { PbtItem } from "./model-ops";

type Nodes = { nodes?: (role: string) => ClientLike[] };
const mastersOf = (raw: ClientLike) => (raw as unknown as Nodes).nodes?.("master") ?? [raw];

/** SCRIPT FLUSH on the server, or on every master of a cluster. */
export async function flushScripts(raw: ClientLike): Promise<void> {
  await Promise.all(mastersOf(raw).map((node) => node.call("script", "flush")));
}

/** Deletes every key under `prefix` (SCAN + UNLINK, both key shapes, every master). */
export async function deleteKeys(raw: ClientLike, prefix: string): Promise<void> {
  for (const node of mastersOf(raw)) {
    for (const pattern of [`${prefix}:*`, `{${prefix}:*`]) {
      let cursor = "0";
      do {
        const [next, keys] = (await node.call("scan", cursor, "MATCH", pattern, "COUNT", 1000)) as [string, string[]];
        cursor = next;
        // One UNLINK per key: on a cluster the keys of one node may still span slots.
        await Promise.all(keys.map((key) => node.call("unlink", key)));
      } while (cursor !== "0");
    }
  }
}

export interface WorldOptions {
  readonly backend: string;
  /** The client every run's Database borrows (never closed here). */
  readonly client: ClientLike;
  /** A plain client for SCRIPT FLUSH and cleanup. */
  readonly raw: ClientLike;
  readonly prefix: string;
  readonly flush: boolean;
}

export function openWorld(options: WorldOptions): World {
  const db = new Database(options.client, { prefix: options.prefix });
  PbtItem.use(db);
  const cache = db.cache({ namespace: "c" });
  const memoCalls = { n: 0 };
  const memo = cache.wrap(
    async (arg: unknown): Promise<unknown> => {
      memoCalls.n++;
      return memoResult(arg, memoCalls.n);
    },
    { name: "w", failOpen: false, timeout: 10_000 },
  );
  const base = `${options.prefix}:c:`;
  return {
    backend: options.backend,
    db,
    raw: options.raw,
    prefix: options.prefix,
    handles: new Map(),
    cache,
    memo,
    memoCalls,
    ac: db.autocomplete<{ c: number }>("ac"),
    cacheKey: (key) => {
      if (!key.startsWith("$memo:")) return key;
      const full = memo.key(key.slice("$memo:".length));
      if (!full.startsWith(base)) throw new Error(`test bug: memoized key ${full} is not under ${base}`);
      return full.slice(base.length);
    },
    flushScripts: () => (options.flush ? flushScripts(options.raw) : Promise.resolve()),
  };
}

export async function closeWorld(w: World): Promise<void> {
  PbtItem.use(null);
  await w.db.close();
  await deleteKeys(w.raw, w.prefix);
}
