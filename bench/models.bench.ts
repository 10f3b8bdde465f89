/**
 * Model layer benchmark: narwhal models vs (a) raw ioredis doing the minimum equivalent
 * (HSET + index writes in one MULTI, no unique enforcement, no server-side diff), (b) a
 * walrus-style baseline (one awaited command per step, as walrus's Model.save does: read
 * the stored record, remove every index entry, rewrite the hash, re-add every index), and
 * (c) nohm 3 (the redis ORM from npm) on the same ioredis 6 client type. All against one
 * private redis-server over a unix socket (or loopback TCP with BENCH_TRANSPORT=tcp), in the same run. Reports round trips per
 * operation (socket writes, counted with countRoundTrips) and throughput ratios.
 *
 * Operations: create (5 indexed fields, one unique), update of one indexed field, get by
 * pk, a 2-condition query returning 10 rows, count of a 2-condition query.
 */
import { Redis } from "ioredis";
import { Nohm, NohmModel } from "nohm";
import { Database } from "../src/database";
import { Model, model, field } from "../src/index";
import { countRoundTrips, privateRedis, table, time } from "./support";
import type { Timing } from "./support";

@model({ name: "BenchUser" })
class BenchUser extends Model {
  @field.id() id!: string;
  @field.text({ index: true }) name = "";
  @field.text({ unique: true }) email = "";
  @field.integer({ index: true }) age = 0;
  @field.date({ index: true }) createdAt = new Date();
  @field.boolean({ index: true }) active = true;
}

const N = Number(process.env.BENCH_N ?? 2000);
/** `BENCH_TRANSPORT=tcp`: loopback TCP instead of the unix socket (round trips cost more, as on a network). */
const TCP = process.env.BENCH_TRANSPORT === "tcp";
const SEED = 1000;
const NAMES = Array.from({ length: 10 }, (_, i) => `n${i}`);

interface Baseline {
  create(i: number): Promise<unknown>;
  update(i: number): Promise<unknown>;
  get(i: number): Promise<unknown>;
  query(i: number): Promise<unknown>;
  count(i: number): Promise<unknown>;
}

function row(i: number, tag: string) {
  return { name: NAMES[i % 10]!, email: `${tag}${i}@x.io`, age: i % 100, createdAt: new Date(1_700_000_000_000 + i), active: i % 2 === 0 };
}

/** Raw ioredis, the minimum: one MULTI per write, HGETALL per read. */
function rawBaseline(r: Redis): Baseline & { seed(): Promise<void> } {
  const k = (s: string) => `{raw}:${s}`;
  let target = "";
  const write = (id: string, d: ReturnType<typeof row>) =>
    r.multi()
      .hset(k(`r:${id}`), { id, name: d.name, email: d.email, age: d.age, createdAt: d.createdAt.getTime(), active: d.active ? 1 : 0 })
      .sadd(k("all"), id)
      .sadd(k(`i:name:${d.name}`), id)
      .zadd(k("z:age"), d.age, id)
      .zadd(k("z:createdAt"), d.createdAt.getTime(), id)
      .sadd(k(`i:active:${d.active ? 1 : 0}`), id)
      .hset(k("u:email"), d.email, id)
      .exec();
  const twoConditions = (tmp: string, name: string) => r.multi().zinterstore(tmp, 2, k(`i:name:${name}`), k("z:age"), "WEIGHTS", 0, 1);
  return {
    async seed() {
      for (let i = 0; i < SEED; i++) await write(`s${i}`, row(i, "rs"));
      target = "s0";
    },
    create: (i) => write(`c${i}`, row(i, "rc")),
    update: (i) => r.multi().hset(k(`r:${target}`), "age", i % 100).zadd(k("z:age"), i % 100, target).exec(),
    get: (i) => r.hgetall(k(`r:s${i % SEED}`)),
    async query(i) {
      const tmp = k(`tmp:${i}`);
      const res = await twoConditions(tmp, NAMES[i % 10]!).zrange(tmp, 50, "+inf", "BYSCORE", "LIMIT", 0, 10).del(tmp).exec();
      const ids = (res?.[1]?.[1] ?? []) as string[];
      const p = r.pipeline();
      for (const id of ids) p.hgetall(k(`r:${id}`));
      return p.exec();
    },
    count: (i) => {
      const tmp = k(`tmpc:${i}`);
      return twoConditions(tmp, NAMES[i % 10]!).zcount(tmp, 50, "+inf").del(tmp).exec();
    },
  };
}

/** walrus-style: one awaited command per step, indexes rewritten on every save. */
function walrusBaseline(r: Redis): Baseline & { seed(): Promise<void> } {
  const k = (s: string) => `{walrus}:${s}`;
  const indexAdd = async (id: string, h: Record<string, string>) => {
    await r.sadd(k(`i:name:${h.name}`), id);
    await r.sadd(k(`i:email:${h.email}`), id);
    await r.sadd(k(`i:age:${h.age}`), id);
    await r.zadd(k("z:age"), Number(h.age), id);
    await r.sadd(k(`i:createdAt:${h.createdAt}`), id);
    await r.zadd(k("z:createdAt"), Number(h.createdAt), id);
    await r.sadd(k(`i:active:${h.active}`), id);
  };
  const indexRemove = async (id: string, h: Record<string, string>) => {
    await r.srem(k(`i:name:${h.name}`), id);
    await r.srem(k(`i:email:${h.email}`), id);
    await r.srem(k(`i:age:${h.age}`), id);
    await r.zrem(k("z:age"), id);
    await r.srem(k(`i:createdAt:${h.createdAt}`), id);
    await r.zrem(k("z:createdAt"), id);
    await r.srem(k(`i:active:${h.active}`), id);
    await r.hdel(k("u:email"), h.email!);
  };
  const save = async (id: string, h: Record<string, string>, isNew: boolean) => {
    if (!isNew) {
      const original = await r.hgetall(k(`r:${id}`));
      await indexRemove(id, original);
    }
    if (await r.hexists(k("u:email"), h.email!)) throw new Error("unique");
    await r.hset(k("u:email"), h.email!, id);
    await r.del(k(`r:${id}`));
    await r.hset(k(`r:${id}`), h);
    await r.sadd(k("all"), id);
    await indexAdd(id, h);
  };
  const enc = (d: ReturnType<typeof row>, id: string) => ({ id, name: d.name, email: d.email, age: String(d.age), createdAt: String(d.createdAt.getTime()), active: d.active ? "1" : "0" });
  let target: Record<string, string> = {};
  return {
    async seed() {
      for (let i = 0; i < SEED; i++) await save(`s${i}`, enc(row(i, "ws"), `s${i}`), true);
      target = await r.hgetall(k("r:s0"));
    },
    create: (i) => save(`c${i}`, enc(row(i, "wc"), `c${i}`), true),
    update: (i) => save("s0", { ...target, age: String(i % 100) }, false),
    get: (i) => r.hgetall(k(`r:s${i % SEED}`)),
    async query(i) {
      // walrus: each condition is its own command into an expiring temp key, then one HGETALL per row.
      const a = k(`tmp:a:${i}`);
      const b = k(`tmp:b:${i}`);
      const out = k(`tmp:o:${i}`);
      await r.sunionstore(a, k(`i:name:${NAMES[i % 10]}`));
      await r.expire(a, 15);
      await r.zrangestore(b, k("z:age"), "50", "+inf", "BYSCORE");
      await r.expire(b, 15);
      await r.zinterstore(out, 2, a, b);
      await r.expire(out, 15);
      const ids = await r.zrange(out, "0", "9");
      const rows = [];
      for (const id of ids) rows.push(await r.hgetall(k(`r:${id}`)));
      return rows;
    },
    async count(i) {
      const a = k(`tmpc:a:${i}`);
      const b = k(`tmpc:b:${i}`);
      const out = k(`tmpc:o:${i}`);
      await r.sunionstore(a, k(`i:name:${NAMES[i % 10]}`));
      await r.expire(a, 15);
      await r.zrangestore(b, k("z:age"), "50", "+inf", "BYSCORE");
      await r.expire(b, 15);
      await r.zinterstore(out, 2, a, b);
      await r.expire(out, 15);
      return r.zcard(out);
    },
  };
}

class NohmUser extends NohmModel {
  static modelName = "NohmUser";
  static override definitions = {
    name: { type: "string" as const, index: true },
    email: { type: "string" as const, unique: true },
    age: { type: "integer" as const, index: true },
    createdAt: { type: "timestamp" as const, index: true },
    active: { type: "boolean" as const, index: true },
  };
}

async function nohmBaseline(r: Redis): Promise<Baseline & { seed(): Promise<void> }> {
  Nohm.setClient(r as never);
  Nohm.setPrefix("nohmbench");
  const M = Nohm.register(NohmUser);
  const ids: string[] = [];
  let target: InstanceType<typeof M> | undefined;
  const create = async (d: ReturnType<typeof row>) => {
    const u = new M();
    u.property({ ...d, createdAt: d.createdAt.getTime() } as never);
    await u.save();
    return u;
  };
  return {
    async seed() {
      for (let i = 0; i < SEED; i++) ids.push((await create(row(i, "ns"))).id as string);
      target = await M.load(ids[0]!);
    },
    create: (i) => create(row(i, "nc")),
    update: async (i) => {
      target!.property("age", i % 100);
      await target!.save();
    },
    get: (i) => M.load(ids[i % SEED]!),
    async query(i) {
      const found = await M.find({ name: NAMES[i % 10], age: { min: 50, max: "+inf", limit: 10 } } as never);
      return M.loadMany(found.slice(0, 10));
    },
    async count(i) {
      return (await M.find({ name: NAMES[i % 10], age: { min: 50, max: "+inf" } } as never)).length;
    },
  };
}

export default async function run(): Promise<void> {
  const server = await privateRedis();
  const clients: Redis[] = [];
  const connect = async () => {
    const c = TCP
      ? new Redis({ host: "127.0.0.1", port: server.port, enableAutoPipelining: false, autoResendUnfulfilledCommands: false })
      : new Redis({ path: server.socket, enableAutoPipelining: false, autoResendUnfulfilledCommands: false });
    await new Promise((r) => c.once("ready", r));
    clients.push(c);
    return c;
  };
  try {
    const narwhalClient = await connect();
    const db = new Database(narwhalClient as never, { prefix: "bench" });
    BenchUser.use(db);
    const seeded: BenchUser[] = [];
    for (let i = 0; i < SEED; i++) seeded.push(await BenchUser.create(row(i, "s")));
    const target = seeded[0]!;
    const narwhal: Baseline = {
      create: (i) => BenchUser.create(row(i, "c")),
      update: (i) => {
        target.age = (i % 99) + 1;
        return target.save();
      },
      get: (i) => BenchUser.get(seeded[i % SEED]!.id),
      query: (i) => BenchUser.query((q) => q.name.eq(NAMES[i % 10]!).and(q.age.gte(50))).limit(10).toArray(),
      count: (i) => BenchUser.count((q) => q.name.eq(NAMES[i % 10]!).and(q.age.gte(50))),
    };
    const rawClient = await connect();
    const raw = rawBaseline(rawClient);
    await raw.seed();
    const walrusClient = await connect();
    const walrus = walrusBaseline(walrusClient);
    await walrus.seed();
    const nohmClient = await connect();
    let nohm: (Baseline & { seed(): Promise<void> }) | undefined;
    let nohmNote = "";
    try {
      nohm = await nohmBaseline(nohmClient);
      await nohm.seed();
    } catch (error) {
      nohm = undefined;
      nohmNote = `nohm failed: ${(error as Error).message}`;
    }
    if (nohmNote) console.log(nohmNote);

    const ops = ["create", "update", "get", "query", "count"] as const;
    const contenders: Array<[string, Baseline, Redis]> = [
      ["narwhal", narwhal, narwhalClient],
      ["raw MULTI", raw, rawClient],
      ["walrus-style", walrus, walrusClient],
      ...(nohm ? ([["nohm 3", nohm, nohmClient]] as Array<[string, Baseline, Redis]>) : []),
    ];
    // Round trips: one representative call each (after a warm-up call, so EVALSHA is cached).
    const trips = new Map<string, number>();
    let offset = 100_000;
    for (const [name, impl, client] of contenders) {
      for (const op of ops) {
        await impl[op](offset++);
        trips.set(`${name}/${op}`, await countRoundTrips(client, () => impl[op](offset++)));
      }
    }
    // Interleaved rounds: each contender runs a slice of every op in turn, so load changes on
    // a shared machine hit all of them alike; ops/s = total ops / total time per contender.
    const ROUNDS = 5;
    const timings = new Map<string, { ops: number; ms: number }>();
    for (const op of ops) {
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, impl] of contenders) {
          let counter = (offset += 1_000_000);
          const slow = name === "walrus-style" || name === "nohm 3";
          const iterations = Math.max(1, Math.round((slow ? Math.min(N, 1000) : N) / ROUNDS));
          const t: Timing = await time(() => impl[op](counter++), { iterations, warmup: round === 0 ? 50 : 5 });
          const acc = timings.get(`${name}/${op}`) ?? { ops: 0, ms: 0 };
          acc.ops += iterations;
          acc.ms += (iterations / t.opsPerSec) * 1000;
          timings.set(`${name}/${op}`, acc);
        }
      }
    }
    table(
      `models over ${TCP ? "loopback TCP" : "a unix socket"}, ${N} sequential ops each in 5 interleaved rounds (walrus-style and nohm: ≤1000), ${SEED} seeded records; ops/s and round trips per op`,
      ["op", ...contenders.map(([n]) => `${n} ops/s (RT)`), "narwhal ÷ raw", "narwhal ÷ walrus-style", ...(nohm ? ["narwhal ÷ nohm"] : [])],
      ops.map((op) => {
        const ops_ = (n: string) => {
          const t = timings.get(`${n}/${op}`)!;
          return (t.ops / t.ms) * 1000;
        };
        return [
          op,
          ...contenders.map(([n]) => `${Math.round(ops_(n)).toLocaleString("en-US")} (${trips.get(`${n}/${op}`)})`),
          `${(ops_("narwhal") / ops_("raw MULTI")).toFixed(2)}×`,
          `${(ops_("narwhal") / ops_("walrus-style")).toFixed(1)}×`,
          ...(nohm ? [`${(ops_("narwhal") / ops_("nohm 3")).toFixed(1)}×`] : []),
        ];
      }),
    );
    console.log(
      "\nNotes: raw MULTI is a lower bound that enforces nothing (no unique check, no diff of old index entries: its update knows the field is range-indexed). " +
        "narwhal create/update/delete = 1 EVALSHA; query/count = 1 EVALSHA (evaluate + sort + slice + rows). " +
        "walrus-style mirrors walrus's save (read original, remove each index entry, DEL + HSET, re-add each index) one awaited command at a time.",
    );
    await db.close();
  } finally {
    for (const c of clients) c.disconnect();
    await server.stop();
  }
}
