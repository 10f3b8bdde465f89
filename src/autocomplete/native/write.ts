/**
 * Native port of `../autocomplete-write.lua` (read its header for the key layout and the
 * prefix-list invariants), run by the embedded engine in place of the Lua. It issues the same commands in the same order as
 * the Lua, except that lists touched by one item are visited in insertion order rather than
 * Lua's hash order (each list is independent, so the keyspace ends up the same).
 * Strings are latin1 (one char per byte), exactly like Lua strings.
 */
import { scanItemsWithPrefix } from "./items";
import { COUNT, NUMBER, recordFields, utf8Step } from "./bytes";
import { ErrorReply, NativeScriptError, type NativeScript, type Reply, type ScriptCalls } from "../../memory/native";

/** SHA1 of the autocomplete-write.lua this file mirrors; a unit test fails when the Lua changes. */
export const AUTOCOMPLETE_WRITE_SHA = "850c0245b782ffbcf8e740237474b7390ac48c58";

const SENTINEL = "\xff";
const WIDE = 6;

/** A prefix list's rebuild spec: its prefix p, and for a pair list the second prefix q. */
interface ListSpec {
  readonly p: string;
  readonly q?: string;
}

type Op = { kind: "A"; key: string; score: string; folded: string; title: string; data: string } | { kind: "R"; key: string };

function fail(message: string): never {
  throw new NativeScriptError(new ErrorReply(`ERR autocomplete-write: ${message}`));
}

function wordsOf(folded: string): string[] {
  return folded.split(" ").filter((w) => w !== "");
}

/** The "score" and "folded words" fields of a record "score\0folded\0title\0data". */
function fieldsOf(record: string): { score: string; folded: string } {
  return recordFields(record) ?? fail("malformed item record");
}

function lexMembers(words: readonly string[], key: string): string[] {
  return words.map((w) => `${w}\0${key}`);
}

class Writer {
  private pendingLex: Array<string | number> = [];
  /** Prefix list key → flat entries n1, score1, member1, n2, … */
  private pending = new Map<string, Array<string | number>>();
  private readonly x: string;

  constructor(
    private readonly redis: ScriptCalls,
    private readonly d: string,
    private readonly w: string,
    private readonly tag: string,
    private readonly cap: number,
    private readonly chars: number,
  ) {
    this.x = `${tag}:x`;
  }

  /** The prefix and pair lists an item with these words belongs to, and whether it is "wide". */
  private listsOf(words: readonly string[]): { lists: Map<string, ListSpec>; wide: boolean } {
    const lists = new Map<string, ListSpec>();
    const twos = new Set<string>();
    for (const word of words) {
      let n = 0;
      let i = 0;
      while (i < word.length && n < this.chars) {
        i += utf8Step(word.charCodeAt(i));
        n++;
        const p = word.slice(0, i);
        lists.set(`${this.tag}:p:${p}`, { p });
        if (n === 2) twos.add(p);
      }
    }
    if (twos.size > WIDE) return { lists, wide: true };
    const sorted = [...twos].sort();
    for (let a = 0; a < sorted.length; a++) {
      for (let b = a + 1; b < sorted.length; b++) {
        lists.set(`${this.tag}:q:${sorted[a]!} ${sorted[b]!}`, { p: sorted[a]!, q: sorted[b]! });
      }
    }
    return { lists, wide: false };
  }

  /** Whether an item with these folded words is wide (as {@link listsOf} decides; the Lua `is_wide`). */
  private isWide(folded: string): boolean {
    if (this.chars < 2) return false;
    const twos = new Set<string>();
    for (const word of wordsOf(folded)) {
      const k = utf8Step(word.charCodeAt(0));
      if (k >= word.length) continue;
      twos.add(word.slice(0, k + utf8Step(word.charCodeAt(k))));
      if (twos.size > WIDE) return true;
    }
    return false;
  }

  /** Refills a list from the lexical index: its best items (a pair list takes no wide item), plus the sentinel. */
  private rebuild(pk: string, spec: ListSpec): void {
    const redis = this.redis;
    redis.call(["DEL", pk]);
    const items: Array<{ n: number; score: string; member: string; index: number }> = [];
    scanItemsWithPrefix(redis, this.w, this.d, spec.p, (batch) => {
      for (const { key, score, folded } of batch) {
        if (spec.q === undefined || (` ${folded}`.includes(` ${spec.q}`) && !this.isWide(folded))) {
          items.push({ n: Number(score), score, member: `${folded}\0${key}`, index: items.length + 1 });
        }
      }
    });
    if (items.length === 0) return;
    items.sort((a, b) => (a.n !== b.n ? (a.n > b.n ? -1 : 1) : a.index - b.index));
    const args: string[] = [];
    for (let i = 0; i < Math.min(this.cap, items.length); i++) args.push(items[i]!.score, items[i]!.member);
    if (items.length > this.cap) args.push(items[this.cap]!.score, SENTINEL);
    redis.call(["ZADD", pk, ...args]);
  }

  /** Adds entries (flat n, score, member triples) to a prefix list, evicting beyond capacity. */
  private plistAdd(pk: string, entries: ReadonlyArray<string | number>): void {
    const redis = this.redis;
    const card = redis.integer("ZCARD", pk);
    const wm = card > this.cap / 2 ? redis.bulk("ZSCORE", pk, SENTINEL) : undefined;
    const w = wm === undefined ? undefined : Number(wm);
    const args: string[] = [];
    for (let j = 0; j < entries.length; j += 3) {
      if (w === undefined || (entries[j] as number) > w) args.push(entries[j + 1] as string, entries[j + 2] as string);
    }
    if (args.length === 0) return;
    const over = card + redis.integer("ZADD", pk, ...args) - this.cap - (wm !== undefined ? 1 : 0);
    if (over > 0) {
      const low = redis.strings("ZRANGE", pk, 0, over, "WITHSCORES");
      const gone: string[] = [];
      let top: string | undefined;
      for (let j = 0; j < low.length; j += 2) {
        if (low[j] !== SENTINEL && gone.length < over) {
          gone.push(low[j]!);
          top = low[j + 1];
        }
      }
      redis.call(["ZREM", pk, ...gone]);
      redis.call(["ZADD", pk, "GT", top ?? fail("eviction found no member"), SENTINEL]);
    }
  }

  private plistRemove(pk: string, spec: ListSpec, member: string): void {
    const redis = this.redis;
    redis.call(["ZREM", pk, member]);
    const wm = redis.bulk("ZSCORE", pk, SENTINEL);
    if (wm !== undefined && redis.integer("ZCOUNT", pk, `(${wm}`, "+inf") < this.cap / 2) this.rebuild(pk, spec);
  }

  /** Applies the batched work of brand-new items. */
  flush(): void {
    if (this.pendingLex.length > 0) {
      this.redis.call(["ZADD", this.w, ...this.pendingLex]);
      this.pendingLex = [];
    }
    const pending = this.pending;
    this.pending = new Map();
    for (const [pk, entries] of pending) this.plistAdd(pk, entries);
  }

  add(key: string, score: string, folded: string, title: string, data: string): number {
    const redis = this.redis;
    const record = `${score}\0${folded}\0${title}\0${data}`;
    const n = Number(score);
    const words = wordsOf(folded);
    const { lists, wide } = this.listsOf(words);
    const member = `${folded}\0${key}`;
    if (redis.integer("HSETNX", this.d, key, record) === 1) {
      if (wide) redis.call(["ZADD", this.x, score, member]);
      if (this.pendingLex.length > 6000) this.flush();
      for (const m of lexMembers(words, key)) this.pendingLex.push(0, m);
      for (const pk of lists.keys()) {
        let list = this.pending.get(pk);
        if (!list) {
          list = [];
          this.pending.set(pk, list);
        }
        list.push(n, score, member);
      }
      return 1;
    }
    this.flush();
    const old = redis.bulk("HGET", this.d, key) ?? fail("item vanished during the update");
    redis.call(["HSET", this.d, key, record]);
    const { score: oldScore, folded: oldFolded } = fieldsOf(old);
    const oldWords = wordsOf(oldFolded);
    const { lists: oldLists, wide: oldWide } = this.listsOf(oldWords);
    if (oldFolded !== folded) {
      const gone = lexMembers(oldWords, key);
      if (gone.length > 0) redis.call(["ZREM", this.w, ...gone]);
      const args: Array<string | number> = [];
      for (const m of lexMembers(words, key)) args.push(0, m);
      if (args.length > 0) redis.call(["ZADD", this.w, ...args]);
    }
    const changed = oldScore !== score || oldFolded !== folded;
    const oldMember = `${oldFolded}\0${key}`;
    for (const [pk, spec] of oldLists) {
      if (changed || !lists.has(pk)) this.plistRemove(pk, spec, oldMember);
    }
    for (const pk of lists.keys()) {
      if (changed || !oldLists.has(pk)) this.plistAdd(pk, [n, score, member]);
    }
    if (oldWide && (changed || !wide)) redis.call(["ZREM", this.x, oldMember]);
    if (wide && (changed || !oldWide)) redis.call(["ZADD", this.x, score, member]);
    return 0;
  }

  remove(key: string): number {
    const redis = this.redis;
    this.flush();
    const old = redis.bulk("HGET", this.d, key);
    if (old === undefined) return 0;
    redis.call(["HDEL", this.d, key]);
    const { folded } = fieldsOf(old);
    const words = wordsOf(folded);
    const members = lexMembers(words, key);
    if (members.length > 0) redis.call(["ZREM", this.w, ...members]);
    const { lists, wide } = this.listsOf(words);
    const member = `${folded}\0${key}`;
    for (const [pk, spec] of lists) this.plistRemove(pk, spec, member);
    if (wide) redis.call(["ZREM", this.x, member]);
    return 1;
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
    if (keys.length < 2 || args.length < 3 || !COUNT.test(args[1]!) || !COUNT.test(args[2]!)) return undefined;
    const ops = parseOps(args);
    if (!ops) return undefined;
    const writer = new Writer(redis, keys[0]!.toString("latin1"), keys[1]!.toString("latin1"), args[0]!, Number(args[1]), Number(args[2]));
    const out = ops.map((op) => (op.kind === "A" ? writer.add(op.key, op.score, op.folded, op.title, op.data) : writer.remove(op.key)));
    writer.flush();
    return out;
  },
};
