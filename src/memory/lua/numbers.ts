/**
 * Lua 5.1 numbers on fengari (Lua 5.3). Redis embeds Lua 5.1, where every number is a double;
 * fengari has 5.3's integer subtype with 32-bit integers, so integer arithmetic wraps at 2^31
 * and `string.format("%d", 3e9)` fails. Rather than keep two subtypes and convert at the edges,
 * narwhal's fengari instance (fengari-instance.ts) never lets a script hold an integer:
 *
 * - every value the VM stores is a float: TValue#setivalue (lengths, loop counters, integer
 *   arithmetic) stores a float, and TValue#setfrom (every copy into a register, a table slot or
 *   a function's results) turns an integer that a library pushed (`string.len`, table keys from
 *   `next`…) into a float. With no integer operands, the VM's integer fast paths never run;
 * - numerals and string→number coercions use 5.1's rules (strtod: hex, `inf`, `nan`, exact
 *   rounding; see c-strtod.ts) and always produce a float;
 * - numbers print with 5.1's `%.14g` (`tostring`, `..`, error messages), exactly as glibc does;
 * - `lua_tointeger` (how fengari's libraries read integer arguments) casts like 5.1's
 *   `(ptrdiff_t)x`: truncation, not "number has no integer representation";
 * - `%` is 5.1's `a - floor(a/b)*b` (patched in before the VM loads, see fengari-instance.ts).
 *
 * The library functions 5.3 implements differently (tonumber, tostring, string.format, math,
 * the luaL_checkint arguments) are replaced in lib51.ts; 5.3-only syntax is rejected by
 * syntax51.ts. These patches apply to narwhal's private fengari instance only.
 *
 * Known differences from Redis (checked against redis-server in lua-vs-redis.test.ts):
 * - `^` is computed by V8's Math.pow inside fengari's VM, which can differ from glibc's pow in
 *   the last bit (10^-5 prints 9.9999999999999991e-06 with %.17g; Redis: 1.0000000000000001e-05);
 *   likewise sin/exp/log… (V8's libm). `%.14g` (tostring) hides almost all of these.
 * - Lua 5.1 folds `-0` into a constant that shares its slot with `0` in the same function, so
 *   in Redis `local a = -0 return 1/0` is -inf; the engine keeps 0 and -0 apart.
 * - A NaN's sign ("nan" vs "-nan") follows x86/glibc where narwhal produces or formats it, but
 *   V8 may canonicalize a NaN it stores in an array or can prove constant.
 * - Position captures passed by string.gsub to a Lua callback are still integers inside that
 *   callback (two of them multiplied would wrap at 2^31: unreachable with real string lengths).
 */
import { formatG } from "./c-format";
import { str2d } from "./c-strtod";
import { CJSON_NULL } from "./cjson-encode";
import { internals, lua } from "./fengari-instance";
import type { TValue } from "fengari/internals";

const PATCHED = Symbol.for("narwhal.fengari.lua51numbers");
const LUA_TNUMFLT = lua.LUA_TNUMBER; // the float variant tag (LUA_TNUMBER | 0 << 4)
const LUA_TNUMINT = lua.LUA_TNUMBER | (1 << 4);
const TWO63 = 2 ** 63;

const encoder = new TextEncoder();

/** 5.1's lua_number2str: `%.14g`. */
export function luaNumberToString(n: number): string {
  return formatG(n, 14);
}

/** `(ptrdiff_t)x` on x86-64: truncation; LONG_MIN for NaN and out of range. */
function castInteger(x: number): number {
  return x >= -TWO63 && x < TWO63 ? Math.trunc(x) : -TWO63;
}

/**
 * Replaces fengari's `%d`/`%I`/`%f` in lua_pushfstring formats by our own rendering (`%s`), and
 * `%p` of `cjson.null` (C's NULL pointer) by glibc's "(nil)".
 */
function rewriteFormat(fmt: Uint8Array, argp: unknown[]): { fmt: Uint8Array; argp: unknown[] } | null {
  let copy: Uint8Array | null = null;
  let args = argp;
  let a = 0;
  for (let i = 0; i < fmt.length - 1; i++) {
    if (fmt[i] !== 37) continue;
    const c = fmt[++i];
    if (c === 37) continue;
    if (c === 100 || c === 73 || c === 102 || (c === 112 && argp[a] === CJSON_NULL)) {
      copy ??= Uint8Array.from(fmt);
      if (args === argp) args = [...argp];
      copy[i] = 115; // 's'
      const v = args[a];
      args[a] = encoder.encode(c === 112 ? "(nil)" : c === 102 ? luaNumberToString(v as number) : String(v));
    }
    a++;
  }
  return copy ? { fmt: copy, argp: args } : null;
}

export function useLua51Numbers(): void {
  const { lobject, lstring, lvm } = internals;
  const target = lobject as typeof lobject & { [PATCHED]?: boolean };
  if (target[PATCHED]) return;
  target[PATCHED] = true;

  const proto = lobject.TValue.prototype;
  proto.setivalue = function (this: TValue, x: number) {
    this.type = LUA_TNUMFLT;
    this.value = x;
  };
  proto.setfrom = function (this: TValue, tv: TValue) {
    const t = tv.type;
    this.type = t === LUA_TNUMINT ? LUA_TNUMFLT : t;
    this.value = tv.value;
  };

  lobject.luaO_str2num = (s, o) => {
    const n = str2d(s);
    if (n === null) return 0;
    o.setfltvalue(n);
    return s.length + 1;
  };
  lobject.luaO_tostring = (L, o) => {
    o.setsvalue(lstring.luaS_bless(L, encoder.encode(luaNumberToString(o.value as number))));
  };
  const pushvfstring = lobject.luaO_pushvfstring;
  lobject.luaO_pushvfstring = (L, fmt, argp) => {
    const rewritten = rewriteFormat(fmt, argp);
    return rewritten ? pushvfstring(L, rewritten.fmt, rewritten.argp) : pushvfstring(L, fmt, argp);
  };
  lobject.luaO_pushfstring = (L, fmt, ...argp) => lobject.luaO_pushvfstring(L, fmt, argp);

  lvm.tointeger = (o) => {
    if (o.ttnov() === lua.LUA_TNUMBER) return castInteger(o.value as number);
    if (o.ttisstring()) {
      const n = str2d(o.svalue());
      return n === null ? false : castInteger(n);
    }
    return false;
  };
}
