import { describe, expect, it } from "vitest";
import type { Arg } from "../../src/command";
import { NodeRedisAdapter } from "../../src/drivers/node-redis";
import { BUFFER_OPTIONS } from "../../src/drivers/node-redis-batch";
import type { NodeRedisClient } from "../../src/drivers/node-redis-shape";
import { evalArgs, evalWire } from "../../src/script-runner";

/** A node-redis client that records what `sendCommand` gets and answers `reply`. */
function recordingClient(reply: unknown): { client: NodeRedisClient; sent: Array<{ args: unknown[]; options: unknown }> } {
  const sent: Array<{ args: unknown[]; options: unknown }> = [];
  const client = {
    isOpen: true,
    isReady: true,
    options: {},
    on: () => undefined,
    sendCommand(args: unknown[], options: unknown) {
      sent.push({ args, options });
      return Promise.resolve(reply);
    },
  } as unknown as NodeRedisClient;
  return { client, sent };
}

describe("script calls' argument arrays (issue 16: built once, never copied)", () => {
  const buf = Buffer.from("b");

  it("evalArgs and evalWire lay out head, key count, keys, then ARGV; evalWire puts the name first", () => {
    expect(evalArgs("sha", ["k1", "k2"], ["a", 3, buf])).toEqual(["sha", 2, "k1", "k2", "a", 3, buf]);
    expect(evalWire("evalsha", "sha", ["k1", "k2"], ["a", 3, buf])).toEqual(["evalsha", "sha", 2, "k1", "k2", "a", 3, buf]);
    expect(evalWire("eval", "return 1", [], [])).toEqual(["eval", "return 1", 0]);
  });

  it("the node-redis adapter sends the array it is handed (numbers as decimal text, Buffers kept), with Buffer replies when binary", async () => {
    const { client, sent } = recordingClient("7");
    const adapter = new NodeRedisAdapter(client, {});
    const wire: Arg[] = evalWire("evalsha", "sha", ["k"], [1.5, -2, buf, "x"]);
    await expect(adapter.sendArgs(wire, false)).resolves.toBe("7");
    expect(sent[0]!.args).toBe(wire);
    expect(sent[0]!.args).toEqual(["evalsha", "sha", "1", "k", "1.5", "-2", buf, "x"]);
    expect(sent[0]!.options).toBeUndefined();
    await adapter.sendArgs(["get", "k"], true);
    expect(sent[1]!.options).toBe(BUFFER_OPTIONS);
  });

  it("sendArgs shapes HGETALL as ioredis does, like callArgs", async () => {
    const { client } = recordingClient(["f", "v", "g", "w"]);
    const adapter = new NodeRedisAdapter(client, {});
    await expect(adapter.sendArgs(["hgetall", "h"], false)).resolves.toEqual({ f: "v", g: "w" });
    await expect(adapter.callArgs("hgetall", ["h"])).resolves.toEqual({ f: "v", g: "w" });
  });
});
