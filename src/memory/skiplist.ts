/**
 * The ordered index of a sorted set: a skip list with spans (as in Redis's t_zset.c), so
 * insert, delete, rank and the n-th element are O(log n). Elements are ordered by score,
 * then by member bytes (members are latin1 identity strings, whose `<` is memcmp order).
 */

const MAX_LEVEL = 32;

export interface SkipNode {
  readonly member: string;
  readonly score: number;
  backward: SkipNode | null;
  readonly next: Array<SkipNode | null>;
  readonly span: number[];
}

function node(level: number, member: string, score: number): SkipNode {
  return { member, score, backward: null, next: new Array<SkipNode | null>(level).fill(null), span: new Array<number>(level).fill(0) };
}

/** Scratch arrays reused by insert/delete (the engine is single-threaded). */
const UPDATE = new Array<SkipNode>(MAX_LEVEL);
const RANK = new Array<number>(MAX_LEVEL).fill(0);

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < 0.25) level++;
  return level;
}

/** True when (score, member) sorts before (s, m). */
function before(n: SkipNode, score: number, member: string): boolean {
  return n.score < score || (n.score === score && n.member < member);
}

export class SkipList {
  private readonly head = node(MAX_LEVEL, "", -Infinity);
  private tail: SkipNode | null = null;
  private level = 1;
  length = 0;

  insert(score: number, member: string): void {
    const update = UPDATE;
    const rank = RANK;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      let n = x.next[i];
      while (n && before(n, score, member)) {
        rank[i]! += x.span[i]!;
        x = n;
        n = x.next[i];
      }
      update[i] = x;
    }
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        this.head.span[i] = this.length;
      }
      this.level = level;
    }
    const created = node(level, member, score);
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      created.next[i] = u.next[i]!;
      u.next[i] = created;
      created.span[i] = u.span[i]! - (rank[0]! - rank[i]!);
      u.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    created.backward = update[0] === this.head ? null : update[0]!;
    if (created.next[0]) created.next[0].backward = created;
    else this.tail = created;
    this.length++;
  }

  delete(score: number, member: string): boolean {
    const update = UPDATE;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i];
      while (n && before(n, score, member)) {
        x = n;
        n = x.next[i];
      }
      update[i] = x;
    }
    const target = x.next[0];
    if (!target || target.score !== score || target.member !== member) return false;
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (u.next[i] === target) {
        u.span[i]! += target.span[i]! - 1;
        u.next[i] = target.next[i]!;
      } else {
        u.span[i]!--;
      }
    }
    if (target.next[0]) target.next[0].backward = target.backward;
    else this.tail = target.backward;
    while (this.level > 1 && this.head.next[this.level - 1] === null) this.level--;
    this.length--;
    return true;
  }

  /** 0-based rank of an element known to be present. */
  rank(score: number, member: string): number {
    let rank = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i];
      while (n && (before(n, score, member) || (n.score === score && n.member === member))) {
        rank += x.span[i]!;
        x = n;
        n = x.next[i];
      }
      if (x !== this.head && x.member === member && x.score === score) return rank - 1;
    }
    return rank - 1;
  }

  /** The element at 0-based rank, or null. */
  at(index: number): SkipNode | null {
    if (index < 0 || index >= this.length) return null;
    const target = index + 1;
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i];
      while (n && traversed + x.span[i]! <= target) {
        traversed += x.span[i]!;
        x = n;
        n = x.next[i];
      }
      if (traversed === target) return x;
    }
    return null;
  }

  first(): SkipNode | null {
    return this.head.next[0] ?? null;
  }

  last(): SkipNode | null {
    return this.tail;
  }

  /** First element for which `inRange(score, member)` is not "below", i.e. the first with `!below(node)`. */
  firstWhere(below: (n: SkipNode) => boolean): SkipNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i];
      while (n && below(n)) {
        x = n;
        n = x.next[i];
      }
    }
    return x.next[0] ?? null;
  }

  /** Last element for which `notAbove(node)` holds (elements are monotone in it). */
  lastWhere(notAbove: (n: SkipNode) => boolean): SkipNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i];
      while (n && notAbove(n)) {
        x = n;
        n = x.next[i];
      }
    }
    return x === this.head ? null : x;
  }
}
