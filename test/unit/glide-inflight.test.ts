/**
 * The GLIDE adapter's hold at GLIDE's inflight limit (src/drivers/glide-inflight.ts, InflightLimit): never more
 * than `limit` requests in flight, the rest sent in order as slots free, and a slot freed while
 * others wait is never taken by a request that arrives meanwhile.
 */
import { describe, expect, it } from "vitest";
import { InflightLimit } from "../../src/drivers/glide-inflight";

describe("InflightLimit", () => {
  it("holds requests past the limit and sends them in arrival order as slots free", async () => {
    const gate = new InflightLimit(2);
    let inflight = 0;
    let most = 0;
    const started: number[] = [];
    const finishers: Array<() => void> = [];
    const request = (i: number) => () => {
      started.push(i);
      inflight++;
      most = Math.max(most, inflight);
      return new Promise<number>((resolve) => finishers.push(() => (inflight--, resolve(i))));
    };
    const results = Array.from({ length: 6 }, (_, i) => gate.run(request(i)));
    expect(started).toEqual([0, 1]);
    expect(gate.load).toEqual({ inflight: 2, waiting: 4 });
    // Settle one, and at once ask for another: the freed slot goes to the first waiter.
    finishers.shift()!();
    results.push(gate.run(request(6)));
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    while (finishers.length > 0) {
      finishers.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
    expect(gate.load).toEqual({ inflight: 0, waiting: 0 });
  });

  it("a request that throws or rejects frees its slot", async () => {
    const gate = new InflightLimit(1);
    await expect(gate.run(() => { throw new Error("sync"); })).rejects.toThrow("sync");
    await expect(gate.run(() => Promise.reject(new Error("async")))).rejects.toThrow("async");
    expect(await gate.run(() => Promise.resolve("ok"))).toBe("ok");
    expect(gate.load).toEqual({ inflight: 0, waiting: 0 });
  });
});
