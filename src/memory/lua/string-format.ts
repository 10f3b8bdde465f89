/**
 * Lua 5.1's `string.format` (lstrlib.c str_format) over glibc's printf, as Redis runs it:
 * numbers are doubles, `%d %i` print `(long)x` and `%o %u %x %X` `(unsigned long)x` (so
 * `%d` of 3e9 is "3000000000", of 3.7 is "3", of 2^63 is LONG_MIN), `%e %f %g` round exactly,
 * `%c` writes one byte, `%s` stops at a NUL byte unless the string is ≥ 100 bytes and has no
 * precision, `%q` quotes like 5.1. Flags `-+ #0`, width and precision of at most two digits.
 */
import { Buffer } from "node:buffer";
import { formatFloat, formatInteger, padText, toLong, toUnsignedLong, type Spec } from "./c-format";
import { ByteWriter } from "./bytes";
import { lauxlib, lua, type LuaState } from "./fengari-instance";

const PERCENT = 37;
const FLAGS = "-+ #0";

const isDigit = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;

/** C's `(int)x` (cvttsd2si, 32-bit): INT_MIN for NaN or out of range. */
function toInt(x: number): number {
  return x >= -2147483648 && x < 2147483648 ? Math.trunc(x) : -2147483648;
}

/** Reads `[flags][width][.precision]` at `i`; returns the spec (conversion not yet set) and the index of the conversion. */
function scanFormat(L: LuaState, fmt: Uint8Array, i: number): { spec: Spec; at: number } {
  const spec: Spec = { minus: false, plus: false, space: false, alt: false, zero: false, width: 0, precision: -1, conv: "" };
  const start = i;
  while (i < fmt.length && FLAGS.includes(String.fromCharCode(fmt[i]!))) {
    const c = fmt[i++]!;
    if (c === 45) spec.minus = true;
    else if (c === 43) spec.plus = true;
    else if (c === 32) spec.space = true;
    else if (c === 35) spec.alt = true;
    else spec.zero = true;
  }
  if (i - start >= FLAGS.length + 1) lauxlib.luaL_error(L, "invalid format (repeated flags)");
  for (let n = 0; n < 2 && isDigit(fmt[i]); n++) spec.width = spec.width * 10 + fmt[i++]! - 48;
  if (fmt[i] === 46) {
    i++;
    spec.precision = 0;
    for (let n = 0; n < 2 && isDigit(fmt[i]); n++) spec.precision = spec.precision * 10 + fmt[i++]! - 48;
  }
  if (isDigit(fmt[i])) lauxlib.luaL_error(L, "invalid format (width or precision too long)");
  return { spec, at: i };
}

/** 5.1's addquoted. */
function addQuoted(out: ByteWriter, s: Uint8Array): void {
  out.byte(34);
  for (const b of s) {
    if (b === 34 || b === 92 || b === 10) {
      out.byte(92);
      out.byte(b);
    } else if (b === 13) out.ascii("\\r");
    else if (b === 0) out.ascii("\\000");
    else out.byte(b);
  }
  out.byte(34);
}

/** Appends a latin1 string up to its first NUL (sprintf's output read back with strlen). */
function addCString(out: ByteWriter, s: string): void {
  const nul = s.indexOf("\0");
  out.bytes(Buffer.from(nul < 0 ? s : s.slice(0, nul), "latin1"));
}

/** `string.format(fmt, ...)`. */
export function stringFormat(L: LuaState): number {
  const top = lua.lua_gettop(L);
  const fmt = lauxlib.luaL_checklstring(L, 1);
  const out = new ByteWriter();
  let arg = 1;
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i]!;
    if (c !== PERCENT) {
      out.byte(c);
      i++;
      continue;
    }
    if (fmt[i + 1] === PERCENT) {
      out.byte(PERCENT);
      i += 2;
      continue;
    }
    if (++arg > top) lauxlib.luaL_argerror(L, arg, "no value");
    const { spec, at } = scanFormat(L, fmt, i + 1);
    const conv = fmt[at];
    i = at + 1;
    spec.conv = conv === undefined ? "" : String.fromCharCode(conv);
    switch (spec.conv) {
      case "c": {
        const ch = String.fromCharCode(toInt(lauxlib.luaL_checknumber(L, arg)) & 0xff);
        addCString(out, padText(spec, ch));
        break;
      }
      case "d":
      case "i":
        out.ascii(formatInteger(spec, toLong(lauxlib.luaL_checknumber(L, arg))));
        break;
      case "o":
      case "u":
      case "x":
      case "X":
        out.ascii(formatInteger(spec, toUnsignedLong(lauxlib.luaL_checknumber(L, arg))));
        break;
      case "e":
      case "E":
      case "f":
      case "g":
      case "G":
        out.ascii(formatFloat(spec, lauxlib.luaL_checknumber(L, arg)));
        break;
      case "q":
        addQuoted(out, lauxlib.luaL_checklstring(L, arg));
        break;
      case "s": {
        const s = lauxlib.luaL_checklstring(L, arg);
        if (spec.precision < 0 && s.length >= 100) out.bytes(s);
        else {
          let text = Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString("latin1");
          const nul = text.indexOf("\0");
          if (nul >= 0) text = text.slice(0, nul);
          if (spec.precision >= 0) text = text.slice(0, spec.precision);
          addCString(out, padText(spec, text));
        }
        break;
      }
      default:
        return lauxlib.luaL_error(L, "invalid option '%%%s' to 'format'", Uint8Array.of(conv ?? 0).subarray(0, conv ? 1 : 0));
    }
  }
  lua.lua_pushstring(L, out.result());
  return 1;
}
