/**
 * numbers.ts `parseDouble`: a Buffer of plain `[-]digits` (≤ 15 bytes) is read by a loop, every
 * other text by the strtod-like full path. The loop must agree with the full path (which a
 * string argument always takes) on every input, including `-0`, a lone `-`, `+`, leading zeros
 * and the 15/16-byte edge.
 */
import fc from "fast-check";
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { parseDouble } from "../../src/memory/numbers";

const integerLike = fc.oneof(
  fc.stringMatching(/^[+-]?[0-9]{0,17}$/),
  fc.stringMatching(/^-?0*[0-9]{1,16}$/),
  fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }).map(String),
  fc.constantFrom("", "-", "+", "-0", "0", "00", "-00", "1e3", "1.5", " 1", "1 ", "inf", "-inf", "999999999999999", "-99999999999999", "9999999999999999"),
);

describe("parseDouble on integer-like arguments", () => {
  it("a Buffer gives what the full path gives for the same text (Object.is: -0 stays -0)", () => {
    fc.assert(
      fc.property(integerLike, (text) => {
        const fast = parseDouble(Buffer.from(text, "latin1"));
        const full = parseDouble(text);
        expect(Object.is(fast, full), `${JSON.stringify(text)}: ${fast} vs ${full}`).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
});
