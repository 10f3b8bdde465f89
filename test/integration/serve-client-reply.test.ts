/**
 * CLIENT REPLY ON|OFF|SKIP (issue 17): the bytes a `narwhal serve` connection sends back for a
 * pipeline of commands, compared with a private redis-server 7.0's over raw sockets (a client
 * library cannot take commands that answer nothing). Pub/sub messages and subscription
 * confirmations still arrive while replies are off, as Redis's pushes do. A MemoryClient refuses
 * CLIENT REPLY with a clear error (each call's promise needs its reply).
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../src/memory/create-engine";
import { MemoryClient } from "../../src/memory/facade";
import { CLIENT_REPLY_EMBEDDED } from "../../src/memory/commands/client";
import { startServer, type RunningServer } from "../../src/memory/resp";
import { hasRedisServer, startStandalone } from "../support/servers";

const resp = (...argv: string[]) => `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

/** Sends the commands in one write, then (after `settle` ms of quiet) returns every byte received. */
async function exchange(port: number, commands: string[][], other?: (port: number) => Promise<void>): Promise<string> {
  const socket: Socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let received = "";
  socket.on("data", (chunk) => (received += chunk.toString("latin1")));
  socket.write(commands.map((c) => resp(...c)).join(""));
  await new Promise((r) => setTimeout(r, 150));
  if (other) await other(port);
  await new Promise((r) => setTimeout(r, 150));
  socket.destroy();
  return received;
}

/** One PUBLISH from another connection. */
const publishFrom = (channel: string, message: string) => async (port: number) => {
  await exchange(port, [["publish", channel, message]]);
};

describe.skipIf(!hasRedisServer())("CLIENT REPLY vs a private redis-server (skipped without redis-server)", () => {
  let redis: Awaited<ReturnType<typeof startStandalone>>;
  let served: RunningServer;
  const engine = createEngine();
  beforeAll(async () => {
    redis = await startStandalone();
    served = await startServer({ port: 0, dispatcher: engine, createSession: () => engine.createSession(), closeSession: (s) => engine.closeSession(s), log: () => undefined });
  });
  afterAll(async () => {
    await served?.close();
    engine.close();
    await redis?.stop();
  });

  const same = async (commands: string[][], other?: (port: number) => Promise<void>) => {
    const expected = await exchange(redis.port, commands, other);
    const actual = await exchange(served.port, commands, other);
    expect(actual).toEqual(expected);
    return expected;
  };

  it("OFF silences every reply until ON; SKIP silences the next one; bad arguments", async () => {
    const bytes = await same([
      ["set", "cr", "1"], ["client", "reply", "off"], ["get", "cr"], ["incr", "cr"], ["nosuch"], ["client", "reply", "skip"], ["get", "cr"],
      ["client", "reply", "on"], ["get", "cr"], ["client", "reply", "skip"], ["get", "cr"], ["get", "cr"], ["client", "reply", "skip"], ["client", "reply", "on"],
      ["client", "reply", "bogus"], ["client", "reply"], ["client", "reply", "on", "x"], ["client", "reply", "SKIP"], ["client", "reply", "skip"], ["get", "cr"], ["get", "cr"], ["del", "cr"],
    ]);
    expect(bytes).toContain("+OK"); // the comparison saw replies, not two silent connections
  });

  it("while OFF, subscription confirmations and messages still arrive (RESP2)", async () => {
    const bytes = await same([["client", "reply", "off"], ["subscribe", "crchan"], ["psubscribe", "cr*"]], publishFrom("crchan", "hello"));
    expect(bytes).toContain("hello");
  });

  it("inside MULTI, CLIENT REPLY is queued and runs at EXEC", async () => {
    await same([["multi"], ["client", "reply", "skip"], ["set", "crm", "1"], ["exec"], ["get", "crm"], ["del", "crm"]]);
  });

  it("a MemoryClient refuses it with a clear error", async () => {
    const client = new MemoryClient({ engine });
    await expect(client.call("client", "reply", "off")).rejects.toThrow(CLIENT_REPLY_EMBEDDED);
    expect(await client.call("ping")).toBe("PONG");
    client.disconnect();
  });
});
