/**
 * Issue 17: protected mode, which needs a second address. `narwhal serve --host 0.0.0.0` and a
 * redis-server 7.0 started the same way (`--bind 0.0.0.0 --protected-mode yes`) are reached
 * through this machine's non-loopback IPv4 address (so the connection's source is not
 * loopback): with no password both send Redis's DENIED text and close, while loopback clients
 * are served; with a password (`--requirepass`; CONFIG SET on redis-server) the outside
 * client gets NOAUTH and is served after AUTH; `--protected-mode no` serves it at once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { PROTECTED_MODE_DENIED } from "../../src/memory/resp/auth";
import { hasRedisServer, startStandalone } from "../support/servers";
import { cmd, externalIPv4, raw, startServe } from "../support/serve-process";

const external = externalIPv4();
const noRedis = hasRedisServer() ? undefined : "no redis-server on PATH";

/** What a client sees: PING from outside (until the server closes or answers), PING from loopback, then AUTH and PING from outside. */
async function transcript(port: number): Promise<string[]> {
  const out: string[] = [];
  const outside = raw(port, external);
  outside.send(cmd("PING"));
  out.push(await outside.read(1_000_000, 1500)); // everything the server sends, until it closes (or 1.5 s)
  out.push(outside.socket.destroyed || outside.socket.readableEnded ? "closed" : "open");
  outside.socket.destroy();
  const inside = raw(port);
  inside.send(cmd("PING"));
  out.push(await inside.read(5));
  inside.socket.destroy();
  const again = raw(port, external);
  again.send(cmd("AUTH", "pw") + cmd("PING"));
  out.push(await again.read(1_000_000, 1000));
  again.socket.destroy();
  return out;
}

describe.skipIf(external === undefined)(
  `protected mode from a non-loopback address${external === undefined ? ": not run, this machine has no non-loopback IPv4 address (os.networkInterfaces())" : ` (${external})`}`,
  () => {
    const stops: Array<() => Promise<void>> = [];
    afterAll(async () => {
      await Promise.all(stops.map((s) => s()));
    });

    async function narwhal(args: string[]): Promise<number> {
      const serve = await startServe(["--host", "0.0.0.0", ...args]);
      stops.push(() => serve.stop());
      return serve.port;
    }

    async function redis(args: string[], password?: string): Promise<number> {
      const server = await startStandalone(["--bind", "0.0.0.0", ...args]);
      stops.push(() => server.stop());
      if (password) {
        const c = raw(server.port);
        c.send(cmd("CONFIG", "SET", "requirepass", password));
        expect(await c.read(5)).toBe("+OK\r\n");
        c.socket.destroy();
      }
      return server.port;
    }

    const cases: Array<{ name: string; narwhal: string[]; redis: string[]; password?: string; expected: string[] }> = [
      {
        name: "no password: DENIED and closed from outside, served on loopback",
        narwhal: [],
        redis: ["--protected-mode", "yes"],
        expected: [PROTECTED_MODE_DENIED, "closed", "+PONG\r\n", PROTECTED_MODE_DENIED],
      },
      {
        name: "with a password: NOAUTH from outside, served after AUTH",
        narwhal: ["--requirepass", "pw"],
        redis: ["--protected-mode", "yes"],
        password: "pw",
        expected: ["-NOAUTH Authentication required.\r\n", "open", "-NOAUTH Authentication required.\r\n", "+OK\r\n+PONG\r\n"],
      },
      {
        name: "--protected-mode no: served from outside without a password",
        narwhal: ["--protected-mode", "no"],
        redis: ["--protected-mode", "no"],
        expected: ["+PONG\r\n", "open", "+PONG\r\n", "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n+PONG\r\n"],
      },
    ];

    for (const c of cases) {
      it(`narwhal serve --host 0.0.0.0 ${c.narwhal.join(" ")}: ${c.name}`, async () => {
        expect(await transcript(await narwhal(c.narwhal))).toEqual(c.expected);
      });
      it.skipIf(noRedis !== undefined)(`redis-server --bind 0.0.0.0 ${c.redis.join(" ")}${c.password ? " (requirepass)" : ""}: the same bytes${noRedis ? ` (not run: ${noRedis})` : ""}`, async () => {
        expect(await transcript(await redis(c.redis, c.password))).toEqual(c.expected);
      });
    }
  },
);
