/**
 * The expires table of one database (key → expiry, ms since epoch): a Map that can also keep
 * its keys ordered by expiry time (a binary min-heap with lazy deletion), so `volatile-ttl`
 * eviction finds the nearest expiry in O(log n) instead of scanning every volatile key.
 * The heap exists only while that policy is set; every `expires.set` keeps it current. Under
 * `volatile-random` it keeps a random pool of its keys instead (random-pool.ts).
 */
import { RandomPool } from "./random-pool";

export class ExpiryMap extends Map<string, number> {
  /** [at, key] pairs; an entry is stale when the map no longer holds that key at that time. */
  private heap: Array<[number, string]> | null = null;
  /** The volatile keys for a random pick; kept only under `volatile-random`. */
  private pool: RandomPool | null = null;

  /** Turns the random pool on (from the current keys) or off. */
  indexRandom(on: boolean): void {
    if (!on) this.pool = null;
    else if (this.pool === null) this.pool = new RandomPool(this.keys());
  }

  /** A random key with a TTL, or undefined (requires the random pool). */
  random(): string | undefined {
    return this.pool?.pick((key) => super.has(key));
  }

  /** Turns the time index on (building it from the current entries) or off. */
  indexByTime(on: boolean): void {
    if (!on) {
      this.heap = null;
      return;
    }
    if (this.heap) return;
    this.heap = [];
    for (const [key, at] of this) this.push(at, key);
  }

  override set(key: string, at: number): this {
    if (this.pool !== null && !super.has(key)) this.pool.add(key, this.size + 1, () => this.keys());
    super.set(key, at);
    if (this.heap) {
      this.push(at, key);
      if (this.heap.length > 2 * this.size + 1024) this.rebuild();
    }
    return this;
  }

  /** The key with the nearest expiry, or undefined (requires the time index). */
  nearest(): { key: string; at: number } | undefined {
    const heap = this.heap;
    if (!heap) return undefined;
    while (heap.length > 0) {
      const [at, key] = heap[0]!;
      if (super.get(key) === at) return { key, at };
      this.pop();
    }
    return undefined;
  }

  override clear(): void {
    super.clear();
    if (this.heap) this.heap = [];
    this.pool?.clear();
  }

  private rebuild(): void {
    this.heap = [];
    for (const [key, at] of this) this.push(at, key);
  }

  private push(at: number, key: string): void {
    const heap = this.heap!;
    heap.push([at, key]);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]![0] <= at) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap!;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l]![0] < heap[m]![0]) m = l;
      if (r < heap.length && heap[r]![0] < heap[m]![0]) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
}
