/**
 * The listpack encoder used by stream DUMPs (src/memory/rdb/listpack.ts) against the decoder
 * and against the size model that decides when the engine's stream macro nodes fill up
 * (listpack-size.ts): every integer and string encoding boundary, and the backlen boundaries
 * (127/128 bytes, and 16383, which listpack.c encodes in 3 bytes).
 */
import { describe, expect, it } from "vitest";
import { intElementSize, LISTPACK_OVERHEAD, stringElementSize } from "../../src/memory/listpack-size";
import { encodeListpack, listpackEntries } from "../../src/memory/rdb/listpack";

const INTS = [0n, 127n, 128n, -1n, -4096n, 4095n, 4096n, -4097n, 32767n, -32768n, 32768n, 8388607n, -8388608n, 8388608n, 2147483647n, -2147483648n, 2147483648n, -(2n ** 63n), 2n ** 63n - 1n];
const LENGTHS = [0, 1, 63, 64, 125, 126, 127, 4095, 4096, 16378, 16379, 16380, 70000];

describe("listpack encoder (stream DUMP)", () => {
  it("integers round-trip at every encoding boundary, sized as the model says", () => {
    const lp = encodeListpack(INTS);
    expect(listpackEntries(lp).map(String)).toEqual(INTS.map(String));
    expect(lp.length).toBe(LISTPACK_OVERHEAD + INTS.reduce((n, v) => n + intElementSize(v), 0));
  });

  it("strings round-trip at every length boundary (integer-looking ones stored as integers), sized as the model says", () => {
    const strings = [...LENGTHS.map((n) => Buffer.alloc(n, 0x61)), Buffer.from("123"), Buffer.from("-70000"), Buffer.from("007"), Buffer.from("9223372036854775808")];
    const lp = encodeListpack(strings);
    expect(listpackEntries(lp)).toEqual(strings);
    expect(lp.length).toBe(LISTPACK_OVERHEAD + strings.reduce((n, s) => n + stringElementSize(s), 0));
    expect(lp[6]).toBe(0x80); // the empty string: a 6-bit string header, length 0
  });

  it("a 16383-byte element takes a 3-byte backlen, as lpEncodeBacklen writes it", () => {
    // 32-bit string header (5 bytes) + 16378 bytes = 16383.
    const lp = encodeListpack([Buffer.alloc(16378, 0x62)]);
    expect(lp.length).toBe(LISTPACK_OVERHEAD + 16383 + 3);
    expect([...lp.subarray(lp.length - 4, lp.length - 1)]).toEqual([0, 127 | 128, 127 | 128]);
    expect(listpackEntries(lp)[0]!.length).toBe(16378);
  });

  it("writes the element count, 65535 when there are more", () => {
    expect(encodeListpack([1n, 2n, 3n]).readUInt16LE(4)).toBe(3);
    const many = encodeListpack(Array.from({ length: 70000 }, () => 1n));
    expect(many.readUInt16LE(4)).toBe(65535);
    expect(listpackEntries(many).length).toBe(70000);
  });
});
