/**
 * Test helpers of the coordination suites: a resource that checks fencing tokens, a killer of
 * a test's own named connections, and the bounds checked against rate-limiter decisions.
 */
import type { ClientLike } from "../../src/client";

/**
 * A resource protected by a lock: each critical section `enter`s with its fencing token and
 * `commit`s. It refuses a token not larger than the largest it has seen (stale holder) and a
 * commit after a newer holder entered, and it records every time a section enters while
 * another is still active: `liveOverlaps` counts those where the older holder had NOT been
 * told it lost the lock (mutual exclusion broken without the holder knowing).
 */
export class FencedResource {
  private max = 0;
  private readonly active = new Set<Section>();
  readonly stats = { entered: 0, committed: 0, staleRejected: 0, overlaps: 0, liveOverlaps: 0, maxActive: 0 };

  /** `lost()`: has this holder been told it lost the lock (e.g. `() => !handle.held`)? */
  enter(token: number, lost: () => boolean): Section | undefined {
    if (token <= this.max) {
      this.stats.staleRejected++;
      return undefined;
    }
    for (const other of this.active) {
      this.stats.overlaps++;
      if (!other.lost()) this.stats.liveOverlaps++;
    }
    this.max = token;
    const section = { token, lost };
    this.active.add(section);
    this.stats.entered++;
    this.stats.maxActive = Math.max(this.stats.maxActive, this.active.size);
    return section;
  }

  commit(section: Section): boolean {
    this.active.delete(section);
    if (section.token !== this.max) {
      this.stats.staleRejected++;
      return false;
    }
    this.stats.committed++;
    return true;
  }
}

export interface Section {
  readonly token: number;
  readonly lost: () => boolean;
}

/**
 * A resource shared by up to `limit` holders at once (a semaphore's): counts how many LIVE
 * holders (not told they lost their slot) are ever inside together.
 */
export class SharedResource {
  private readonly active = new Set<() => boolean>();
  maxLive = 0;
  entered = 0;

  enter(lost: () => boolean): () => void {
    this.active.add(lost);
    this.entered++;
    this.maxLive = Math.max(this.maxLive, [...this.active].filter((isLost) => !isLost()).length);
    return () => this.active.delete(lost);
  }
}

/** Kills the connections named `name` on one server (CLIENT LIST, then CLIENT KILL ID each); returns how many. */
export async function killNamed(node: ClientLike, name: string): Promise<number> {
  let killed = 0;
  for (const line of String(await node.call("client", "list")).split("\n")) {
    const id = line.includes(` name=${name} `) ? /\bid=(\d+)/.exec(line)?.[1] : undefined;
    if (id) killed += Number(await node.call("client", "kill", "id", id));
  }
  return killed;
}

/** Kills `name`'s connections on every master every 15–40 ms until stopped; → stop() resolving the kill count. */
export function startKiller(killer: ClientLike, name: string): () => Promise<number> {
  const nodes = (killer as unknown as { nodes?: (role: string) => ClientLike[] }).nodes;
  let kills = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, 15 + Math.random() * 25));
      for (const node of nodes ? nodes.call(killer, "master") : [killer]) {
        try {
          kills += await killNamed(node, name);
        } catch {
          // the killer itself reconnecting
        }
      }
    }
  })();
  return async () => {
    running = false;
    await loop;
    return kills;
  };
}

/** An allowed decision as the bounds see it: server time (µs) and units. */
export interface Grant {
  readonly atUs: number;
  readonly cost: number;
}

/**
 * The most units granted in any window (t − windowUs, t] ending at a grant, minus `limit`
 * (≤ 0 when the sliding-window bound holds). O(n) over grants sorted by time.
 */
export function slidingExcess(grants: readonly Grant[], windowUs: number, limit: number): number {
  const g = [...grants].sort((a, b) => a.atUs - b.atUs);
  let worst = Number.NEGATIVE_INFINITY;
  let start = 0;
  let sum = 0;
  for (let i = 0; i < g.length; i++) {
    sum += g[i]!.cost;
    while (g[start]!.atUs <= g[i]!.atUs - windowUs) sum -= g[start++]!.cost;
    worst = Math.max(worst, sum - limit);
  }
  return worst;
}

/**
 * The largest excess, over every interval (a, b] between grants, of the units granted over
 * `allowance(a, b)` (≤ 0 when the bound holds). O(n²): keep n in the low thousands.
 */
export function intervalExcess(grants: readonly Grant[], allowance: (fromUs: number, toUs: number) => number): number {
  const g = [...grants].sort((a, b) => a.atUs - b.atUs);
  let worst = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < g.length; i++) {
    if (i > 0 && g[i - 1]!.atUs === g[i]!.atUs) continue; // same interval start as grant i-1
    let sum = 0;
    // The interval (a, b] with a just before grant i: every grant from i on, up to j.
    const from = g[i]!.atUs - 1e-3;
    for (let j = i; j < g.length; j++) {
      sum += g[j]!.cost;
      worst = Math.max(worst, sum - allowance(from, g[j]!.atUs));
    }
  }
  return worst;
}
