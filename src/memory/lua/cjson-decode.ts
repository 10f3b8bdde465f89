/**
 * `cjson.decode` as in Redis's lua-cjson: a byte-level parser (binary-safe strings, `\u`
 * escapes to UTF-8 with surrogate pairs), JSON null → `cjson.null`, numbers → Lua numbers read
 * with strtod like lua-cjson's (so `+1`, `0x10`, `inf`, `nan` and leading zeros are accepted),
 * and cjson's error wording ("Expected value but found T_END at character 1").
 */
import { Buffer } from "node:buffer";
import { lauxlib, lua, type LuaState } from "./fengari-instance";
import { ByteWriter } from "./bytes";
import { CJSON_NULL } from "./cjson-encode";
import { strtod } from "./c-strtod";
import type { CjsonConfig } from "./cjson-lib";


type Token =
  | { type: "T_OBJ_BEGIN" | "T_OBJ_END" | "T_ARR_BEGIN" | "T_ARR_END" | "T_COLON" | "T_COMMA" | "T_END" | "T_NULL"; at: number }
  | { type: "T_STRING"; at: number; value: Uint8Array }
  | { type: "T_NUMBER"; at: number; value: number }
  | { type: "T_BOOLEAN"; at: number; value: boolean }
  | { type: "T_ERROR"; at: number; message: string };

const PUNCTUATION: Record<number, Token["type"]> = {
  123: "T_OBJ_BEGIN",
  125: "T_OBJ_END",
  91: "T_ARR_BEGIN",
  93: "T_ARR_END",
  58: "T_COLON",
  44: "T_COMMA",
};

class Decoder {
  private pos = 0;
  private depth = 0;
  /** The JSON ends at its first NUL byte, as the C string cjson parses does. */
  private readonly end: number;

  constructor(
    private readonly L: LuaState,
    private readonly src: Uint8Array,
    private readonly cfg: CjsonConfig,
  ) {
    const nul = src.indexOf(0);
    this.end = nul < 0 ? src.length : nul;
  }

  private startsWith(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.src[this.pos + i] !== word.charCodeAt(i)) return false;
    return true;
  }

  next(): Token {
    const s = this.src;
    while (this.pos < s.length && (s[this.pos] === 32 || s[this.pos] === 9 || s[this.pos] === 10 || s[this.pos] === 13)) this.pos++;
    const at = this.pos;
    if (at >= s.length || s[at] === 0) return { type: "T_END", at }; // a C string ends at NUL
    const ch = s[at]!;
    const punct = PUNCTUATION[ch];
    if (punct) {
      this.pos++;
      return { type: punct, at } as Token;
    }
    if (ch === 34) return this.string();
    if (ch === 45 || (ch >= 48 && ch <= 57)) {
      if (!this.cfg.decodeInvalidNumbers && this.invalidNumber()) return { type: "T_ERROR", at, message: "invalid number" };
      return this.number(at);
    }
    for (const [word, token] of [
      ["true", { type: "T_BOOLEAN", at, value: true }],
      ["false", { type: "T_BOOLEAN", at, value: false }],
      ["null", { type: "T_NULL", at }],
    ] as const) {
      if (this.startsWith(word)) {
        this.pos += word.length;
        return token;
      }
    }
    // With decode_invalid_numbers on (the default), what strtod accepts: +1, inf, nan, hex, 007.
    if (this.cfg.decodeInvalidNumbers && this.invalidNumber()) return this.number(at);
    return { type: "T_ERROR", at, message: "invalid token" };
  }

  private startsWithFolded(word: string, at = this.pos): boolean {
    for (let i = 0; i < word.length; i++) if (((this.src[at + i] ?? 0) | 0x20) !== word.charCodeAt(i)) return false;
    return true;
  }

  /** lua-cjson's json_is_invalid_number: a leading +, hex, leading zeros, inf or nan. */
  private invalidNumber(): boolean {
    let p = this.pos;
    const s = this.src;
    if (s[p] === 43) return true;
    if (s[p] === 45) p++;
    if (s[p] === 48) {
      const c2 = s[p + 1] ?? 0;
      return (c2 | 0x20) === 120 || (c2 >= 48 && c2 <= 57);
    }
    if ((s[p] ?? 0) <= 57) return false;
    return this.startsWithFolded("inf", p) || this.startsWithFolded("nan", p);
  }

  /** A number token read with strtod, as lua-cjson does. */
  private number(at: number): Token {
    const parsed = strtod(this.src, at, this.end);
    if (!parsed) return { type: "T_ERROR", at, message: "invalid number" };
    this.pos = parsed.end;
    return { type: "T_NUMBER", at, value: parsed.value };
  }

  /** A string token; errors point where cjson stops (the end, or the backslash of a bad escape). */
  private string(): Token {
    const s = this.src;
    const at = this.pos++;
    const out = new ByteWriter();
    for (;;) {
      if (this.pos >= this.end) return { type: "T_ERROR", at: this.pos, message: "unexpected end of string" };
      const b = s[this.pos++]!;
      if (b === 34) return { type: "T_STRING", at, value: out.result() };
      if (b !== 92) {
        out.byte(b);
        continue;
      }
      const backslash = this.pos - 1;
      const e = s[this.pos++];
      const simple = e === undefined ? undefined : ({ 34: 34, 92: 92, 47: 47, 98: 8, 102: 12, 110: 10, 114: 13, 116: 9 } as Record<number, number>)[e];
      if (simple !== undefined) out.byte(simple);
      else if (e === 117) {
        const cp = this.unicode();
        if (cp < 0) return { type: "T_ERROR", at: backslash, message: "invalid unicode escape code" };
        out.bytes(Buffer.from(String.fromCodePoint(cp), "utf8"));
      } else return { type: "T_ERROR", at: backslash, message: "invalid escape code" };
    }
  }

  /** After `\u`: the code point (joining a surrogate pair), or -1. */
  private unicode(): number {
    const hex = (from: number) => {
      const h = Buffer.from(this.src.subarray(from, from + 4)).toString("latin1");
      return /^[0-9a-fA-F]{4}$/.test(h) ? parseInt(h, 16) : -1;
    };
    const hi = hex(this.pos);
    if (hi < 0) return -1;
    this.pos += 4;
    if (hi >= 0xdc00 && hi <= 0xdfff) return -1;
    if (hi < 0xd800 || hi > 0xdbff) return hi;
    if (this.src[this.pos] !== 92 || this.src[this.pos + 1] !== 117) return -1;
    const lo = hex(this.pos + 2);
    if (lo < 0xdc00 || lo > 0xdfff) return -1;
    this.pos += 6;
    return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
  }

  fail(expected: string, token: Token): never {
    const found = token.type === "T_ERROR" ? token.message : token.type;
    return lauxlib.luaL_error(this.L, `Expected ${expected} but found ${found} at character ${token.at + 1}`);
  }

  /** Pushes the value starting with `token`. */
  value(token: Token): void {
    const L = this.L;
    switch (token.type) {
      case "T_STRING":
        lua.lua_pushstring(L, token.value);
        return;
      case "T_NUMBER":
        lua.lua_pushnumber(L, token.value);
        return;
      case "T_BOOLEAN":
        lua.lua_pushboolean(L, token.value);
        return;
      case "T_NULL":
        lua.lua_pushlightuserdata(L, CJSON_NULL);
        return;
      case "T_OBJ_BEGIN":
      case "T_ARR_BEGIN":
        if (++this.depth > this.cfg.decodeMaxDepth) {
          lauxlib.luaL_error(L, `Found too many nested data structures (${this.depth}) at character ${token.at + 1}`);
        }
        lauxlib.luaL_checkstack(L, 3, "cjson");
        if (token.type === "T_OBJ_BEGIN") this.object();
        else this.array();
        this.depth--;
        return;
      default:
        this.fail("value", token);
    }
  }

  private object(): void {
    const L = this.L;
    lua.lua_newtable(L);
    let token = this.next();
    if (token.type === "T_OBJ_END") return;
    for (;;) {
      if (token.type !== "T_STRING") this.fail("object key string", token);
      lua.lua_pushstring(L, token.value);
      const colon = this.next();
      if (colon.type !== "T_COLON") this.fail("colon", colon);
      this.value(this.next());
      lua.lua_rawset(L, -3);
      token = this.next();
      if (token.type === "T_OBJ_END") return;
      if (token.type !== "T_COMMA") this.fail("comma or object end", token);
      token = this.next();
    }
  }

  private array(): void {
    const L = this.L;
    lua.lua_newtable(L);
    let token = this.next();
    if (token.type === "T_ARR_END") return;
    for (let i = 1; ; i++) {
      this.value(token);
      lua.lua_rawseti(L, -2, i);
      token = this.next();
      if (token.type === "T_ARR_END") return;
      if (token.type !== "T_COMMA") this.fail("comma or array end", token);
      token = this.next();
    }
  }
}

/** `cjson.decode(json)` with the settings `cfg`. */
export function cjsonDecode(L: LuaState, cfg: CjsonConfig): number {
  if (lua.lua_gettop(L) !== 1) lauxlib.luaL_error(L, "bad argument #1 to 'decode' (expected 1 argument)");
  const src = lua.lua_type(L, 1) === lua.LUA_TSTRING || lua.lua_type(L, 1) === lua.LUA_TNUMBER ? lua.lua_tolstring(L, 1) : null;
  if (!src) return lauxlib.luaL_error(L, "bad argument #1 to 'decode' (string expected)");
  if (src.length >= 2 && (!src[0] || !src[1])) return lauxlib.luaL_error(L, "JSON parser does not support UTF-16 or UTF-32");
  const decoder = new Decoder(L, src, cfg);
  decoder.value(decoder.next());
  const end = decoder.next();
  if (end.type !== "T_END") decoder.fail("the end", end);
  return 1;
}
