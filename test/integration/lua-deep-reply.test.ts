/**
 * A script returning a recursive table (scripting.tcl's "Script return recursive object"):
 * Redis converts it until its Lua stack runs out, 7995 nested arrays, the innermost element
 * "-ERR reached lua stack limit", and the connection stays usable. The raw bytes of both
 * replies, engine served over RESP vs a private redis-server.
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrivateSides, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

const SCRIPT = "local a = {}; local b = {a}; a[1] = b; return a";

function command(...args: string[]): Buffer {
  return Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`);
}

/** Sends EVAL then PING on one raw connection; resolves with every byte up to PING's +PONG. */
function raw(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    socket.on("data", (d: Buffer) => {
      data += d.toString("latin1");
      if (data.endsWith("+PONG\r\n")) resolve(data);
    });
    socket.on("error", reject);
    socket.write(Buffer.concat([command("eval", SCRIPT, "0"), command("ping")]));
  });
}

describe.skipIf(!hasRedisServer())("recursive script replies vs a private redis-server (skipped without redis-server)", () => {
  let sides: ExactSides & { socket: string };
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());

  it("7995 nested arrays, then 'reached lua stack limit', then the connection still answers", async () => {
    const redisSocket = connect(sides.socket);
    const engineSocket = connect(sides.server.port, "127.0.0.1");
    try {
      const [expected, actual] = await Promise.all([raw(redisSocket), raw(engineSocket)]);
      expect(expected).toBe(`${"*1\r\n".repeat(7995)}-ERR reached lua stack limit\r\n+PONG\r\n`);
      expect(actual).toBe(expected);
    } finally {
      redisSocket.destroy();
      engineSocket.destroy();
    }
  });
});
