/**
 * Redis's sparse HyperLogLog encoding, ported operation for operation from hyperloglog.c
 * (hllSparseSet with its in-place split and 5-opcode merge, promotion to dense past a
 * register value of 32 or 3,000 bytes), so HYLL strings are byte-identical to Redis's.
 * Opcodes: ZERO `00xxxxxx` (1–64 zero registers), XZERO `01xxxxxx yyyyyyyy` (1–16384),
 * VAL `1vvvvvxx` (value 1–32, run 1–4).
 */
import { Buffer } from "node:buffer";

export const HEADER = 16;
const REGISTERS = 16384;
const SPARSE_MAX_BYTES = 3000;
const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;
const ZERO_MAX_LEN = 64;

const isZero = (op: number) => (op & 0xc0) === 0;
const isXZero = (op: number) => (op & 0xc0) === 0x40;
const zeroLen = (op: number) => (op & 0x3f) + 1;
const xzeroLen = (op: number, next: number) => (((op & 0x3f) << 8) | next) + 1;
const valValue = (op: number) => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number) => (op & 3) + 1;
const val = (value: number, len: number) => 0x80 | ((value - 1) << 2) | (len - 1);

function zeros(len: number): number[] {
  if (len > ZERO_MAX_LEN) return [0x40 | ((len - 1) >> 8), (len - 1) & 0xff];
  return [len - 1];
}

/** A new, empty sparse HYLL string (cached cardinality 0, valid). */
export function createSparse(): Buffer {
  const out = Buffer.alloc(HEADER + 2);
  out.write("HYLL", 0, "latin1");
  out[4] = 1;
  out[HEADER] = 0x7f;
  out[HEADER + 1] = 0xff;
  return out;
}

/** Registers of a sparse string, or undefined when it is corrupt. */
export function sparseRegisters(value: Buffer): Uint8Array | undefined {
  const regs = new Uint8Array(REGISTERS);
  let r = 0;
  for (let p = HEADER; p < value.length; ) {
    const op = value[p]!;
    if (isZero(op)) {
      r += zeroLen(op);
      p++;
    } else if (isXZero(op)) {
      r += xzeroLen(op, value[p + 1] ?? 0);
      p += 2;
    } else {
      const v = valValue(op);
      const n = valLen(op);
      if (r + n > REGISTERS) return undefined;
      for (let k = 0; k < n; k++) regs[r++] = v;
      p++;
    }
  }
  return r === REGISTERS ? regs : undefined;
}

/**
 * Sets register `index` to `count` if larger (hllSparseSet). `value` may be changed in place
 * (callers pass a private copy). Returns the new string, `null` when nothing changed, or
 * `"promote"` when Redis would convert to dense first.
 */
export function sparseSet(value: Buffer, index: number, count: number): Buffer | null | "promote" {
  if (count > VAL_MAX_VALUE) return "promote";
  let buf = value;
  let end = buf.length;
  let p = HEADER;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = buf[p]!;
    let oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (isXZero(op)) {
      span = xzeroLen(op, buf[p + 1]!);
      oplen = 2;
    } else span = valLen(op);
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return "promote";
  const op = buf[p]!;
  const zero = isZero(op);
  const xzero = isXZero(op);
  const runlen = zero ? zeroLen(op) : xzero ? xzeroLen(op, buf[p + 1]!) : valLen(op);
  let replaced = false;
  if (!zero && !xzero) {
    if (valValue(op) >= count) return null;
    if (runlen === 1) {
      buf[p] = val(count, 1);
      replaced = true;
    }
  }
  if (!replaced && zero && runlen === 1) {
    buf[p] = val(count, 1);
    replaced = true;
  }
  if (!replaced) {
    const last = first + span - 1;
    const seq: number[] = [];
    if (zero || xzero) {
      if (index !== first) seq.push(...zeros(index - first));
      seq.push(val(count, 1));
      if (index !== last) seq.push(...zeros(last - index));
    } else {
      const cur = valValue(op);
      if (index !== first) seq.push(val(cur, index - first));
      seq.push(val(count, 1));
      if (index !== last) seq.push(val(cur, last - index));
    }
    const oldlen = xzero ? 2 : 1;
    const delta = seq.length - oldlen;
    if (delta > 0 && end + delta > SPARSE_MAX_BYTES) return "promote";
    buf = Buffer.concat([buf.subarray(0, p), Buffer.from(seq), buf.subarray(p + oldlen, end)]);
    end = buf.length;
  }
  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
  let q = prev >= 0 ? prev : HEADER;
  let scan = 5;
  while (q < end && scan-- > 0) {
    const o = buf[q]!;
    if (isXZero(o)) {
      q += 2;
      continue;
    }
    if (isZero(o)) {
      q++;
      continue;
    }
    if (q + 1 < end && (buf[q + 1]! & 0x80) !== 0 && valValue(o) === valValue(buf[q + 1]!)) {
      const len = valLen(o) + valLen(buf[q + 1]!);
      if (len <= VAL_MAX_LEN) {
        buf[q + 1] = val(valValue(o), len);
        buf.copyWithin(q, q + 1, end);
        end--;
        continue;
      }
    }
    q++;
  }
  return end === buf.length ? buf : buf.subarray(0, end);
}
