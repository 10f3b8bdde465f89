/**
 * A set of keys that can hand out a random member in amortized O(1), for the `allkeys-random`
 * and `volatile-random` maxmemory policies (Redis picks with dictGetRandomKey; a JS Map has no
 * random access). Removal is lazy: the owner's map is the truth, and a picked key the map no
 * longer holds is dropped then (swap with the last slot). A key deleted and added again may sit
 * in two slots until it is picked or the pool is rebuilt, so the pick is uniform up to those
 * duplicates (bounded: a rebuild once the slots outnumber the live keys twice over).
 */
export class RandomPool {
  private slots: string[] = [];

  constructor(keys: Iterable<string> = []) {
    for (const key of keys) this.slots.push(key);
  }

  /** Records a key that was just added to the owner's map. `live`: the owner's size, to bound stale slots. */
  add(key: string, live: number, all: () => Iterable<string>): void {
    this.slots.push(key);
    if (this.slots.length > 2 * live + 1024) this.slots = [...all()];
  }

  /** A random key for which `has` holds, or undefined when there is none. */
  pick(has: (key: string) => boolean): string | undefined {
    const slots = this.slots;
    while (slots.length > 0) {
      const i = Math.floor(Math.random() * slots.length);
      const key = slots[i]!;
      if (has(key)) return key;
      slots[i] = slots[slots.length - 1]!;
      slots.pop();
    }
    return undefined;
  }

  clear(): void {
    this.slots = [];
  }
}
