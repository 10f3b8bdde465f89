/** The RESP server (`narwhal serve`) over the real engine, against real clients and byte-exact expectations taken from redis-server 7.0. */
import { spawn, spawnSync } from "node:child_process";
import { connect } from "node:net";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startServer, type RunningServer } from "../../src/memory/resp";
import { createEngine } from "../../src/memory/create-engine";

const hasCli = spawnSync("redis-cli", ["--version"]).status === 0;
let server: RunningServer;
beforeAll(async () => {
  // The real engine (with its Lua host): exactly what `npx narwhal serve` runs.
  const engine = createEngine();
  server = await startServer({
    port: 0,
    dispatcher: engine,
    createSession: () => engine.createSession(),
    closeSession: (session) => engine.closeSession(session),
  });
});
afterAll(() => server.close());

/** redis-cli, asynchronously: the server runs in this process, so spawnSync would deadlock. */
const cli = (args: string[], input?: string) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn("redis-cli", ["-p", String(server.port), ...args]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", () => resolve(out.trim()));
    child.stdin.end(input ?? "");
  });

describe.skipIf(!hasCli)("narwhal serve with redis-cli (skipped without redis-cli)", () => {
  it("round trips SET/GET", async () => {
    expect(await cli(["SET", "a", "b"])).toBe("OK");
    expect(await cli(["GET", "a"])).toBe("b");
    expect(await cli(["SELECT", "16"])).toContain("DB index is out of range");
  });

  it("takes a 100k-command --pipe mass insert", async () => {
    let input = "";
    for (let i = 0; i < 100000; i++) input += `*3\r\n$3\r\nSET\r\n$${`m:${i}`.length}\r\nm:${i}\r\n$1\r\nv\r\n`;
    expect(await cli(["--pipe"], input)).toContain("errors: 0, replies: 100000");
    expect(await cli(["GET", "m:99999"])).toBe("v");
  });
});

describe("narwhal serve with client libraries", () => {
  for (const protocol of [2, 3] as const) {
    it(`ioredis (RESP${protocol})`, async () => {
      const r = new Redis({ port: server.port, host: "127.0.0.1", ...(protocol === 3 ? { protocol: 3 } : {}) } as never);
      expect(await r.set(`io${protocol}`, "x")).toBe("OK");
      expect(await r.get(`io${protocol}`)).toBe("x");
      expect(await r.incr(`n${protocol}`)).toBe(1);
      expect(await r.eval("return {1, 'a', redis.call('incr', KEYS[1])}", 1, `n${protocol}`)).toEqual([1, "a", 2]);
      expect(await r.ping()).toBe("PONG");
      r.disconnect();
    });
  }

  it("node-redis v5 (RESP2 and RESP3)", async () => {
    for (const RESP of [2, 3] as const) {
      const c = createClient({ socket: { port: server.port, host: "127.0.0.1" }, RESP });
      await c.connect();
      expect(await c.set("nr", "1")).toBe("OK");
      expect(await c.get("nr")).toBe("1");
      expect(await c.lPush("nl", ["a", "b"])).toBeGreaterThan(0);
      await c.quit();
    }
  });

  it("pub/sub between two clients, with patterns", async () => {
    const sub = new Redis({ port: server.port });
    const pub = new Redis({ port: server.port });
    const got: string[] = [];
    sub.on("message", (ch, m) => got.push(`${ch}:${m}`));
    sub.on("pmessage", (p, ch, m) => got.push(`${p}|${ch}:${m}`));
    await sub.subscribe("news");
    await sub.psubscribe("n?ws*");
    expect(await pub.publish("news", "hi")).toBe(2);
    expect(await pub.publish("other", "x")).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(got.sort()).toEqual(["n?ws*|news:hi", "news:hi"]);
    sub.disconnect();
    pub.disconnect();
  });

  it("a garbage frame closes only its own client, after the commands before it", async () => {
    const other = new Redis({ port: server.port });
    const reply = await new Promise<string>((resolve) => {
      const s = connect(server.port, "127.0.0.1");
      let out = "";
      s.on("data", (d) => (out += d.toString()));
      s.on("close", () => resolve(out));
      s.write("PING\r\n*2\r\n$3\r\nGET\r\nxx\r\n");
    });
    expect(reply).toBe("+PONG\r\n-ERR Protocol error: expected '$', got 'x'\r\n");
    expect(await other.ping()).toBe("PONG");
    other.disconnect();
  });
});

/** Sends raw frames on one connection and returns everything received after `wait` ms. */
function raw(port: number, frames: string[], wait = 150): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    let out = "";
    s.on("data", (d) => (out += d.toString("latin1")));
    for (const f of frames) s.write(f);
    setTimeout(() => {
      s.destroy();
      resolve(out);
    }, wait);
  });
}
const cmd = (...argv: string[]) => `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

describe("RESP rendering", () => {
  it("renders doubles and maps for RESP2 and RESP3", async () => {
    const out = await raw(server.port, [
      cmd("ZADD", "rz", "0.1", "a"),
      cmd("ZSCORE", "rz", "a"),
      cmd("HSET", "rh", "f", "v"),
      cmd("HGETALL", "rh"),
      cmd("HELLO", "3"),
      cmd("ZSCORE", "rz", "a"),
      cmd("HGETALL", "rh"),
      cmd("GET", "nothing"),
    ]);
    // Byte for byte what redis-server 7.0.15 answers to the same frames.
    expect(out).toMatch(/^:1\r\n\$19\r\n0\.10000000000000001\r\n:1\r\n\*2\r\n\$1\r\nf\r\n\$1\r\nv\r\n%7\r\n/);
    expect(out.endsWith(",0.10000000000000001\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n_\r\n")).toBe(true);
  });

  it("sends pub/sub messages as RESP3 push frames", async () => {
    const got = raw(server.port, [cmd("HELLO", "3"), cmd("SUBSCRIBE", "r3"), cmd("GET", "a")], 300);
    await new Promise((r) => setTimeout(r, 100));
    const pub = new Redis({ port: server.port });
    expect(await pub.publish("r3", "hey")).toBe(1);
    pub.disconnect();
    const out = await got;
    expect(out).toContain(">3\r\n$9\r\nsubscribe\r\n$2\r\nr3\r\n:1\r\n$1\r\nb\r\n>3\r\n$7\r\nmessage\r\n$2\r\nr3\r\n$3\r\nhey\r\n");
  });

  it("rejects commands in RESP2 subscribed mode like Redis", async () => {
    const out = await raw(server.port, [cmd("SUBSCRIBE", "r2"), cmd("GET", "a"), cmd("PING")]);
    expect(out).toBe(
      "*3\r\n$9\r\nsubscribe\r\n$2\r\nr2\r\n:1\r\n" +
        "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n" +
        "*2\r\n$4\r\npong\r\n$0\r\n\r\n",
    );
  });

  it("answers inline commands", async () => {
    expect(await raw(server.port, ['SET inl "a b"\r\nGET inl\r\n'])).toBe("+OK\r\n$3\r\na b\r\n");
  });
});

/** Raw frames to a unix socket or a port. */
function rawTo(target: { path?: string; port?: number }, frames: string[], wait = 150): Promise<string> {
  return new Promise((resolve) => {
    const s = target.path ? connect(target.path) : connect(target.port!, "127.0.0.1");
    let out = "";
    s.on("data", (d) => (out += d.toString("latin1")));
    for (const f of frames) s.write(f);
    setTimeout(() => {
      s.destroy();
      resolve(out);
    }, wait);
  });
}

const standalone = inject("standalone");
describe.skipIf(!standalone?.path)("server-level replies match redis-server byte for byte", () => {
  const sequences: string[][][] = [
    [["HELLO", "3"], ["HELLO", "2"], ["HELLO", "4"], ["HELLO", "x"], ["HELLO", "3", "FOO"]],
    [["PING"], ["PING", "hi"], ["PING", "a", "b"], ["ECHO", "x"], ["ECHO"]],
    [["SELECT", "15"], ["SELECT", "16"], ["SELECT", "-1"], ["SELECT", "x"], ["SELECT", "0"]],
    [["CLIENT", "GETNAME"], ["CLIENT", "SETNAME", "a b"], ["CLIENT", "SETNAME", "me"], ["CLIENT", "GETNAME"], ["CLIENT", "NOPE"]],
    // One channel per UNSUBSCRIBE-all: Redis answers in its dict order, narwhal in subscription order.
    [["SUBSCRIBE", "c1", "c2"], ["UNSUBSCRIBE", "c2"], ["PSUBSCRIBE", "p*"], ["PING"], ["GET", "x"], ["UNSUBSCRIBE"], ["PUNSUBSCRIBE"], ["UNSUBSCRIBE"]],
    [["HELLO", "3"], ["SUBSCRIBE", "c1"], ["PING"], ["UNSUBSCRIBE", "c1", "c9"]],
    [["PUBLISH", "nobody", "x"], ["PUBSUB", "NUMSUB", "nobody"], ["PUBSUB", "NUMPAT"]],
  ];
  for (const seq of sequences) {
    it(seq.map((c) => c.join(" ")).join(" | "), async () => {
      const frames = seq.map((c) => cmd(...c));
      const norm = (s: string) => s.replace(/\$2\r\nid\r\n:\d+/g, "$2\r\nid\r\n:ID");
      const expected = norm(await rawTo({ path: standalone!.path }, frames));
      const actual = norm(await rawTo({ port: server.port }, frames));
      expect(actual).toBe(expected);
    });
  }
});
