/**
 * Issue 17 (Redis's protocol.tcl "Protocol desync regression test"): a client whose bytes
 * cannot be parsed gets `-ERR Protocol error…` and its connection is closed — fully, as
 * redis-server 7.0's freeClient closes the descriptor, so a client that keeps writing without
 * reading gets a reset instead of blocking forever on a half-closed socket nobody reads. Run
 * against a real `narwhal serve` process and a redis-server, the writer writes as the TCL
 * suite does: one small chunk at a time, each waiting until the kernel took it.
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasRedisServer, startStandalone } from "../support/servers";
import { startServe, type Serve } from "../support/serve-process";

const noRedis = hasRedisServer() ? undefined : "no redis-server on PATH";

/**
 * Writes `seq`, then "payload" chunks until a write fails or `ms` pass. Like the TCL client the
 * socket is half-open (a FIN from the server does not end our side): only a real close — a
 * reset on our writes — ends the loop. Resolves with whether that happened and what was read.
 */
async function desync(port: number, seq: string, ms: number): Promise<{ closed: boolean; text: string }> {
  const socket: Socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
  await new Promise<void>((r) => socket.once("connect", () => r()));
  let text = "";
  socket.on("data", (d: Buffer) => (text += d.toString("latin1")));
  let failed = false;
  socket.on("error", () => (failed = true));
  socket.write(seq);
  const deadline = Date.now() + ms;
  const chunk = "payload".repeat(1024);
  while (!failed && Date.now() < deadline) {
    // Wait for the kernel to take each chunk, as a blocking writer does: a server that stops reading without closing stalls us here.
    await new Promise<void>((r) => {
      if (!socket.write(chunk)) {
        const t = setTimeout(r, 200);
        socket.once("drain", () => (clearTimeout(t), r()));
      } else setImmediate(r);
    });
  }
  socket.destroy();
  return { closed: failed, text };
}

describe.skipIf(noRedis)("protocol desync closes the connection (vs redis-server)", () => {
  let serve: Serve;
  let redis: Awaited<ReturnType<typeof startStandalone>>;
  beforeAll(async () => {
    [serve, redis] = await Promise.all([startServe([]), startStandalone()]);
  }, 30_000);
  afterAll(async () => {
    await serve?.stop();
    await redis?.stop();
  });

  for (const [name, seq] of [
    ["inline", "\x00"],
    ["multibulk count", "*\x00"],
    ["bulk length", "$\x00"],
  ] as const) {
    it(`${name}: an error reply, then the connection closes while the client still writes`, async () => {
      const [ours, theirs] = await Promise.all([desync(serve.port, seq, 8000), desync(redis.port, seq, 8000)]);
      expect(theirs.closed).toBe(true);
      expect(ours.closed).toBe(true);
      // The error reply may be lost to the reset (it is, often, from redis-server); when it arrives it is the protocol error.
      if (ours.text !== "") expect(ours.text).toMatch(/^-ERR Protocol error: too big (inline request|mbulk count string)\r\n$/);
    }, 30_000);
  }
});
