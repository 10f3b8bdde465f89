/**
 * A list value: a growable ring buffer, so pushes and pops at both ends are O(1)
 * (LPUSH on a long list must not shift every element) and LINDEX/LSET are O(1).
 */
export class Deque<T> {
  private items: Array<T | undefined>;
  private head = 0;
  length = 0;

  constructor(initial: readonly T[] = []) {
    this.items = new Array<T | undefined>(capacityFor(initial.length));
    for (const v of initial) this.push(v);
  }

  at(index: number): T | undefined {
    if (index < 0 || index >= this.length) return undefined;
    return this.items[(this.head + index) & (this.items.length - 1)];
  }

  set(index: number, value: T): void {
    this.items[(this.head + index) & (this.items.length - 1)] = value;
  }

  push(value: T): void {
    if (this.length === this.items.length) this.grow();
    this.items[(this.head + this.length) & (this.items.length - 1)] = value;
    this.length++;
  }

  unshift(value: T): void {
    if (this.length === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = value;
    this.length++;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const v = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.length--;
    return v;
  }

  pop(): T | undefined {
    if (this.length === 0) return undefined;
    const i = (this.head + this.length - 1) & (this.items.length - 1);
    const v = this.items[i];
    this.items[i] = undefined;
    this.length--;
    return v;
  }

  /** Elements [start, end) as an array. */
  slice(start = 0, end = this.length): T[] {
    const out: T[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) out.push(this.at(i)!);
    return out;
  }

  toArray(): T[] {
    return this.slice();
  }

  /** Replaces the content (LINSERT, LREM, LTRIM rebuild: O(n) as in Redis). */
  replace(items: readonly T[]): void {
    this.items = new Array<T | undefined>(capacityFor(items.length));
    this.head = 0;
    this.length = 0;
    for (const v of items) this.push(v);
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.items.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.items[(this.head + i) & (this.items.length - 1)];
    this.items = next;
    this.head = 0;
  }
}

/** A power of two (the index mask needs it) with room for `n`. */
function capacityFor(n: number): number {
  let c = 8;
  while (c < n) c *= 2;
  return c;
}
