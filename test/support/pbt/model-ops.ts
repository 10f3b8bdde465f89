/**
 * The model of the model-based API test and its generated operations: create (plain and
 * upsert), find, getMany, exists, save of a changed field, incr, delete, query and count. The
 * oracle keeps the stored records and, like narwhal, every record instance the test holds
 * (its field values and the snapshot of its last read or write), because `save()` sends only
 * the fields changed since that snapshot. Two instance slots per pk make stale instances.
 */
import fc from "fast-check";
import { Model, field, model } from "../../../src/index";
import type { Expr, QueryRefs, Scope } from "../../../src/index";
import type { Fields, Handle, Op, Oracle, Queued, Rec, World } from "./core";
import { byteCompare, expectError, expectValue, lit, op, poisoned, resolves } from "./core";

@model({ name: "PbtItem" })
export class PbtItem extends Model {
  @field.id() id!: string;
  @field.text({ index: true }) name: string | null = "";
  @field.text({ unique: true }) code: string | null = null;
  @field.integer({ index: true }) n: number | null = 0;
}

export const IDS = ["a", "10", "9", "é"];
const NAMES = ["x", "y", "", "Zoë"];
const CODES = ["k1", "k2", "K1"];
/** Small values, -0, and values around 2^31 and 2^53 (a 32-bit Lua integer would wrap them). */
const NS = [-2, 0, -0, 1, 5, 2147483647, -2147483649, 9007199254740991];
const FIELDS = ["name", "code", "n"] as const;
type FieldName = (typeof FIELDS)[number];

const id = fc.constantFrom(...IDS);
const slot = fc.tuple(id, fc.constantFrom(0, 1)).map(([i, s]) => `${i}/${s}`);
const nameV = fc.constantFrom<string | null>(...NAMES, null);
const codeV = fc.constantFrom<string | null>(...CODES, null);
const nV = fc.constantFrom<number | null>(...NS, null);
const copy = <T extends Fields>(r: T): T => ({ ...r });
const idOf = (slotName: string) => slotName.slice(0, slotName.lastIndexOf("/"));
/** The stored text of a value, as narwhal's encodeValue writes it (what `save()` diffs); null/undefined = absent. */
const enc = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Object.is(v, -0) ? "-0" : String(v));
const valid = (r: Fields) => r.n === null || r.n === undefined || Number.isSafeInteger(r.n);
/** Stored values of an instance's fields (undefined = absent = null). */
const stored = (f: Fields): Rec => ({ id: f.id, name: f.name ?? null, code: f.code ?? null, n: f.n ?? null });
/**
 * The fields of a record read back from Redis: an absent field is `null` when the class
 * initialises it to null (`code`), else `undefined` (`name`, `n`), as record.ts `hydrate` does.
 */
const readBack = (r: Rec): Fields => ({ id: r.id, name: r.name ?? undefined, code: r.code, n: r.n ?? undefined });
/** What `toJSON()` shows of field values: fields holding `undefined` are left out. */
const toJson = (f: Fields) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));
const json = (r: PbtItem | undefined) => (r === undefined ? undefined : { ...r.toJSON() });
const owner = (o: Oracle, code: string) => [...o.records.values()].find((r) => r.code === code)?.id;

/** The model's operations through `scope`: the class API on the Database, `PbtItem.in(tx)` in a batch. */
function api(w: World, scope: Scope) {
  const h = scope === w.db ? undefined : PbtItem.in(scope);
  return {
    h,
    create: (data: Partial<Rec>, upsert: boolean) => (h ? h.create(data, { upsert }) : PbtItem.create(data, { upsert })),
    find: (pk: string) => (h ? h.find(pk) : PbtItem.find(pk)),
    getMany: (pks: string[]) => (h ? h.getMany(pks) : PbtItem.getMany(pks)),
    exists: (pk: string) => (h ? h.exists(pk) : PbtItem.exists(pk)),
    save: (r: PbtItem) => (h ? h.save(r) : r.save()),
    incr: (r: PbtItem, by: number) => (h ? h.incr(r, "n", by) : r.incr("n", by)),
    delete: (r: PbtItem) => (h ? h.delete(r) : r.delete()),
    query: (fn?: (q: QueryRefs<PbtItem>) => Expr) => (h ? h.query(fn) : PbtItem.query(fn)),
  };
}

function handleOf(w: World, s: string): PbtItem {
  const r = w.handles.get(s);
  if (!r) throw new Error(`test bug: no record instance in slot ${s}`);
  return r;
}

const createOp = fc
  .tuple(id, fc.constantFrom(0, 1), fc.option(nameV, { nil: undefined }), fc.option(codeV, { nil: undefined }), fc.option(fc.oneof({ weight: 12, arbitrary: nV }, { weight: 1, arbitrary: fc.constant(1.5) }), { nil: undefined }), fc.boolean())
  .map(([pk, s, name, code, n, upsert]) => {
    const data: Partial<Fields> = { id: pk, ...(name === undefined ? {} : { name }), ...(code === undefined ? {} : { code }), ...(n === undefined ? {} : { n }) };
    const into = `${pk}/${s}`;
    return op(
      `rec[${lit(into)}] = Item.create(${lit(data)}${upsert ? ", { upsert: true }" : ""})`,
      "model",
      ["model", `handle:${into}`],
      (o): Queued => {
        // The new instance: class initialisers, then the data.
        const values: Fields = { id: pk, name: "", code: null, n: 0, ...data };
        if (!valid(values)) return poisoned("ValidationError");
        const rec = stored(values);
        return {
          exec: (actual) => {
            const taken = rec.code === null ? undefined : owner(o, rec.code);
            if ((o.records.has(pk) && !upsert) || (taken !== undefined && taken !== pk)) return expectError(actual, "UniqueConstraintError");
            o.records.set(pk, rec);
            o.handles.set(into, { values: copy(values), snapshot: copy(values) });
            return expectValue(actual, toJson(values));
          },
        };
      },
      (w, scope) =>
        api(w, scope)
          .create(data, upsert)
          .then((r) => {
            w.handles.set(into, r);
            return json(r);
          }),
    );
  });

const findOp = fc.tuple(id, fc.constantFrom(0, 1)).map(([pk, s]) => {
  const into = `${pk}/${s}`;
  return op(
    `rec[${lit(into)}] = Item.find(${lit(pk)})`,
    "model",
    [`handle:${into}`],
    (o) =>
      resolves(() => {
        const rec = o.records.get(pk);
        if (rec) o.handles.set(into, { values: readBack(rec), snapshot: readBack(rec) });
        return rec && toJson(readBack(rec));
      }),
    (w, scope) =>
      api(w, scope)
        .find(pk)
        .then((r) => {
          if (r) w.handles.set(into, r);
          return json(r);
        }),
  );
});

const saveOp = fc
  .tuple(slot, fc.constantFrom(...FIELDS))
  .chain(([s, f]) => (f === "name" ? nameV : f === "code" ? codeV : fc.oneof({ weight: 12, arbitrary: nV }, { weight: 1, arbitrary: fc.constant(1.5) })).map((v) => [s, f, v] as const))
  .map(([s, f, v]: readonly [string, FieldName, string | number | null]) =>
    op(
      `rec[${lit(s)}].${f} = ${lit(v)}; rec[${lit(s)}].save()`,
      "model",
      ["model", `handle:${s}`],
      (o): Queued => {
        const h = o.handles.get(s)!;
        (h.values as unknown as Record<string, unknown>)[f] = v;
        if (!valid(h.values)) return poisoned("ValidationError");
        const sent = copy(h.values);
        const changed = FIELDS.filter((k) => enc(sent[k]) !== enc(h.snapshot[k]));
        return {
          exec: (actual) => {
            const rec = o.records.get(sent.id);
            if (!rec) return expectError(actual, "NotFoundError");
            const taken = sent.code === null || sent.code === undefined || !changed.includes("code") ? undefined : owner(o, sent.code);
            if (taken !== undefined && taken !== sent.id) return expectError(actual, "UniqueConstraintError");
            for (const k of changed) (rec as unknown as Record<string, unknown>)[k] = sent[k] ?? null;
            h.snapshot = sent;
            return expectValue(actual, true);
          },
        };
      },
      (w, scope) => {
        const r = handleOf(w, s);
        (r as unknown as Record<string, unknown>)[f] = v;
        return api(w, scope)
          .save(r)
          .then((saved) => saved === r);
      },
      s,
    ),
  );

const incrOp = fc.tuple(slot, fc.constantFrom(-2, 0, 1, 3)).map(([s, by]) =>
  op(
    `rec[${lit(s)}].incr("n", ${by})`,
    "model",
    ["model", `handle:${s}`],
    (o) => {
      const h: Handle = o.handles.get(s)!;
      return {
        exec: (actual) => {
          const rec = o.records.get(h.values.id);
          if (!rec) return expectError(actual, "NotFoundError");
          const next = (rec.n ?? 0) + by;
          if (!Number.isSafeInteger(next)) return expectError(actual, "ValidationError");
          rec.n = next;
          h.values.n = next;
          h.snapshot.n = next;
          return expectValue(actual, next);
        },
      };
    },
    (w, scope) => api(w, scope).incr(handleOf(w, s), by),
    s,
  ),
);

const deleteOp = slot.map((s) =>
  op(`rec[${lit(s)}].delete()`, "model", ["model"], (o) => resolves(() => o.records.delete(idOf(s))), (w, scope) => api(w, scope).delete(handleOf(w, s)), s),
);

const getManyOp = fc.array(id, { minLength: 1, maxLength: 3 }).map((pks) =>
  op(`Item.getMany(${lit(pks)})`, "model", [], (o) => resolves(() => pks.map((pk) => o.records.get(pk) && toJson(readBack(o.records.get(pk)!)))), (w, scope) => api(w, scope).getMany(pks).then((rs) => rs.map(json))),
);
const existsOp = id.map((pk) => op(`Item.exists(${lit(pk)})`, "model", [], (o) => resolves(() => o.records.has(pk)), (w, scope) => api(w, scope).exists(pk)));

interface Pred {
  readonly label: string;
  readonly fn: (q: QueryRefs<PbtItem>) => Expr;
  readonly test: (r: Rec) => boolean;
}
const P = (label: string, fn: Pred["fn"], test: Pred["test"]): Pred => ({ label, fn, test });
const nameNN = fc.constantFrom(...NAMES);
const nNN = fc.constantFrom(...NS);
const atom: fc.Arbitrary<Pred> = fc.oneof(
  nameNN.map((v) => P(`q.name.eq(${lit(v)})`, (q) => q.name.eq(v), (r) => r.name === v)),
  fc.array(nameNN, { minLength: 1, maxLength: 2 }).map((vs) => P(`q.name.in(${lit(vs)})`, (q) => q.name.in(vs), (r) => r.name !== null && vs.includes(r.name))),
  fc.constantFrom("x", "Z", "Zo").map((p) => P(`q.name.startsWith(${lit(p)})`, (q) => q.name.startsWith(p), (r) => r.name !== null && r.name.startsWith(p))),
  fc.constantFrom(...CODES).map((c) => P(`q.code.eq(${lit(c)})`, (q) => q.code.eq(c), (r) => r.code === c)),
  nNN.map((x) => P(`q.n.eq(${lit(x)})`, (q) => q.n.eq(x), (r) => r.n !== null && r.n === x)),
  nNN.map((x) => P(`q.n.gte(${lit(x)})`, (q) => q.n.gte(x), (r) => r.n !== null && r.n >= x)),
  nNN.map((x) => P(`q.n.lt(${lit(x)})`, (q) => q.n.lt(x), (r) => r.n !== null && r.n < x)),
  nNN.map((x) => P(`q.n.ne(${lit(x)})`, (q) => q.n.ne(x), (r) => r.n === null || r.n !== x)),
  fc.tuple(nNN, nNN).map(([a, b]) => P(`q.n.between(${lit(a)}, ${lit(b)})`, (q) => q.n.between(a, b), (r) => r.n !== null && r.n >= a && r.n <= b)),
  fc.array(nNN, { minLength: 1, maxLength: 2 }).map((xs) => P(`q.n.in(${lit(xs)})`, (q) => q.n.in(xs), (r) => r.n !== null && xs.includes(r.n))),
  id.map((pk) => P(`q.id.eq(${lit(pk)})`, (q) => q.id.eq(pk), (r) => r.id === pk)),
);
const pred: fc.Arbitrary<Pred | undefined> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: atom },
  { weight: 2, arbitrary: fc.tuple(atom, atom).map(([a, b]) => P(`${a.label}.and(${b.label})`, (q) => a.fn(q).and(b.fn(q)), (r) => a.test(r) && b.test(r))) },
  { weight: 2, arbitrary: fc.tuple(atom, atom).map(([a, b]) => P(`${a.label}.or(${b.label})`, (q) => a.fn(q).or(b.fn(q)), (r) => a.test(r) || b.test(r))) },
  { weight: 1, arbitrary: atom.map((a) => P(`${a.label}.not()`, (q) => a.fn(q).not(), (r) => !a.test(r))) },
);
type Order = readonly ["id" | "n" | "name", "asc" | "desc"] | undefined;
const order = fc.constantFrom<Order>(undefined, ["n", "asc"], ["n", "desc"], ["name", "asc"], ["name", "desc"], ["id", "asc"], ["id", "desc"]);

/** The query's order: pk bytes by default; a field's order puts nulls last in pk order, ties in pk bytes, desc reverses. */
function ordered(recs: Rec[], by: Order): Rec[] {
  const byPk = [...recs].sort((a, b) => byteCompare(a.id, b.id));
  if (by === undefined || by[0] === "id") return by?.[1] === "desc" ? byPk.reverse() : byPk;
  const [f, dir] = by;
  const set = byPk.filter((r) => r[f] !== null);
  if (f === "n") set.sort((a, b) => a.n! - b.n! || byteCompare(a.id, b.id));
  else set.sort((a, b) => byteCompare(`${a.name}\0${a.id}`, `${b.name}\0${b.id}`));
  if (dir === "desc") set.reverse();
  return [...set, ...byPk.filter((r) => r[f] === null)];
}

const queryOp = fc
  .tuple(pred, order, fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }))
  .map(([p, by, limit, offset]) =>
    op(
      `Item.query(${p ? `(q) => ${p.label}` : ""})${by ? `.orderBy(${lit(by[0])}, ${lit(by[1])})` : ""}${limit === undefined ? "" : `.limit(${limit})`}${offset === undefined ? "" : `.offset(${offset})`}.toArray()`,
      "model",
      [],
      (o) =>
        resolves(() => {
          const all = ordered([...o.records.values()].filter((r) => !p || p.test(r)), by).map((r) => toJson(readBack(r)));
          const from = offset ?? 0;
          return all.slice(from, limit === undefined ? undefined : from + limit);
        }),
      (w, scope) => {
        let q = api(w, scope).query(p?.fn);
        if (by) q = q.orderBy(by[0], by[1]);
        if (limit !== undefined) q = q.limit(limit);
        if (offset !== undefined) q = q.offset(offset);
        return q.toArray().then((rs) => rs.map(json));
      },
    ),
  );

const countOp = pred.map((p) =>
  op(
    `Item.count(${p ? `(q) => ${p.label}` : ""})`,
    "model",
    [],
    (o) => resolves(() => [...o.records.values()].filter((r) => !p || p.test(r)).length),
    (w, scope) => {
      const h = api(w, scope).h;
      return h ? h.count(p?.fn) : PbtItem.count(p?.fn);
    },
  ),
);

export const modelOps: Array<fc.Arbitrary<Op>> = [createOp, createOp, findOp, saveOp, saveOp, saveOp, incrOp, incrOp, deleteOp, getManyOp, existsOp, queryOp, queryOp, countOp];

/** Observable model state: every record by pk, and the count. */
export async function checkModel(o: Oracle): Promise<string | undefined> {
  const [rows, count] = await Promise.all([PbtItem.getMany(IDS), PbtItem.count()]);
  const expected = IDS.map((pk) => o.records.get(pk) && toJson(readBack(o.records.get(pk)!)));
  const problem = expectValue({ ok: rows.map(json) }, expected);
  if (problem) return `Item.getMany(${lit(IDS)}): ${problem}`;
  if (count !== o.records.size) return `Item.count(): expected ${o.records.size}, got ${count}`;
  return undefined;
}

/** The instance in `slot` holds the field values the oracle predicts. */
export function checkHandle(o: Oracle, w: World, s: string): string | undefined {
  const h = o.handles.get(s);
  const r = w.handles.get(s);
  if (!h || !r) return h || r ? `record instance ${s}: expected ${h ? "one" : "none"}, got ${r ? "one" : "none"}` : undefined;
  const problem = expectValue({ ok: { id: r.id, name: r.name, code: r.code, n: r.n } }, h.values);
  return problem && `rec[${lit(s)}] fields: ${problem}`;
}
