/**
 * Native port of `../bloom.lua` (read its header), run by the embedded engine in place of the
 * Lua: the same commands in the same order (GETRANGE, EXISTS, SETRANGE, then BITFIELD /
 * BITFIELD_RO in the same chunks), so the keyspace ends up byte-identical and the reply is the
 * same; 100k members take well under a second instead of tens of seconds in fengari.
 */
import { ErrorReply } from "../../memory/native";
import type { NativeScript, Reply, ScriptCalls } from "../../memory/native";

/** SHA1 of the bloom.lua this file mirrors; a unit test fails when the Lua changes. */
export const BLOOM_SHA = "70a6fc9f0b143af81c7824c00a6dc52901be87be";

/** Flush a BITFIELD call at this many arguments, as the Lua does. */
const CHUNK = 6000;

function run(keys: readonly Buffer[], args: readonly Buffer[], redis: ScriptCalls): Reply | undefined {
  if (keys.length !== 1 || args.length !== 4) return undefined;
  const mode = args[0]!.toString("latin1");
  const k = Number(args[2]!.toString("latin1"));
  const packed = args[3]!;
  if ((mode !== "add" && mode !== "has") || !Number.isInteger(k) || k < 1 || packed.length % (4 * k) !== 0) return undefined;
  const add = mode === "add";
  const key = keys[0]!.toString("latin1");
  const header = args[1]!.toString("latin1");
  const n = packed.length / (4 * k);
  const out = new Array<number>(n).fill(add ? 0 : 1);
  const current = redis.bulk("GETRANGE", key, 0, 31);
  if (current === "" && redis.integer("EXISTS", key) === 0) {
    if (!add) return out.fill(0);
    redis.call(["SETRANGE", key, 0, header]);
  } else if (current !== header) {
    return new ErrorReply(`NARWHAL VALIDATION {"path":"options","message":"the key holds another value, or a Bloom filter of other sizes than ${header.replace(/ +$/, "")} (other capacity or errorRate)"}`);
  }
  let chunk: Array<string | number> = [add ? "BITFIELD" : "BITFIELD_RO", key];
  let owner: number[] = [];
  const flush = () => {
    if (owner.length === 0) return;
    const bits = redis.call(chunk);
    if (!Array.isArray(bits)) throw new Error("BITFIELD did not answer an array");
    for (let j = 0; j < bits.length; j++) if (bits[j] === 0) out[owner[j]!] = add ? 1 : 0;
    chunk = [add ? "BITFIELD" : "BITFIELD_RO", key];
    owner = [];
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const pos = packed.readUInt32BE((i * k + j) * 4);
      if (add) chunk.push("SET", "u1", pos, 1);
      else chunk.push("GET", "u1", pos);
      owner.push(i);
      if (chunk.length - 2 >= CHUNK) flush();
    }
  }
  flush();
  return out;
}

/** The port, bound to the SHA1 of bloom.lua. */
export const bloomNative: NativeScript = { name: "bloom", sha: BLOOM_SHA, run };
