/**
 * Lua 5.1 number semantics on fengari (Lua 5.3). Redis embeds Lua 5.1, where every number is
 * a double; fengari has 5.3's integer subtype, and its integers are 32-bit, so `3 * 1e9` or
 * `tonumber(ARGV[1]) * 1000` would wrap. Three swaps in fengari's object module fix both for
 * every state in the process (fengari calls these through the module object at each use):
 *
 * - numerals and string→number conversions produce floats (like 5.1), so arithmetic is
 *   double arithmetic;
 * - floats print with `%.14g` and no `.0` mark, like 5.1's `tostring` (`10/2` → "5"), both in
 *   `tostring` (fengari's `%f` in lua_pushfstring) and in concatenation.
 *
 * Integers still arise from `#t`, `string.len`, `math.floor`…; they print the same and are
 * converted to floats when mixed with floats, so scripts cannot tell the difference.
 */
// fengari's modules are mutually dependent: its entry point must load before any of them.
import "fengari";
import lobject from "fengari/src/lobject.js";
import lstring from "fengari/src/lstring.js";
import { formatDouble } from "../format-double";

const PATCHED = Symbol.for("narwhal.fengari.lua51numbers");

export function useLua51Numbers(): void {
  const target = lobject as typeof lobject & { [PATCHED]?: boolean };
  if (target[PATCHED]) return;
  target[PATCHED] = true;
  const str2num = lobject.luaO_str2num;
  lobject.luaO_str2num = (s, o) => {
    const size = str2num(s, o);
    if (size !== 0 && o.ttisinteger()) o.setfltvalue(o.value as number);
    return size;
  };
  const tostring = lobject.luaO_tostring;
  const encoder = new TextEncoder();
  lobject.luaO_tostring = (L, o) => {
    if (o.ttisinteger()) return tostring(L, o);
    o.setsvalue(lstring.luaS_bless(L, encoder.encode(formatDouble(o.value as number, 14))));
  };
  // tostring() formats floats through lua_pushfstring("%f") (luaL_tolstring).
  const pushvfstring = lobject.luaO_pushvfstring;
  const percentS = encoder.encode("%s");
  lobject.luaO_pushvfstring = (L, fmt, argp) => {
    if (fmt.length === 2 && fmt[0] === 37 && fmt[1] === 102) return pushvfstring(L, percentS, [encoder.encode(formatDouble(argp[0] as number, 14))]);
    return pushvfstring(L, fmt, argp);
  };
}
