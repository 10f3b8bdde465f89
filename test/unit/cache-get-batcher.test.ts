import { describe, expect, it } from "vitest";
import type { ClientLike } from "../../src/client";
import { GetBatcher } from "../../src/cache/get-batcher";

function fakeClient(fail = false) {
  const sent: Array<[string, ...string[]]> = [];
  const store: Record<string, Buffer> = { a: Buffer.from("A"), b: Buffer.from("B") };
  const client = {
    callBuffer: async (command: string, ...keys: string[]) => {
      sent.push([command, ...keys]);
      if (fail) throw new Error("down");
      return command === "mget" ? keys.map((k) => store[k] ?? null) : (store[keys[0]!] ?? null);
    },
  } as unknown as ClientLike;
  return { client, sent };
}

const get = (batcher: GetBatcher, key: string) => new Promise<unknown>((resolve, reject) => batcher.get(key, resolve, reject));

describe("GetBatcher", () => {
  it("sends a lone GET at once and the GETs requested while it is in flight as one MGET, in order, misses as null", async () => {
    const { client, sent } = fakeClient();
    const batcher = new GetBatcher(client, true);
    const replies = await Promise.all(["a", "zz", "b", "a"].map((k) => get(batcher, k)));
    expect(replies).toEqual([Buffer.from("A"), null, Buffer.from("B"), Buffer.from("A")]);
    expect(sent).toEqual([["get", "a"], ["mget", "zz", "b", "a"]]);
  });

  it("a lone GET stays a GET; batches are chunked at 500 keys", async () => {
    const { client, sent } = fakeClient();
    const batcher = new GetBatcher(client, true);
    expect(await get(batcher, "b")).toEqual(Buffer.from("B"));
    await Promise.all(Array.from({ length: 1001 }, (_, i) => get(batcher, `k${i}`)));
    expect(sent[0]).toEqual(["get", "b"]);
    const rest = sent.slice(1);
    expect(rest.reduce((n, c) => n + c.length - 1, 0)).toBe(1001);
    expect(rest.every((c) => (c[0] === "mget" && c.length - 1 <= 500) || (c[0] === "get" && c.length === 2))).toBe(true);
    expect(rest.length).toBeLessThanOrEqual(4);
  });

  it("a failed MGET rejects every caller of the batch; without batching each GET is its own", async () => {
    const { client } = fakeClient(true);
    const batcher = new GetBatcher(client, true);
    const results = await Promise.allSettled([get(batcher, "a"), get(batcher, "b"), get(batcher, "c")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    const plain = fakeClient();
    const unbatched = new GetBatcher(plain.client, false);
    await Promise.all([get(unbatched, "a"), get(unbatched, "b")]);
    expect(plain.sent).toEqual([["get", "a"], ["get", "b"]]);
  });
});
