/**
 * The README's cache tour as a runnable script: `npx tsx examples/cache.ts` runs it on the
 * embedded engine; with `REDIS_URL=redis://…` on that server (prefix "example"; it clears its
 * own namespace at the end).
 */
import { Database, cached } from "../src/index";

const db = process.env.REDIS_URL ? new Database(process.env.REDIS_URL, { prefix: "example" }) : Database.memory({ prefix: "example" });
const cache = db.cache({ namespace: "cache", ttl: 60 });

await cache.set("greeting", { text: "hi", at: new Date() }, { ttl: 5 });
console.log(await cache.get("greeting"), await cache.getEntry("nothing"));
await cache.setMany([["a", 1], ["b", 2, { ttl: 10 }]]);
console.log(await cache.getMany(["a", "b", "c"]), await cache.incr("visits"));

let loads = 0;
const getUser = cache.wrap(async (id: string) => ({ id, loads: ++loads, at: new Date() }), {
  name: "getUser",
  ttl: 30,
  staleTtl: 300,
  lock: true,
  tags: (id) => [`user:${id}`],
  timeoutMs: 200,
  onError: (error, info) => console.warn("cache degraded", info, error.message),
});
await Promise.all([getUser("42"), getUser("42"), getUser("42")]); // one load
console.log(await getUser("42"), getUser.key("42"), await getUser.peek("42"));
await cache.invalidateTags("user:42");

class UserRepo {
  constructor(private readonly tenant: string) {}

  @cached({ cache: () => cache, ttl: 30, tags: (id: string) => [`user:${id}`] })
  async byId(id: string) {
    return { id, name: `user ${id}` };
  }

  @cached({ cache: () => cache, key(this: UserRepo, id: string) { return [this.tenant, id]; } })
  async scoped(id: string) {
    return `${this.tenant}/${id}`;
  }
}
const repo = new UserRepo("acme");
console.log(await repo.byId("1"), await repo.scoped("1"), cache.stats());

await cache.clear();
await db.close();
