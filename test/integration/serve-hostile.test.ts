/**
 * Issue 17: `narwhal serve` against hostile or careless clients, over raw TCP on a real
 * `narwhal serve` process (bin.ts through tsx): `--requirepass` (AUTH, HELLO AUTH, NOAUTH),
 * cross-protocol scripting (a `POST` or `Host:` line closes the connection, runs nothing
 * after it), `--proto-max-bulk-len`, a 50 MB argument and a 600k-argument command parsed
 * in linear time, and `--client-output-buffer-limit` disconnecting a subscriber that never
 * reads. The reply texts are redis-server 7.0's (checked by hand against 7.0.15).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cmd, raw, startServe, type Serve } from "../support/serve-process";

describe("narwhal serve --requirepass, cross-protocol requests, request limits", () => {
  let serve: Serve;
  beforeAll(async () => {
    serve = await startServe(["--requirepass", "pw", "--proto-max-bulk-len", "2mb"]);
  });
  afterAll(() => {
    serve?.child.kill("SIGKILL");
  });

  it("refuses commands until AUTH; wrong passwords get WRONGPASS; HELLO AUTH logs in", async () => {
    const c = raw(serve.port);
    c.send(cmd("PING"));
    expect(await c.read(5)).toBe("-NOAUTH Authentication required.\r\n");
    c.send(cmd("AUTH", "nope"));
    expect(await c.read(5)).toBe("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    c.send(cmd("AUTH", "pw"));
    expect(await c.read(5)).toBe("+OK\r\n");
    c.send(cmd("PING"));
    expect(await c.read(7)).toBe("+PONG\r\n");
    c.socket.destroy();

    const h = raw(serve.port);
    h.send(cmd("HELLO", "3", "AUTH", "default", "pw"));
    expect((await h.read(20)).startsWith("%")).toBe(true);
    h.send(cmd("PING"));
    expect(await h.read(7)).toBe("+PONG\r\n");
    h.socket.destroy();
  });

  it("a POST or Host: line closes the connection and nothing after it runs", async () => {
    for (const attack of ["POST / HTTP/1.1\r\n", "Host: 127.0.0.1:6380\r\n"]) {
      const c = raw(serve.port);
      c.send(cmd("AUTH", "pw") + attack + cmd("SET", "after-attack", "1"));
      await c.closed;
      const check = raw(serve.port);
      check.send(cmd("AUTH", "pw") + cmd("EXISTS", "after-attack"));
      expect(await check.read(9)).toBe("+OK\r\n:0\r\n");
      check.socket.destroy();
    }
    expect(serve.log()).toContain("Possible SECURITY ATTACK detected");
  });

  it("a bulk longer than proto-max-bulk-len is a protocol error that closes only that client", async () => {
    const c = raw(serve.port);
    c.send(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${3 * 1024 * 1024}\r\n`);
    expect(await c.read(10)).toBe("-ERR Protocol error: invalid bulk length\r\n");
    await c.closed;
  });

  it("parses a 1.5 MB argument and a 600k-argument command in linear time", async () => {
    const c = raw(serve.port);
    c.send(cmd("AUTH", "pw"));
    await c.read(5);
    const big = "x".repeat(1_500_000);
    let started = performance.now();
    c.send(cmd("SET", "big", big));
    expect(await c.read(5)).toBe("+OK\r\n");
    const n = 600_000;
    const parts = [`*${n + 2}\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n`];
    for (let i = 0; i < n; i++) parts.push(`$${String(i).length}\r\n${i}\r\n`);
    started = performance.now();
    c.send(Buffer.from(parts.join("")));
    expect(await c.read(9, 30_000)).toBe(`:${n}\r\n`);
    // Redis: ~0.1 s; a quadratic parser took ~30 s. Generous for a loaded 2-core CI machine.
    expect(performance.now() - started).toBeLessThan(8_000);
    c.socket.destroy();
  });
});

describe("narwhal serve --client-output-buffer-limit", () => {
  let serve: Serve;
  beforeAll(async () => {
    serve = await startServe(["--client-output-buffer-limit", "pubsub 1mb 0 0"]);
  });
  afterAll(() => {
    serve?.child.kill("SIGKILL");
  });

  it("disconnects a subscriber that never reads once its pending output passes the hard limit", async () => {
    const sub = raw(serve.port);
    sub.send(cmd("SUBSCRIBE", "news"));
    expect(await sub.read(30)).toContain("subscribe");
    sub.socket.pause(); // never reads again: the kernel's buffers fill, then the server's
    const pub = raw(serve.port);
    const message = "m".repeat(64 * 1024);
    let closedEarly = false;
    void sub.closed.then(() => (closedEarly = true));
    for (let i = 0; i < 800 && !closedEarly; i++) {
      pub.send(cmd("PUBLISH", "news", message));
      if (i % 20 === 19) await pub.read(1, 1000);
    }
    sub.socket.resume();
    await sub.closed; // the server closed it (a test timeout otherwise)
    pub.socket.destroy();
    const check = raw(serve.port);
    check.send(cmd("PUBSUB", "NUMSUB", "news"));
    expect(await check.read(20)).toBe("*2\r\n$4\r\nnews\r\n:0\r\n");
    check.socket.destroy();
  });
});
