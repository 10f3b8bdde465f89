/**
 * The README's "Models" example, runnable: `npx tsx examples/models.ts`. Uses REDIS_URL
 * when set; otherwise narwhal's embedded engine (`Database.memory()`, no server).
 * Kinds are named explicitly (`@field.text()`, …) because tsx/esbuild emit no design:type.
 * Unlike the README's sample, `bio` is stemmed ("running" and "Runs" match "run"): that needs
 * the optional package snowball-stemmers (a devDependency here; in your project
 * `npm install snowball-stemmers`).
 */
import { Database, Model, model, field, RHash, UniqueConstraintError } from "../src/index";

@model()
class User extends Model {
  @field.id() id!: string;                                   // generated uuid
  @field.text({ index: true }) name!: string;                // equality + startsWith
  @field.text({ unique: true }) email!: string;              // enforced atomically
  @field.integer({ index: true }) age = 0;                   // range index, orderBy
  @field.date({ index: true }) createdAt = new Date();
  @field.boolean({ index: true }) active = true;
  @field.json() prefs: Record<string, unknown> = {};
  @field.text({ fullText: { stemming: "english" } }) bio = ""; // match(), BM25-ranked
  @field.hash() settings!: RHash<string>;                    // lives and dies with the record
}

async function main(): Promise<void> {
  const prefix = `models${process.pid}`;
  const db = process.env.REDIS_URL ? new Database(process.env.REDIS_URL, { prefix }) : Database.memory({ prefix });
  console.log(process.env.REDIS_URL ? `backend: ${process.env.REDIS_URL}` : "backend: embedded memory engine (set REDIS_URL to use a server)");
  Model.use(db);
  try {
    const ann = await User.create({ name: "ann", email: "ann@x.io", age: 31, bio: "Loves running and baking" });
    await User.create({ name: "bob", email: "bob@x.io", age: 45, bio: "Runs a bakery" });
    await User.create({ name: "cid", email: "cid@x.io", age: 22, active: false });

    ann.age = 32;
    await ann.save();                                  // ONE script: hash + every index, diffed server-side
    await ann.settings.set("theme", "dark");

    try {
      await User.create({ name: "eve", email: "ann@x.io" });
    } catch (e) {
      if (e instanceof UniqueConstraintError) console.log(`unique: ${e.field}=${e.value} is taken`);
    }

    const over30 = await User.query((q) => q.age.gte(30).and(q.active.eq(true))).orderBy("age", "desc").limit(10).toArray();
    console.log("30+, oldest first:", over30.map((u) => `${u.name} (${u.age})`).join(", "));
    console.log("runners, most relevant first:", (await User.query((q) => q.bio.match("run")).toArray()).map((u) => u.name));
    console.log("names starting with b:", (await User.query((q) => q.name.startsWith("b")).ids()).length);
    console.log("inactive:", await User.count((q) => q.active.eq(false)));
    for await (const u of User.query()) console.log("-", u.name, u.createdAt.toISOString().slice(0, 10));

    await ann.expire(60);                              // record TTL; invisible once expired
    console.log("ann expires in ~", Math.round((await ann.ttl()) ?? 0), "s");
    await User.deleteMany((q) => q.age.lt(100));       // indexes, unique claims and containers go too
    console.log("left:", await User.count());
  } finally {
    await db.close();
  }
}

void main();
