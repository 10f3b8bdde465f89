import { describe, expect, it } from "vitest";
import { smallIntBytes } from "../../src/memory/numbers";

describe("smallIntBytes", () => {
  it("writes String(n)'s digits", () => {
    const values = [0, 1, -1, 9, 10, -10, 99, 100, 123456789, -987654321, 1e15 - 1, -(1e15 - 1), 2e15 - 2, -2e15 + 2];
    for (let i = 0; i < 2000; i++) values.push(Math.floor((Math.random() - 0.5) * 4e15));
    for (const n of values) expect(smallIntBytes(n).toString("latin1")).toBe(String(n));
  });
});
