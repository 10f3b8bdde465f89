/**
 * A map from stream IDs to values kept in ID order (a stand-in for Redis's rax of 128-bit
 * big-endian keys): O(1) lookup, O(log n) seek, O(n) insert/delete in the worst case but
 * O(1) for the common append-at-the-end.
 */
export class IdMap<V> {
  private readonly keys: bigint[] = [];
  private readonly index = new Map<bigint, V>();

  get size(): number {
    return this.keys.length;
  }

  get(id: bigint): V | undefined {
    return this.index.get(id);
  }

  has(id: bigint): boolean {
    return this.index.has(id);
  }

  /** Inserts when absent; true when inserted (raxTryInsert). */
  tryInsert(id: bigint, value: V): boolean {
    if (this.index.has(id)) return false;
    this.index.set(id, value);
    const n = this.keys.length;
    if (n === 0 || this.keys[n - 1]! < id) this.keys.push(id);
    else this.keys.splice(this.seek(id), 0, id);
    return true;
  }

  /** Inserts or replaces. */
  set(id: bigint, value: V): void {
    if (!this.tryInsert(id, value)) this.index.set(id, value);
  }

  delete(id: bigint): boolean {
    if (!this.index.delete(id)) return false;
    this.keys.splice(this.seek(id), 1);
    return true;
  }

  /** Index of the first key ≥ id. */
  seek(id: bigint): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.keys[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  keyAt(i: number): bigint | undefined {
    return this.keys[i];
  }

  first(): bigint | undefined {
    return this.keys[0];
  }

  last(): bigint | undefined {
    return this.keys[this.keys.length - 1];
  }

  /** Entries with key ≥ start, in order (a snapshot: safe to modify the map while iterating). */
  *from(start: bigint): IterableIterator<[bigint, V]> {
    for (const id of this.keys.slice(this.seek(start))) {
      const v = this.index.get(id);
      if (v !== undefined) yield [id, v];
    }
  }

  *entries(): IterableIterator<[bigint, V]> {
    yield* this.from(0n);
  }
}
