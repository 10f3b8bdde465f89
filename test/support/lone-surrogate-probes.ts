/**
 * The boundaries lone-surrogates.test.ts probes: every place that turns a string into
 * something Redis stores or looks up (key, field, member, model id, unique value, cache name
 * or tag, autocomplete item…), what to call there with a bad string and which argument the
 * ValidationError must name; and the generator of strings holding lone surrogates.
 */
import fc from "fast-check";
import { Database } from "../../src/database";
import { Model, model, field, cached } from "../../src/index";
import type { Cache } from "../../src/cache/cache";
import { codecs } from "../../src/codec";
import { ValidationError } from "../../src/errors";

const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Strings holding at least one lone surrogate (high or low), anywhere, with any neighbours. */
export const lone = fc
  .tuple(fc.string({ unit: "binary", maxLength: 4 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ unit: "binary", maxLength: 4 }), fc.boolean())
  .map(([a, unit, b, twice]) => a + String.fromCharCode(unit) + b + (twice ? String.fromCharCode(unit) : ""))
  .filter((s) => !wellFormed(s));

@model({ name: "LoneUser" })
export class LoneUser extends Model {
  @field.id() id!: string;
  @field.text({ index: true }) name = "n";
  @field.text({ unique: true }) email: string | null = null;
  @field.text() note = "";
  @field.text({ fullText: true }) bio = "";
  @field.integer({ index: true }) age = 0;
}

export interface Env {
  readonly db: Database;
  readonly cache: Cache<unknown>;
}

/** One boundary: what to call with the bad string `s`, and the argument the error must name. */
export interface Probe {
  readonly name: string;
  readonly path: string | ((s: string) => string);
  readonly run: (env: Env, s: string) => Promise<unknown>;
}

export const noop = async (x: unknown) => x;

export const PROBES: Probe[] = [
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

export function cachedClass(cache: Cache<unknown>, name: string) {
  class C {
    @cached({ cache, name })
    async m(x: number) {
      return x;
    }
  }
  return C;
}

