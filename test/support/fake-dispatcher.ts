/**
 * A tiny Map-backed Dispatcher (GET SET DEL INCR LPUSH ZADD DBSIZE FLUSHDB EVAL…) for testing
 * the RESP server and the Lua host before the real engine is plugged in. Not Redis semantics
 * beyond what those tests need.
 */
import { createScriptingHost } from "../../src/memory/lua";
import { DoubleReply, ErrorReply, MapReply, StatusReply, type Dispatcher, type Reply, type Session } from "../../src/memory/protocol";

export function fakeDispatcher(): Dispatcher {
  const dbs = Array.from({ length: 16 }, () => new Map<string, Buffer | Buffer[] | Map<string, number>>());
  const host = createScriptingHost();
  const ok = new StatusReply("OK");
  const dispatch = (session: Session, argv: readonly Buffer[]): Reply => {
    const db = dbs[session.db]!;
    const name = argv[0]!.toString().toLowerCase();
    const key = argv[1]?.toString("latin1") ?? "";
    switch (name) {
      case "get": {
        const v = db.get(key);
        return v === undefined ? null : Buffer.isBuffer(v) ? v : new ErrorReply("WRONGTYPE Operation against a key holding the wrong kind of value");
      }
      case "set":
        if (argv.length < 3) return new ErrorReply("ERR wrong number of arguments for 'set' command");
        db.set(key, argv[2]!);
        return ok;
      case "del":
        return argv.slice(1).filter((k) => db.delete(k.toString("latin1"))).length;
      case "incr": {
        const v = db.get(key);
        const n = (v === undefined ? 0 : Number((v as Buffer).toString())) + 1;
        if (!Number.isInteger(n)) return new ErrorReply("ERR value is not an integer or out of range");
        db.set(key, Buffer.from(String(n)));
        return n;
      }
      case "lpush": {
        // Stored tail-first so LPUSH is O(1).
        const list = (db.get(key) as Buffer[] | undefined) ?? [];
        for (const v of argv.slice(2)) list.push(v);
        db.set(key, list);
        return list.length;
      }
      case "lrange":
        return [...((db.get(key) as Buffer[] | undefined) ?? [])].reverse();
      case "zadd": {
        const z = (db.get(key) as Map<string, number> | undefined) ?? new Map<string, number>();
        let added = 0;
        for (let i = 2; i + 1 < argv.length; i += 2) {
          const m = argv[i + 1]!.toString("latin1");
          if (!z.has(m)) added++;
          z.set(m, Number(argv[i]!.toString()));
        }
        db.set(key, z);
        return added;
      }
      case "zscore": {
        const score = (db.get(key) as Map<string, number> | undefined)?.get(argv[2]?.toString("latin1") ?? "");
        return score === undefined ? null : new DoubleReply(score);
      }
      case "zrange": // ZRANGE key 0 -1 WITHSCORES, as a map to exercise both renderings
        return new MapReply([...((db.get(key) as Map<string, number> | undefined) ?? [])].map(([m, sc]) => [Buffer.from(m, "latin1"), new DoubleReply(sc)]));
      case "dbsize":
        return db.size;
      case "flushdb":
      case "flushall":
        db.clear();
        return ok;
      case "eval":
      case "evalsha": {
        const n = Number(argv[2]?.toString());
        const keys = argv.slice(3, 3 + n);
        const args = argv.slice(3 + n);
        const call = (a: readonly Buffer[]) => dispatch(session, a) as Reply;
        return name === "eval" ? host.evalBody(argv[1]!, keys, args, call) : host.evalSha(argv[1]!.toString(), keys, args, call);
      }
      case "config":
        return [];
      default:
        return new ErrorReply(`ERR unknown command '${argv[0]!.toString()}', with args beginning with: `);
    }
  };
  return { dispatch };
}
