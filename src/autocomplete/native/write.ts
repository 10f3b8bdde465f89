/**
 * Native port of `../autocomplete-write.lua` (read its header for the key layout, the trie and
 * the list invariants), run by the embedded engine in place of the Lua. It issues the same
 * commands in the same order as the Lua where order matters; lists and buckets touched by one
 * batch are visited in insertion order rather than Lua's hash order (each is independent, so the
 * keyspace ends up byte-identical). Strings are latin1 (one char per byte), like Lua strings.
 */
import { COUNT, NUMBER, recordFields, utf8Step } from "./bytes";
import { Lists, neg } from "./write-lists";
import type { Spec, WItem } from "./write-lists";
import { Trie, prefixes } from "./trie";
import { ErrorReply, NativeScriptError, type NativeScript, type Reply, type ScriptCalls } from "../../memory/native";

/** SHA1 of the autocomplete-write.lua this file mirrors; a unit test fails when the Lua changes. */
export const AUTOCOMPLETE_WRITE_SHA = "6433d138765bcb149dffb1b6a8a2d5ba862e594b";

const WIDE = 6;

type Op = { kind: "A"; key: string; score: string; folded: string; title: string; data: string } | { kind: "R"; key: string };

function fail(message: string): never {
  throw new NativeScriptError(new ErrorReply(`ERR autocomplete-write: ${message}`));
}

function makeItem(key: string, score: string, folded: string): WItem {
  const words = folded.split(" ").filter((w) => w !== "");
  const twos = new Set<string>();
  for (const w of words) {
    const p = prefixes(w)[1];
    if (p !== undefined) twos.add(p);
  }
  const ns = neg(score);
  return { key, score, n: Number(ns), ns, folded, sp: ` ${folded} `, words, wide: twos.size > WIDE };
}

class Writer {
  private readonly trie: Trie;
  private readonly lists: Lists;
  private readonly n: string;
  private readonly x: string;
  private readonly items = new Map<string, WItem>();
  private dirty = new Set<string>();
  private pending: WItem[] = [];

  constructor(
    private readonly redis: ScriptCalls,
    private readonly d: string,
    private readonly w: string,
    tag: string,
    private readonly k: number,
    private readonly t: number,
  ) {
    this.n = `${tag}:n`;
    this.x = `${tag}:x`;
    this.trie = new Trie(redis, w, tag);
    this.lists = new Lists(redis, tag, k, (p) => this.itemsWith(p), (a, b) => redis.strings("HMGET", this.n, a, b));
  }

  /** Loads the nodes of the words' prefixes, level by level, down to each word's first unsplit one. */
  private loadItems(its: readonly WItem[]): void {
    const trie = this.trie;
    trie.load([""]);
    let words = [...new Set(its.flatMap((it) => it.words))];
    for (let level = 0; words.length > 0; level++) {
      trie.load(words.map((w) => prefixes(w)[level]!));
      words = words.filter((w) => trie.node(prefixes(w)[level]!).flag > 0 && prefixes(w)[level + 1] !== undefined);
    }
  }

  private hsetAll(key: string, t: Map<string, string | number>): void {
    const args: Array<string | number> = [];
    for (const [f, v] of t) args.push(f, v);
    for (let i = 0; i < args.length; i += 2000) this.redis.call(["HSET", key, ...args.slice(i, i + 2000)]);
  }

  private flushNodes(): void {
    const t = new Map<string, string>();
    for (const p of this.dirty) t.set(p, `${this.trie.node(p).flag}${this.trie.node(p).kids}`);
    this.hsetAll(this.w, t);
    this.dirty = new Set();
  }

  /** Every live item having a word that starts with p, from its entries (items shared by key). */
  private itemsWith(p: string): WItem[] {
    return this.trie.entriesWith(p).map(({ key, score, folded }) => {
      let it = this.items.get(key);
      if (!it || it.score !== score || it.folded !== folded) {
        it = makeItem(key, score, folded);
        this.items.set(key, it);
      }
      return it;
    });
  }

  /** The lists of an item (nodes loaded), or with `only` its pair lists pairing that prefix. */
  private listsOf(it: WItem, only?: string): Map<string, Spec> {
    const out = new Map<string, Spec>();
    const twos: string[][] = [];
    for (const w of it.words) {
      const t: string[] = [];
      for (const p of prefixes(w)) {
        const f = this.trie.node(p).flag;
        if (f === 0) break;
        if (only === undefined) {
          const s = this.lists.spec(p);
          out.set(s.key, s);
        }
        if (f === 2) t.push(p);
      }
      twos.push(t);
    }
    if (it.wide) return out;
    for (let i = 0; i < it.words.length; i++) {
      for (let j = i + 1; j < it.words.length; j++) {
        for (const a of twos[i]!) {
          for (const b of twos[j]!) {
            if (only !== undefined && a !== only && b !== only) continue;
            const s = this.lists.pair(a, b);
            if (s) out.set(s.key, s);
          }
        }
      }
    }
    return out;
  }

  private addToLists(its: readonly WItem[], only?: string): void {
    const lists = new Map<string, { spec: Spec; its: WItem[] }>();
    for (const it of its) {
      for (const [pk, spec] of this.listsOf(it, only)) {
        let l = lists.get(pk);
        if (!l) lists.set(pk, (l = { spec, its: [] }));
        l.its.push(it);
      }
    }
    for (const { spec, its: l } of lists.values()) this.lists.add(spec, l);
  }

  /** A split prefix with more than T entries becomes pair-common: it fills every pair list it forms. */
  private promote(p: string, count: number): void {
    if (count <= this.t || this.trie.node(p).flag !== 1) return;
    this.trie.node(p).flag = 2;
    this.dirty.add(p);
    const its = this.itemsWith(p);
    this.loadItems(its);
    this.addToLists(its, p);
  }

  /** Splits a bucket past K entries (see the Lua split_bucket). */
  private splitBucket(p: string): void {
    const { redis, trie } = this;
    const es = redis.strings("ZRANGE", trie.bucketKey(p), 0, -1) as string[];
    if (es.length <= this.k) return;
    const node = { flag: 1, kids: "" };
    trie.nodes.set(p, node);
    const moved = new Map<string, Array<string | number>>();
    for (const m of es) {
      const z = m.indexOf("\0");
      const ch = z === p.length ? "$" : m.slice(p.length, p.length + utf8Step(m.charCodeAt(p.length)));
      let args = moved.get(ch);
      if (!args) {
        moved.set(ch, (args = []));
        node.kids += ch;
      }
      args.push(0, m);
    }
    redis.call(["DEL", trie.bucketKey(p)]);
    for (const [ch, args] of moved) {
      const b = ch === "$" ? `${p}$` : p + ch;
      for (let i = 0; i < args.length; i += 2000) redis.call(["ZADD", trie.bucketKey(b), ...args.slice(i, i + 2000)]);
      if (ch !== "$" && !trie.nodes.has(b)) trie.nodes.set(b, { flag: 0, kids: "" });
    }
    this.dirty.add(p);
    redis.call(["HSET", this.n, p, es.length]);
    this.flushNodes();
    this.lists.rebuild(this.lists.spec(p));
    for (const [ch, args] of moved) {
      if (ch !== "$" && args.length / 2 > this.k) this.splitBucket(p + ch);
    }
    this.promote(p, es.length);
  }

  /** Moves entries in (1) or out (-1) of the trie (see the Lua index). */
  private index(its: readonly WItem[], sign: number): void {
    const { redis, trie } = this;
    this.loadItems(its);
    const per = new Map<string, Array<string | number>>();
    const counts = new Map<string, number>();
    for (const it of its) {
      for (const w of it.words) {
        const { bucket, parent, ch } = trie.bucketOf(w);
        const node = trie.node(parent);
        if (sign > 0 && !node.kids.includes(ch)) {
          node.kids += ch;
          this.dirty.add(parent);
        }
        let args = per.get(bucket);
        if (!args) per.set(bucket, (args = []));
        if (sign > 0) args.push(0);
        args.push(`${w}\0${it.score}\0${it.folded}\0${it.key}`);
        for (const p of prefixes(w)) {
          if (!trie.split(p)) break;
          counts.set(p, (counts.get(p) ?? 0) + sign);
        }
      }
    }
    this.flushNodes();
    for (const [b, args] of per) {
      for (let i = 0; i < args.length; i += 2000) redis.call([sign > 0 ? "ZADD" : "ZREM", trie.bucketKey(b), ...args.slice(i, i + 2000)]);
    }
    const names = [...counts.keys()];
    const total = new Map<string, number>();
    for (let i = 0; i < names.length; i += 1000) {
      const batch = names.slice(i, i + 1000);
      const r = redis.strings("HMGET", this.n, ...batch);
      batch.forEach((p, j) => total.set(p, (Number(r[j] ?? 0) || 0) + counts.get(p)!));
    }
    this.hsetAll(this.n, total);
    if (sign < 0) return;
    for (const b of per.keys()) {
      if (!b.endsWith("$") && redis.integer("ZCARD", trie.bucketKey(b)) > this.k) this.splitBucket(b);
    }
    for (const [p, c] of total) this.promote(p, c);
    this.flushNodes();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const its = this.pending;
    this.pending = [];
    this.index(its, 1);
    this.loadItems(its);
    this.addToLists(its);
  }

  remove(key: string): number {
    this.flush();
    const old = this.redis.bulk("HGET", this.d, key);
    if (old === undefined) return 0;
    const f = recordFields(old) ?? fail("malformed item record");
    const it = makeItem(key, f.score, f.folded);
    this.redis.call(["HDEL", this.d, key]);
    this.index([it], -1);
    for (const spec of this.listsOf(it).values()) this.lists.remove(spec, it);
    if (it.wide) this.redis.call(["ZREM", this.x, `${it.folded}\0${key}`]);
    return 1;
  }

  add(key: string, score: string, folded: string, title: string, data: string): number {
    const record = `${score}\0${folded}\0${title}\0${data}`;
    if (this.redis.integer("HSETNX", this.d, key, record) === 1) {
      const it = makeItem(key, score, folded);
      if (it.wide) this.redis.call(["ZADD", this.x, score, `${folded}\0${key}`]);
      this.pending.push(it);
      if (this.pending.length >= 2000) this.flush();
      return 1;
    }
    const old = this.redis.bulk("HGET", this.d, key) ?? fail("item vanished during the update");
    const f = recordFields(old) ?? fail("malformed item record");
    if (f.score === score && f.folded === folded) {
      this.redis.call(["HSET", this.d, key, record]);
      return 0;
    }
    this.remove(key);
    return this.add(key, score, folded, title, data) - 1;
  }
}

/** The operations in ARGV[4…], or undefined when they are not the shape narwhal sends. */
function parseOps(args: readonly string[]): Op[] | undefined {
  const ops: Op[] = [];
  let i = 3;
  while (i < args.length) {
    if (args[i] === "A" && i + 5 < args.length && NUMBER.test(args[i + 2]!)) {
      ops.push({ kind: "A", key: args[i + 1]!, score: args[i + 2]!, folded: args[i + 3]!, title: args[i + 4]!, data: args[i + 5]! });
      i += 6;
    } else if (args[i] === "R" && i + 1 < args.length) {
      ops.push({ kind: "R", key: args[i + 1]! });
      i += 2;
    } else {
      return undefined;
    }
  }
  return ops;
}

/** The native autocomplete-write: the embedded engine runs it for EVAL/EVALSHA of that Lua (same SHA1). */
export const autocompleteWrite: NativeScript = {
  name: "autocomplete-write",
  sha: AUTOCOMPLETE_WRITE_SHA,
  run(keys, argv, redis): Reply | undefined {
    const args = argv.map((a) => a.toString("latin1"));
    if (keys.length < 2 || args.length < 3 || !COUNT.test(args[1]!) || !COUNT.test(args[2]!) || Number(args[1]) < 1) return undefined;
    const ops = parseOps(args);
    if (!ops) return undefined;
    const writer = new Writer(redis, keys[0]!.toString("latin1"), keys[1]!.toString("latin1"), args[0]!, Number(args[1]), Number(args[2]));
    redis.call(["INCR", `${args[0]!}:g`]);
    const out = ops.map((op) => (op.kind === "A" ? writer.add(op.key, op.score, op.folded, op.title, op.data) : writer.remove(op.key)));
    writer.flush();
    return out;
  },
};
