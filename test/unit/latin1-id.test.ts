/**
 * bytes.ts `id`: the latin1 identity string of a key or member, built in JS for up to 24 bytes
 * (one String.fromCharCode call) and by Node's decoder beyond. Both must give exactly
 * `toString("latin1")`, for every byte value and every length around the switch's edge. And
 * `bytes`, its inverse, built by a loop up to 32 characters, must equal `Buffer.from(s, "latin1")`,
 * even for a character above 255 (which keeps its low byte).
 */
import fc from "fast-check";
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { bytes, id } from "../../src/memory/bytes";

describe("id (a Buffer's latin1 identity string)", () => {
  it("equals toString('latin1') and round-trips through bytes() for any bytes of length 0 to 40", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (raw) => {
        const b = Buffer.from(raw);
        const s = id(b);
        expect(s).toBe(b.toString("latin1"));
        expect(bytes(s).equals(b)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it("every byte value at every position of a 24-byte key (the JS path's longest)", () => {
    for (let v = 0; v < 256; v++) {
      for (let at = 0; at < 24; at++) {
        const b = Buffer.alloc(24, 0x61);
        b[at] = v;
        expect(id(b)).toBe(b.toString("latin1"));
      }
    }
  });

  it("a view into a larger buffer decodes only its own bytes", () => {
    const whole = Buffer.from("0123456789abcdefghijklmnopqrstuvwxyz", "latin1");
    for (let start = 0; start < 20; start++) for (let len = 0; len <= 26; len++) expect(id(whole.subarray(start, start + len))).toBe(whole.toString("latin1", start, start + len));
  });

  it("bytes() equals Buffer.from(s, 'latin1') for any string of length 0 to 40, characters above 255 included", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }), (codes) => {
        const s = String.fromCharCode(...codes);
        expect(bytes(s).equals(Buffer.from(s, "latin1"))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
