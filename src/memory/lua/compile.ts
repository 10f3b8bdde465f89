/**
 * Compiles a chunk the way Redis's Lua 5.1 would report it: Lua 5.3 tokens rewritten
 * (syntax51.ts) and 5.1's wording of syntax errors. Shared by EVAL (`@user_script`) and
 * FUNCTION LOAD (`@user_function`).
 */
import { lauxlib, lua, type LuaState } from "./fengari-instance";
import { rewriteLua53Tokens } from "./syntax51";

/** Leaves the compiled function on the stack and returns null, or returns the compiler's message (stack unchanged). */
export function compileChunk(L: LuaState, body: Buffer, chunkname: string): string | null {
  const rewritten = rewriteLua53Tokens(body);
  const source = rewritten?.source ?? body;
  if (lauxlib.luaL_loadbuffer(L, source, source.length, chunkname) === lua.LUA_OK) return null;
  const msg = String(lua.lua_tojsstring(L, -1));
  lua.lua_pop(L, 1);
  // 5.1 quotes these tokens in its messages ("'<eof>' expected near 'x'"), 5.3 does not.
  return (rewritten ? rewritten.message(msg) : msg)
    .replace(" near <eof>", " near '<eof>'")
    .replace(/: <(eof|name|string|number)> expected/, ": '<$1>' expected");
}
