import { describe, expect, it } from "vitest";
import { Database } from "../../src/database";
import { ConnectionError, CrossSlotError, ScriptError, ValidationError } from "../../src/errors";
import { describeBackends } from "../support/backends";

describeBackends("db.script", (ctx) => {
  it("runs with EVALSHA, applies the prefix to keys, and parses the reply", async () => {
    const { db, raw, prefix } = ctx();
    const incrBoth = db.script({
      name: "incrBoth",
      lua: "return redis.call('INCRBY', KEYS[1], ARGV[1]) + redis.call('INCRBY', KEYS[2], ARGV[1])",
      keys: 2,
      parse: (r) => Number(r),
    });
    expect(await incrBoth(["{s}:a", "{s}:b"], [5])).toBe(10);
    expect(await raw.call("get", `${prefix}:{s}:a`)).toBe("5");
    expect(incrBoth.source.sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it("falls back to EVAL after SCRIPT FLUSH (NOSCRIPT)", async () => {
    const { db, raw } = ctx();
    const echo = db.script({ name: "echo", lua: "return ARGV[1]", keys: 1 });
    expect(await echo(["{s}:x"], ["hi"])).toBe("hi");
    const nodes = (raw as unknown as { nodes?: (r: string) => Array<{ call: (...a: unknown[]) => Promise<unknown> }> }).nodes?.("master") ?? [raw];
    for (const n of nodes) await n.call("script", "flush");
    expect(await echo(["{s}:x"], ["again"])).toBe("again");
  });

  it("a Lua error becomes a ScriptError naming the script", async () => {
    const { db } = ctx();
    const bad = db.script({ name: "bad", lua: "return redis.call('NOPE')", keys: 0 });
    const err = await bad([]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScriptError);
    expect((err as ScriptError).script).toBe("bad");
  });

  it("an error reply without a standard prefix (redis.error_reply) is a ScriptError too, not a connection failure", async () => {
    const { db } = ctx();
    const locked = db.script({ name: "locked", lua: "return redis.error_reply('LOCKED by someone')", keys: 0 });
    const err = await locked([]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScriptError);
    expect((err as ScriptError).script).toBe("locked");
    expect((err as Error).message).toContain("LOCKED by someone");
  });

  it("checks the key count", async () => {
    const { db } = ctx();
    const one = db.script({ name: "one", lua: "return 1", keys: 1 });
    await expect(one([])).rejects.toBeInstanceOf(ValidationError);
  });

  it("joins a transaction with fn.on(tx) (SCRIPT LOAD at the head of the MULTI, then EVALSHA)", async () => {
    const { db, raw, prefix } = ctx();
    const setIt = db.script({ name: "setIt", lua: "return redis.call('SET', KEYS[1], ARGV[1])", keys: 1 });
    const [a, b] = await db.transaction((tx) => [setIt.on(tx)(["{t}:k"], ["v"]), tx.hash("{t}:h").set("f", "1")]);
    expect(a).toBe("OK");
    expect(b).toBe(true);
    expect(await raw.call("get", `${prefix}:{t}:k`)).toBe("v");
  });

  it("on Cluster, keys in different slots raise CrossSlotError before sending", async () => {
    const { db, backend } = ctx();
    const two = db.script({ name: "two", lua: "return 1", keys: 2 });
    if (backend.name === "cluster") {
      const err = await two(["a", "b"]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CrossSlotError);
      expect((err as CrossSlotError).message).toContain(":a");
      await expect(db.transaction((tx) => [tx.hash("x1").set("a", "1"), tx.hash("x2").set("a", "1")])).rejects.toBeInstanceOf(CrossSlotError);
    } else {
      expect(await two(["a", "b"])).toBe(1);
    }
  });

  it("bad keys or ARGV (a lone surrogate) reject, and inside a transaction abort it: nothing is sent", async () => {
    const { db, raw, prefix } = ctx();
    const put = db.script({ name: "put", lua: "return redis.call('SET', KEYS[1], ARGV[1])", keys: 1 });
    await expect(put(["{v}:k"], ["a\uD800"])).rejects.toBeInstanceOf(ValidationError);
    await expect(put(["{v}:\uDC00"], ["x"])).rejects.toBeInstanceOf(ValidationError);
    const error = await db.transaction((tx) => [tx.hash("{v}:h").set("f", "1"), put.on(tx)(["{v}:k"], ["b\uD800"])]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(await raw.call("exists", `${prefix}:{v}:h`, `${prefix}:{v}:k`)).toBe(0);
  });
}, { requires: ["lua"] });

describe("Database connection failures", () => {
  it("an unreachable server fails within the timeout with a ConnectionError naming it", async () => {
    const db = new Database("redis://127.0.0.1:1", { connectTimeout: 300, commandTimeout: 500 });
    const started = Date.now();
    const err = await db.hash("h").get("a").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).message).toContain("127.0.0.1:1");
    expect(Date.now() - started).toBeLessThan(3000);
    await db.close();
  });

  it("rejects a prefix with braces and bad timeouts", () => {
    expect(() => new Database("redis://127.0.0.1:1", { prefix: "{a}" })).toThrow(ValidationError);
    expect(() => new Database("redis://127.0.0.1:1", { commandTimeout: -1 })).toThrow(ValidationError);
  });
});
