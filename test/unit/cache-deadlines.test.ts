import { describe, expect, it } from "vitest";
import { clearDeadline, RESOLUTION_MS, setDeadline } from "../../src/cache/deadlines";

describe("cache deadlines (one shared interval instead of a timer per call)", () => {
  it("fires no earlier than asked and within the resolution (when the loop is free); cleared ones never fire", async () => {
    const fired: Array<[string, number]> = [];
    const start = Date.now();
    setDeadline(30, () => fired.push(["a", Date.now() - start]));
    const b = setDeadline(30, () => fired.push(["b", Date.now() - start]));
    clearDeadline(b);
    await new Promise((r) => setTimeout(r, 30 + RESOLUTION_MS * 6));
    expect(fired.map(([n]) => n)).toEqual(["a"]);
    expect(fired[0]![1]).toBeGreaterThanOrEqual(30);
  });
});
