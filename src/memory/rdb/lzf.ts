/** LZF decompression (liblzf's lzf_decompress), for the compressed strings in Redis's DUMP payloads. */
import { Buffer } from "node:buffer";

/** Decompresses `input` into exactly `length` bytes; undefined when the data is corrupt. */
export function lzfDecompress(input: Uint8Array, length: number): Buffer | undefined {
  const out = Buffer.alloc(length);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    let ctrl = input[ip++]!;
    if (ctrl < 32) {
      // A literal run of ctrl + 1 bytes.
      ctrl++;
      if (op + ctrl > length || ip + ctrl > input.length) return undefined;
      for (let k = 0; k < ctrl; k++) out[op++] = input[ip++]!;
    } else {
      // A back reference: length (ctrl >> 5) + 2, offset from the low bits and the next byte.
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= input.length) return undefined;
        len += input[ip++]!;
      }
      if (ip >= input.length) return undefined;
      let ref = op - ((ctrl & 0x1f) << 8) - input[ip++]! - 1;
      len += 2;
      if (ref < 0 || op + len > length) return undefined;
      for (let k = 0; k < len; k++) out[op++] = out[ref++]!;
    }
  }
  return op === length ? out : undefined;
}
