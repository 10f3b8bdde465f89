/**
 * Unkillable scripts (issue 17, point 3) against a real `narwhal serve` process and a private
 * redis-server, both with `lua-time-limit` set to 100 ms so the cases run in seconds:
 * `while true do pcall(function() while true do end end) end` makes other clients get BUSY,
 * SCRIPT KILL ends it (pcall cannot catch the kill), a script that wrote is UNKILLABLE and
 * SHUTDOWN NOSAVE ends the process, and SIGTERM always ends `narwhal serve` within a bound.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../../src/database";
import type { MemoryClient } from "../../src/memory/facade";
import { hasRedisServer, startStandalone } from "../support/servers";

const PCALL_LOOP = "while true do pcall(function() while true do end end) end";
const WRITE_LOOP = "redis.call('set', KEYS[1], 'v') while true do end";
const BUSY = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";

interface Serve {
  child: ChildProcess;
  port: number;
  exited: Promise<number | null>;
}

/** `narwhal serve --port 0` as a child process (bin.ts through tsx), resolved once it listens. */
function startServe(): Promise<Serve> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/bin.ts", "serve", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /on [^\s]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), exited });
    });
    child.once("error", reject);
    void exited.then(() => reject(new Error(`narwhal serve exited early: ${out}`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const errorText = (p: Promise<unknown>) => p.then((v) => ({ value: v }), (e: Error) => ({ error: e.message }));

/** Polls until `client` gets BUSY (the script went past lua-time-limit). */
async function waitBusy(client: Redis): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const r = await errorText(client.ping());
    if ("error" in r) return r.error;
    await sleep(20);
  }
  throw new Error("never BUSY");
}

/** The scenario every target runs; returns what the clients saw. */
async function killScenario(connect: () => Redis) {
  const [a, b] = [connect(), connect()];
  try {
    expect(await b.config("SET", "lua-time-limit", "100")).toBe("OK");
    const running = errorText(a.eval(PCALL_LOOP, 0));
    const busy = await waitBusy(b);
    const info = await errorText(b.get("x"));
    const kill = await b.script("KILL");
    const killed = await running;
    const afterwards = await b.ping();
    const again = await errorText(b.script("KILL"));
    return { busy, info, kill, killed, afterwards, again };
  } finally {
    a.disconnect();
    b.disconnect();
  }
}

async function unkillableScenario(connect: () => Redis) {
  const [a, b] = [connect(), connect()];
  a.on("error", () => undefined);
  b.on("error", () => undefined);
  await b.config("SET", "lua-time-limit", "100");
  void errorText(a.eval(WRITE_LOOP, 1, "busy:k"));
  const busy = await waitBusy(b);
  const kill = await errorText(b.script("KILL"));
  const shutdown = await errorText(b.shutdown("NOSAVE"));
  a.disconnect();
  b.disconnect();
  return { busy, kill, shutdown };
}

describe.skipIf(!hasRedisServer())("busy scripts: narwhal serve vs redis-server (skipped without redis-server on PATH)", () => {
  let redis: Awaited<ReturnType<typeof startStandalone>>;
  beforeAll(async () => {
    redis = await startStandalone();
  });
  afterAll(() => redis?.stop());

  it("pcall cannot catch the time limit: BUSY for others, SCRIPT KILL ends it, NOTBUSY after", async () => {
    const serve = await startServe();
    try {
      const expected = await killScenario(() => new Redis({ path: redis.socket }));
      const actual = await killScenario(() => new Redis({ port: serve.port, host: "127.0.0.1" }));
      expect(expected.busy).toBe(BUSY);
      expect(expected.kill).toBe("OK");
      expect(expected.killed).toEqual({ error: expect.stringMatching(/^ERR Script killed by user with SCRIPT KILL/) });
      expect(actual).toEqual(expected);
    } finally {
      serve.child.kill("SIGKILL");
    }
  }, 30_000);

  it("a script that wrote is UNKILLABLE; SHUTDOWN NOSAVE ends the process", async () => {
    const serve = await startServe();
    const actual = await unkillableScenario(() => new Redis({ port: serve.port, host: "127.0.0.1", maxRetriesPerRequest: 0, retryStrategy: () => null }));
    const code = await Promise.race([serve.exited, sleep(5000).then(() => "still running")]);
    if (code === "still running") serve.child.kill("SIGKILL");
    expect(code).toBe(0);
    const own = await startStandalone();
    let expected;
    try {
      expected = await unkillableScenario(() => new Redis({ path: own.socket, maxRetriesPerRequest: 0, retryStrategy: () => null }));
    } finally {
      await own.stop();
    }
    expect(expected.busy).toBe(BUSY);
    expect(actual.busy).toBe(expected.busy);
    expect(actual.kill).toEqual(expected.kill);
    expect(expected.kill).toEqual({ error: expect.stringMatching(/^UNKILLABLE Sorry the script already executed write commands/) });
    // Both end the process: the client sees its connection close instead of a reply.
    expect("error" in actual.shutdown && "error" in expected.shutdown).toBe(true);
  }, 30_000);
});

describe("busy scripts: narwhal serve and SIGTERM", () => {
  it("ends within 3 s while a pcall loop runs past the limit", async () => {
    const serve = await startServe();
    const a = new Redis({ port: serve.port, host: "127.0.0.1" });
    const b = new Redis({ port: serve.port, host: "127.0.0.1" });
    a.on("error", () => undefined);
    b.on("error", () => undefined);
    await b.config("SET", "lua-time-limit", "100");
    void errorText(a.eval(PCALL_LOOP, 0));
    expect(await waitBusy(b)).toBe(BUSY);
    const started = Date.now();
    serve.child.kill("SIGTERM");
    const code = await Promise.race([serve.exited, sleep(3000).then(() => "still running")]);
    if (code === "still running") serve.child.kill("SIGKILL");
    a.disconnect();
    b.disconnect();
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
  }, 30_000);

  // Lua under a JS library call (a sort comparator, a script's own coroutine) or inside EXEC cannot
  // give the event loop turns: no BUSY replies then, but SIGTERM still ends the process at once.
  for (const [what, commands] of [
    ["a table.sort comparator", [["eval", "table.sort({3, 1, 2, 5, 4}, function(a, b) while true do end end)", "0"]]],
    ["a script's own coroutine", [["eval", "coroutine.wrap(function() while true do end end)()", "0"]]],
    ["EXEC", [["multi"], ["eval", "while true do end", "0"], ["exec"]]],
  ] as const) {
    it(`ends within 3 s on SIGTERM while a script loops inside ${what}`, async () => {
      const serve = await startServe();
      const a = new Redis({ port: serve.port, host: "127.0.0.1" });
      a.on("error", () => undefined);
      await a.config("SET", "lua-time-limit", "100");
      for (const argv of commands) void errorText(a.call(argv[0], ...argv.slice(1)));
      await sleep(1500); // well past lua-time-limit: the script is stalled
      const started = Date.now();
      serve.child.kill("SIGTERM");
      const code = await Promise.race([serve.exited, sleep(3000).then(() => "still running")]);
      if (code === "still running") serve.child.kill("SIGKILL");
      a.disconnect();
      expect(code).not.toBe("still running");
      expect(Date.now() - started).toBeLessThan(3000);
    }, 30_000);
  }

  it("scripts under the limit stay synchronous and other clients never see BUSY", async () => {
    const serve = await startServe();
    const a = new Redis({ port: serve.port, host: "127.0.0.1" });
    try {
      expect(await a.config("GET", "lua-time-limit")).toEqual(["lua-time-limit", "5000"]);
      expect(await a.eval("local n = 0 for i = 1, 1e6 do n = n + 1 end return n", 0)).toBe(1_000_000);
      expect(await errorText(a.script("KILL"))).toEqual({ error: "NOTBUSY No scripts in execution right now." });
    } finally {
      a.disconnect();
      serve.child.kill("SIGKILL");
    }
  }, 30_000);
});

describe("busy scripts: Database.memory()", () => {
  it("lua-time-limit 0 turns the busy state off, as in Redis: others wait for the script instead of getting BUSY", async () => {
    const db = Database.memory();
    const a = db.client as MemoryClient;
    const b = a.duplicate();
    try {
      expect(await b.call("config", "set", "lua-time-limit", "0")).toBe("OK");
      const started = Date.now();
      const running = a.call("eval", "local n = 0 for i = 1, 3e6 do n = n + 1 end return n", "0");
      const other = b.call("get", "x");
      expect(await other).toBe(null);
      expect(await running).toBe(3_000_000);
      expect(Date.now() - started).toBeGreaterThan(0);
    } finally {
      b.disconnect();
      await db.close();
    }
  });

  it("a script past lua-time-limit lets the event loop run; SCRIPT KILL from another client ends it", async () => {
    const db = Database.memory();
    const a = db.client as MemoryClient;
    const b = a.duplicate();
    try {
      expect(await b.call("config", "set", "lua-time-limit", "50")).toBe("OK");
      const running = errorText(a.call("eval", PCALL_LOOP, "0"));
      let timers = 0;
      const tick = setInterval(() => timers++, 5);
      let busy: { error: string } | { value: unknown } = { value: null };
      for (let i = 0; i < 100 && !("error" in busy); i++) {
        await sleep(20);
        busy = await errorText(b.call("get", "x"));
      }
      expect(busy).toEqual({ error: BUSY });
      timers = 0;
      await sleep(150);
      clearInterval(tick);
      expect(timers).toBeGreaterThan(5); // timers keep firing while the script runs
      expect(await b.call("script", "kill")).toBe("OK");
      expect(await running).toEqual({ error: expect.stringMatching(/^ERR Script killed by user with SCRIPT KILL\.\.\. script: /) });
      expect(await a.call("ping")).toBe("PONG");
    } finally {
      b.disconnect();
      await db.close();
    }
  });
});
