/**
 * Issue 9, defect 11: strings with lone UTF-16 surrogates. UTF-8 cannot carry them, so a
 * client would send U+FFFD and `"a\uD800"`, `"a\uDC00"` and `"a\uFFFD"` would name the same
 * key, hash field, member, model id, unique value, autocomplete item or cache entry. Every
 * boundary that turns a string into something Redis stores or looks up refuses them with a
 * ValidationError naming the argument, before anything is sent (and, in a transaction,
 * aborting it). Generated: every probe is run with many such strings, and the suite's
 * key space must stay empty.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import type { ClientLike } from "../../src/client";
import { Database } from "../../src/database";
import { Model, model, field, cached } from "../../src/index";
import type { Cache } from "../../src/cache/cache";
import { codecs } from "../../src/codec";
import { UniqueConstraintError, ValidationError } from "../../src/errors";
import { describeBackends } from "../support/backends";

const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Strings holding at least one lone surrogate (high or low), anywhere, with any neighbours. */
const lone = fc
  .tuple(fc.string({ unit: "binary", maxLength: 4 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ unit: "binary", maxLength: 4 }), fc.boolean())
  .map(([a, unit, b, twice]) => a + String.fromCharCode(unit) + b + (twice ? String.fromCharCode(unit) : ""))
  .filter((s) => !wellFormed(s));

@model({ name: "LoneUser" })
class LoneUser extends Model {
  @field.id() id!: string;
  @field.text({ index: true }) name = "n";
  @field.text({ unique: true }) email: string | null = null;
  @field.text() note = "";
  @field.text({ fullText: true }) bio = "";
  @field.integer({ index: true }) age = 0;
}

interface Env {
  readonly db: Database;
  readonly cache: Cache<unknown>;
}

/** One boundary: what to call with the bad string `s`, and the argument the error must name. */
interface Probe {
  readonly name: string;
  readonly path: string | ((s: string) => string);
  readonly run: (env: Env, s: string) => Promise<unknown>;
}

const noop = async (x: unknown) => x;

const PROBES: Probe[] = [
  // Database and container names (keys).
  { name: "new Database({ prefix })", path: "prefix", run: async ({ db }, s) => new Database(db.client, { prefix: s }) },
  { name: "db.hash(name)", path: "key", run: async ({ db }, s) => db.hash(s) },
  { name: "db.list(name)", path: "key", run: async ({ db }, s) => db.list(s) },
  { name: "db.set(name)", path: "key", run: async ({ db }, s) => db.set(s) },
  { name: "db.zset(name)", path: "key", run: async ({ db }, s) => db.zset(s) },
  { name: "db.hyperLogLog(name)", path: "key", run: async ({ db }, s) => db.hyperLogLog(s) },
  { name: "db.script keys", path: "key", run: async ({ db }, s) => db.script({ name: "k", lua: "return 1", keys: 1 })([s]) },
  // Hash fields.
  { name: "hash.get(field)", path: "field", run: ({ db }, s) => db.hash("h").get(s) },
  { name: "hash.set(field)", path: "field", run: ({ db }, s) => db.hash("h").set(s, "v") },
  { name: "hash.setIfAbsent(field)", path: "field", run: ({ db }, s) => db.hash("h").setIfAbsent(s, "v") },
  { name: "hash.has(field)", path: "field", run: ({ db }, s) => db.hash("h").has(s) },
  { name: "hash.delete(field)", path: "fields[1]", run: ({ db }, s) => db.hash("h").delete("ok", s) },
  { name: "hash.getMany(fields)", path: "fields[0]", run: ({ db }, s) => db.hash("h").getMany([s]) },
  { name: "hash.update(object)", path: "field", run: ({ db }, s) => db.hash("h").update({ ok: "1", [s]: "v" }) },
  { name: "hash.update(map)", path: "field", run: ({ db }, s) => db.hash("h").update(new Map([[s, "v"]])) },
  { name: "hash.incr(field)", path: "field", run: ({ db }, s) => db.hash("h", { codec: codecs.integer }).incr(s) },
  { name: "hash.entries({ match })", path: "match", run: async ({ db }, s) => { for await (const e of db.hash("h").entries({ match: s })) void e; } },
  // Set members and names.
  { name: "set.add(members)", path: "members[1]", run: ({ db }, s) => db.set("s").add("ok", s) },
  { name: "set.delete(members)", path: "members[0]", run: ({ db }, s) => db.set("s").delete(s) },
  { name: "set.has(member)", path: "member", run: ({ db }, s) => db.set("s").has(s) },
  { name: "set.hasMany(members)", path: "members[0]", run: ({ db }, s) => db.set("s").hasMany([s]) },
  { name: "set.move(member)", path: "member", run: ({ db }, s) => db.set("{s}a").move(s, "{s}b") },
  { name: "set.move(destination)", path: "destination", run: ({ db }, s) => db.set("{s}a").move("m", s) },
  { name: "set.union(others)", path: "others[0]", run: ({ db }, s) => db.set("s").union(s) },
  { name: "set.unionStore(destination)", path: "destination", run: ({ db }, s) => db.set("s").unionStore(s) },
  { name: "set.values({ match })", path: "match", run: async ({ db }, s) => { for await (const v of db.set("s").values({ match: s })) void v; } },
  // Sorted set members, lex bounds and names.
  { name: "zset.add(member, score)", path: "member", run: ({ db }, s) => db.zset("z").add(s, 1) },
  { name: "zset.add(entries)", path: "entries[1][0]", run: ({ db }, s) => db.zset("z").add([["ok", 1], [s, 2]]) },
  { name: "zset.score(member)", path: "member", run: ({ db }, s) => db.zset("z").score(s) },
  { name: "zset.incr(member)", path: "member", run: ({ db }, s) => db.zset("z").incr(s) },
  { name: "zset.rank(member)", path: "member", run: ({ db }, s) => db.zset("z").rank(s) },
  { name: "zset.delete(members)", path: "members[0]", run: ({ db }, s) => db.zset("z").delete(s) },
  { name: "zset.has(member)", path: "member", run: ({ db }, s) => db.zset("z").has(s) },
  { name: "zset.rangeByLex(min)", path: "min", run: ({ db }, s) => db.zset("z").rangeByLex(s) },
  { name: "zset.rangeByLex(max)", path: "max", run: ({ db }, s) => db.zset("z").rangeByLex(undefined, s) },
  { name: "zset.rangeByPrefix(prefix)", path: "prefix", run: ({ db }, s) => db.zset("z").rangeByPrefix(s) },
  { name: "zset.removeRangeByLex(min)", path: "min", run: ({ db }, s) => db.zset("z").removeRangeByLex(s) },
  { name: "zset.unionStore(destination)", path: "destination", run: ({ db }, s) => db.zset("z").unionStore(s, []) },
  { name: "zset.interStore(others)", path: "others[0]", run: ({ db }, s) => db.zset("z").interStore("d", [s]) },
  // HyperLogLog values and names.
  { name: "hyperLogLog.add(values)", path: "values[0]", run: ({ db }, s) => db.hyperLogLog("l").add(s) },
  { name: "hyperLogLog.merge(sources)", path: "sources[0]", run: ({ db }, s) => db.hyperLogLog("l").merge(s) },
  { name: "hyperLogLog.countUnion(others)", path: "others[0]", run: ({ db }, s) => db.hyperLogLog("l").countUnion(s) },
  { name: "list.move(destination)", path: "destination", run: ({ db }, s) => db.list("li").move(s) },
  // Models: ids, indexed, unique and plain text values, query values.
  { name: "Model.create({ id })", path: "id", run: (_, s) => LoneUser.create({ id: s }) },
  { name: "Model.create({ indexed text })", path: "name", run: (_, s) => LoneUser.create({ name: s }) },
  { name: "Model.create({ unique text })", path: "email", run: (_, s) => LoneUser.create({ email: s }) },
  { name: "Model.create({ plain text })", path: "note", run: (_, s) => LoneUser.create({ note: s }) },
  { name: "Model.create({ fullText })", path: "bio", run: (_, s) => LoneUser.create({ bio: s }) },
  { name: "Model.create({ upsert })", path: "email", run: (_, s) => LoneUser.create({ id: "u1", email: s }, { upsert: true }) },
  { name: "record.save()", path: "name", run: (_, s) => Object.assign(new LoneUser(), { name: s }).save() },
  { name: "Model.find(id)", path: "id", run: (_, s) => LoneUser.find(s) },
  { name: "Model.get(id)", path: "id", run: (_, s) => LoneUser.get(s) },
  { name: "Model.exists(id)", path: "id", run: (_, s) => LoneUser.exists(s) },
  { name: "Model.getMany(ids)", path: "id", run: (_, s) => LoneUser.getMany(["ok", s]) },
  { name: "record.delete() of a bad id", path: "id", run: (_, s) => Object.assign(new LoneUser(), { id: s }).delete() },
  { name: "record.incr() of a bad id", path: "id", run: (_, s) => Object.assign(new LoneUser(), { id: s }).incr("age") },
  { name: "query eq (pk)", path: "id", run: (_, s) => LoneUser.query((q) => q.id.eq(s)).toArray() },
  { name: "query eq (index)", path: "name", run: (_, s) => LoneUser.query((q) => q.name.eq(s)).toArray() },
  { name: "query ne (index)", path: "name", run: (_, s) => LoneUser.count((q) => q.name.ne(s)) },
  { name: "query eq (unique)", path: "email", run: (_, s) => LoneUser.first((q) => q.email.eq(s)) },
  { name: "query in", path: "name", run: (_, s) => LoneUser.query((q) => q.name.in(["ok", s])).ids() },
  { name: "query startsWith", path: "name", run: (_, s) => LoneUser.query((q) => q.name.startsWith(s)).toArray() },
  { name: "query match", path: "bio", run: (_, s) => LoneUser.query((q) => q.bio.match(`word ${s}`)).toArray() },
  { name: "query deleteMany", path: "name", run: (_, s) => LoneUser.deleteMany((q) => q.name.eq(s)) },
  // Autocomplete: name, ids, types, titles, boost names.
  { name: "db.autocomplete(name)", path: "name", run: async ({ db }, s) => db.autocomplete(s) },
  { name: "autocomplete.add({ id })", path: "id", run: ({ db }, s) => db.autocomplete("ac").add({ id: s, title: "t" }) },
  { name: "autocomplete.add({ title })", path: "item.title", run: ({ db }, s) => db.autocomplete("ac").add({ id: "1", title: s }) },
  { name: "autocomplete.add({ type })", path: "type", run: ({ db }, s) => db.autocomplete("ac").add({ id: "1", title: "t", type: s }) },
  { name: "autocomplete.addMany", path: "id", run: ({ db }, s) => db.autocomplete("ac").addMany([{ id: "1", title: "t" }, { id: s, title: "t" }]) },
  { name: "autocomplete.remove(id)", path: "id", run: ({ db }, s) => db.autocomplete("ac").remove(s) },
  { name: "autocomplete.has(id)", path: "id", run: ({ db }, s) => db.autocomplete("ac").has(s) },
  { name: "autocomplete.get(id, type)", path: "type", run: ({ db }, s) => db.autocomplete("ac").get("1", s) },
  { name: "autocomplete.boost(id)", path: "id", run: ({ db }, s) => db.autocomplete("ac").boost(s, 2) },
  { name: "autocomplete.boost({ type })", path: "type", run: ({ db }, s) => db.autocomplete("ac").boost({ type: s }, 2) },
  { name: "autocomplete.search({ types })", path: "types[0]", run: ({ db }, s) => db.autocomplete("ac").search("t", { types: [s] }) },
  { name: "autocomplete.search({ boosts.ids })", path: "boosts.ids", run: ({ db }, s) => db.autocomplete("ac").search("t", { boosts: { ids: { [s]: 2 } } }) },
  // Cache: namespace, keys, function names, tags.
  { name: "db.cache({ namespace })", path: "namespace", run: async ({ db }, s) => db.cache({ namespace: s }) },
  { name: "cache.get(key)", path: "key", run: ({ cache }, s) => cache.get(s) },
  { name: "cache.getEntry(key)", path: "key", run: ({ cache }, s) => cache.getEntry(s) },
  { name: "cache.set(key)", path: "key", run: ({ cache }, s) => cache.set(s, 1) },
  { name: "cache.has(key)", path: "key", run: ({ cache }, s) => cache.has(s) },
  { name: "cache.delete(key)", path: "key", run: ({ cache }, s) => cache.delete(s) },
  { name: "cache.ttl(key)", path: "key", run: ({ cache }, s) => cache.ttl(s) },
  { name: "cache.incr(key)", path: "key", run: ({ cache }, s) => cache.incr(s) },
  { name: "cache.getMany(keys)", path: "keys[1]", run: ({ cache }, s) => cache.getMany(["ok", s]) },
  { name: "cache.setMany(pairs)", path: "entries[1]", run: ({ cache }, s) => cache.setMany([["ok", 1], [s, 2]]) },
  { name: "cache.setMany(record)", path: "entries[0]", run: ({ cache }, s) => cache.setMany({ [s]: 1 }) },
  { name: "cache.deleteMany(keys)", path: "keys[0]", run: ({ cache }, s) => cache.deleteMany([s]) },
  { name: "cache.wrap({ name })", path: "name", run: async ({ cache }, s) => cache.wrap(noop, { name: s }) },
  { name: "@cached({ name })", path: "name", run: ({ cache }, s) => new (cachedClass(cache, s))().m(1) },
  { name: "wrap tags()", path: "tags()[0]", run: ({ cache }, s) => cache.wrap(noop, { name: `tagged${tagged++}`, tags: () => [s] })(1) },
  { name: "cache.invalidateTags(tags)", path: "tags[1]", run: ({ cache }, s) => cache.invalidateTags("ok", s) },
];
let tagged = 0;

function cachedClass(cache: Cache<unknown>, name: string) {
  class C {
    @cached({ cache, name })
    async m(x: number) {
      return x;
    }
  }
  return C;
}

/** Every key under the Database's prefix, on every master of a cluster. */
async function keysUnder(raw: ClientLike, prefix: string): Promise<string[]> {
  const nodes = (raw as unknown as { nodes?: (role: string) => ClientLike[] }).nodes?.("master") ?? [raw];
  const found: string[] = [];
  for (const node of nodes) {
    for (const pattern of [`${prefix}:*`, `{${prefix}:*`]) {
      let cursor = "0";
      do {
        const [next, keys] = (await node.call("scan", cursor, "MATCH", pattern, "COUNT", 1000)) as [string, string[]];
        cursor = next;
        found.push(...keys);
      } while (cursor !== "0");
    }
  }
  return found;
}

async function rejection(promise: () => Promise<unknown>): Promise<unknown> {
  try {
    await promise();
  } catch (error) {
    return error;
  }
  return undefined;
}

describeBackends("lone surrogates are refused at every boundary", (ctx) => {
  let shared: (Env & { prefix: string }) | undefined;
  /** The suite's Database (nothing may ever be written under its prefix by the probes). */
  const env = (): Env & { prefix: string } => {
    const { db, prefix } = ctx();
    if (shared?.db !== db) shared = { db, cache: db.cache({ namespace: "c" }), prefix };
    LoneUser.use(db);
    return shared;
  };
  /** A Database of its own for the tests that do write. */
  const writer = (name: string): Env => {
    const db = new Database(ctx().db.client, { prefix: `${ctx().prefix}:${name}` }); // after the probes: cleaned up with the suite
    LoneUser.use(db);
    return { db, cache: db.cache({ namespace: "c" }) };
  };
  /** Asserts that nothing was written under the suite's prefix (and removes whatever was, so one failure does not cascade). */
  const nothingWritten = async (): Promise<void> => {
    const found = await keysUnder(ctx().raw, ctx().prefix);
    for (const key of found) await ctx().raw.call("unlink", key);
    expect(found).toEqual([]);
  };

  for (const probe of PROBES) {
    it(`${probe.name}: ValidationError naming the argument, nothing written`, async () => {
      const e = env();
      await fc.assert(
        fc.asyncProperty(lone, async (s) => {
          const error = await rejection(() => probe.run(e, s));
          expect(error, `${probe.name} with ${JSON.stringify(s)}`).toBeInstanceOf(ValidationError);
          const path = typeof probe.path === "string" ? probe.path : probe.path(s);
          expect((error as ValidationError).issues[0]?.path).toBe(path);
        }),
        { numRuns: 12 },
      );
      await nothingWritten();
    });
  }

  it("inside a transaction or pipeline, a bad string aborts it: nothing is half-written", async () => {
    const { db } = env();
    await fc.assert(
      fc.asyncProperty(lone, fc.constantFrom("transaction", "pipeline") as fc.Arbitrary<"transaction" | "pipeline">, async (s, kind) => {
        const batches: Array<(tx: Parameters<Parameters<Database["transaction"]>[0]>[0]) => unknown> = [
          (tx) => [tx.hash("{t}h").set("ok", "1"), tx.hash("{t}h").set(s, "2")],
          (tx) => [tx.hash("{t}h").set("ok", "1"), tx.set("{t}s").add(s)],
          (tx) => [tx.hash("{t}h").set("ok", "1"), tx.zset("{t}z").incr(s)],
          (tx) => [tx.hash("{t}h").set("ok", "1"), tx.set("{t}s").move("m", s)],
          (tx) => [tx.hash("{t}h").set("ok", "1"), tx.zset("{t}z").rangeByLex(s)],
          (tx) => [LoneUser.in(tx).create({ name: "ok" }), LoneUser.in(tx).create({ email: s })],
          (tx) => [LoneUser.in(tx).create({ name: "ok" }), LoneUser.in(tx).find(s)],
          (tx) => [LoneUser.in(tx).create({ name: "ok" }), LoneUser.in(tx).delete(Object.assign(new LoneUser(), { id: s }))],
          (tx) => [LoneUser.in(tx).create({ name: "ok" }), LoneUser.in(tx).count((q) => q.name.eq(s))],
          (tx) => [LoneUser.in(tx).create({ name: "ok" }), LoneUser.in(tx).query((q) => q.email.eq(s)).toArray()],
          (tx) => [LoneUser.in(tx).create({ name: "ok" }), LoneUser.in(tx).incr(Object.assign(new LoneUser(), { id: s }), "age")],
        ];
        for (const body of batches) {
          const error = await rejection(() => db[kind](body));
          expect(error, `${kind} with ${JSON.stringify(s)}`).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 8 },
    );
    await nothingWritten();
  });

  it("two names that differ only in a lone surrogate never alias: both are refused, the U+FFFD name is untouched", async () => {
    const { db, cache } = writer("alias");
    const [high, low, replacement] = ["a\uD800", "a\uDC00", "a\uFFFD"];
    // The well-formed spelling works everywhere…
    await db.hash(replacement).set(replacement, "kept");
    await db.set("s").add(replacement);
    await db.zset("z").add(replacement, 1);
    await cache.set(replacement, "kept");
    const ac = db.autocomplete(replacement);
    await ac.add({ id: replacement, title: "kept", type: replacement });
    const u = await LoneUser.create({ id: replacement, name: replacement, email: replacement, note: replacement });
    // …and neither lone spelling reaches it.
    for (const bad of [high, low]) {
      expect(() => db.hash(bad)).toThrow(ValidationError);
      await expect(db.hash(replacement).set(bad, "clobbered")).rejects.toBeInstanceOf(ValidationError);
      await expect(db.hash(replacement).get(bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(db.set("s").has(bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(db.zset("z").delete(bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(cache.set(bad, "clobbered")).rejects.toBeInstanceOf(ValidationError);
      await expect(cache.get(bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(ac.remove(replacement, bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(ac.add({ id: bad, title: "clobbered", type: replacement })).rejects.toBeInstanceOf(ValidationError);
      await expect(LoneUser.find(bad)).rejects.toBeInstanceOf(ValidationError);
      // Two distinct unique values used to collide (a false UniqueConstraintError): now refused as input.
      const error = await rejection(() => LoneUser.create({ email: bad }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).not.toBeInstanceOf(UniqueConstraintError);
      // A query with one used to fail server-side (ScriptError); now it is refused before sending.
      await expect(LoneUser.query((q) => q.name.eq(bad)).toArray()).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await db.hash(replacement).toObject()).toEqual({ [replacement]: "kept" });
    expect(await db.set("s").members()).toEqual(new Set([replacement]));
    expect(await db.zset("z").size()).toBe(1);
    expect(await cache.get(replacement)).toBe("kept");
    expect((await ac.get(replacement, replacement))?.title).toBe("kept");
    expect((await LoneUser.get(replacement)).toJSON()).toEqual(u.toJSON());
    expect(await LoneUser.count((q) => q.name.eq(replacement))).toBe(1);
  });

  it("what is accepted on purpose: memoized arguments, values of codecs that carry them, search phrases", async () => {
    const { db, cache } = writer("accepted");
    // Memoized arguments are digested from a canonical encoding that keeps lone surrogates apart.
    let calls = 0;
    const f = cache.wrap(async (x: string) => ({ x, n: ++calls }), { name: "f" });
    const results = await Promise.all(["a\uD800", "a\uDC00", "a\uFFFD"].map((x) => f(x)));
    expect(results.map((r) => r.n).sort()).toEqual([1, 2, 3]);
    expect(new Set(["a\uD800", "a\uDC00", "a\uFFFD"].map((x) => f.key(x))).size).toBe(3);
    expect((await f("a\uD800")).x).toBe("a\uD800");
    // The typed codec (the cache's default) carries any string exactly.
    await cache.set("v", "a\uD800");
    expect(await cache.get("v")).toBe("a\uD800");
    // A search phrase may hold anything: a lone surrogate separates words like punctuation.
    const ac = db.autocomplete("phrases");
    await ac.add({ id: "1", title: "Pizza 🍕 Place" });
    expect((await ac.search("pizza \uD83C")).map((r) => r.id)).toEqual(["1"]);
    expect(await ac.search("\uDC00")).toEqual([]);
  });
});
