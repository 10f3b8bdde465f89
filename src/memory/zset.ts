/** A sorted set: member → score map plus a {@link SkipList} for order (O(log n) rank and range). */
import { SkipList } from "./skiplist";
import type { SkipNode } from "./skiplist";

export class ZSet {
  readonly scores = new Map<string, number>();
  readonly list = new SkipList();

  get size(): number {
    return this.scores.size;
  }

  /** Adds or moves a member; -0 is stored as 0 like Redis. */
  set(member: string, score: number): void {
    const s = score + 0;
    const old = this.scores.get(member);
    if (old !== undefined) {
      if (old === s) return;
      this.list.delete(old, member);
    }
    this.scores.set(member, s);
    this.list.insert(s, member);
  }

  delete(member: string): boolean {
    const old = this.scores.get(member);
    if (old === undefined) return false;
    this.scores.delete(member);
    this.list.delete(old, member);
    return true;
  }

  rank(member: string): number | undefined {
    const s = this.scores.get(member);
    return s === undefined ? undefined : this.list.rank(s, member);
  }

  /** Elements with rank in [start, end] (inclusive, already clamped), ascending. */
  *range(start: number, end: number): Generator<SkipNode> {
    let n = this.list.at(start);
    for (let i = start; i <= end && n; i++) {
      yield n;
      n = n.next[0] ?? null;
    }
  }

  /** Same as range, but walking from rank `start` backwards `count` elements. */
  *rangeDesc(start: number, end: number): Generator<SkipNode> {
    let n = this.list.at(start);
    for (let i = start; i >= end && n; i--) {
      yield n;
      n = n.backward;
    }
  }

  *entries(): Generator<SkipNode> {
    let n = this.list.first();
    while (n) {
      yield n;
      n = n.next[0] ?? null;
    }
  }
}
