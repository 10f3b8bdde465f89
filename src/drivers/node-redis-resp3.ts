/**
 * RESP3 replies of a node-redis client created with `RESP: 3`, brought back to the RESP2
 * shapes the rest of narwhal reads (the shapes ioredis gives; ioredis 6 does the same mapping).
 * The client's own connection keeps speaking RESP3; narwhal's dedicated connections (pub/sub,
 * CLIENT TRACKING redirect target, blocking calls) are duplicates opened with `RESP: 2`.
 *
 * Two steps:
 *
 * 1. Decoding, through node-redis's per-command `typeMapping` (RESP type byte → JS type):
 *    maps (`%`) and sets (`~`) as flat arrays (a map as `[k1, v1, k2, v2…]`, as RESP2 sends
 *    HGETALL, CONFIG GET, XINFO…), doubles (`,`) and big numbers (`(`) as their text (RESP2
 *    sends both as bulk strings, with the same digits), verbatim strings (`=`, INFO, CLIENT
 *    INFO) as their text without the `txt:` header.
 * 2. {@link resp3ToResp2}, on the decoded value:
 *    - booleans (`#`, from a Lua script returning true/false; no core command answers one) as
 *      RESP2's Lua conversion gives them: true → 1, false → null;
 *    - with `callBuffer`, the doubles and big numbers node-redis decoded as strings become
 *      Buffers, as RESP2 bulk strings would (node-redis maps doubles to numbers or strings only);
 *    - commands whose RESP3 reply nests what RESP2 sends flat: member/score pairs of ZRANGE …
 *      WITHSCORES (and ZRANGEBYSCORE, ZREVRANGE*, ZUNION/ZINTER/ZDIFF, ZRANDMEMBER, ZPOPMIN/MAX
 *      with a count) and field/value pairs of HRANDFIELD WITHVALUES are flattened;
 *    - XREAD/XREADGROUP, a map from stream to entries in RESP3, become RESP2's `[[stream, entries]…]`.
 */
import { isNodeRedisCluster, type NodeRedisArgument, type NodeRedisClient, type NodeRedisCluster } from "./node-redis-shape";
import { shaped } from "./node-redis-replies";

const MAP = 37;
const SET = 126;
const DOUBLE = 44;
const BIG_NUMBER = 40;
const VERBATIM = 61;

/** RESP3 decoding for `call`: strings for bulk, simple and verbatim strings, doubles and big numbers; flat arrays for maps and sets. */
export const RESP3_STRING_OPTIONS = { typeMapping: { [MAP]: Array, [SET]: Array, [DOUBLE]: String, [BIG_NUMBER]: String, [VERBATIM]: String } };
/** RESP3 decoding for `callBuffer` (and MULTI): bulk, simple and verbatim strings as Buffers. */
export const RESP3_BUFFER_MAPPING: Record<number, unknown> = { [MAP]: Array, [SET]: Array, [DOUBLE]: String, [BIG_NUMBER]: String, [VERBATIM]: Buffer, 36: Buffer, 43: Buffer };
/** {@link RESP3_BUFFER_MAPPING} as `sendCommand` options. */
export const RESP3_BUFFER_OPTIONS = { typeMapping: RESP3_BUFFER_MAPPING };

/** True when a node-redis client or cluster was created with `RESP: 3`. */
export function speaksResp3(client: NodeRedisClient | NodeRedisCluster): boolean {
  return (isNodeRedisCluster(client) ? client._options : client.options)?.RESP === 3;
}

/** Commands whose RESP3 reply nests pairs (`[[member, score]…]`) that RESP2 sends flat. */
const PAIRED = new Set(["zrange", "zrangebyscore", "zrevrange", "zrevrangebyscore", "zunion", "zinter", "zdiff", "zrandmember", "hrandfield", "zpopmin", "zpopmax"]);
/** Commands whose RESP3 reply is a map from stream to entries (RESP2: an array of `[stream, entries]`). */
const STREAM_MAPS = new Set(["xread", "xreadgroup"]);

/** Booleans as RESP2's Lua conversion gives them; in binary mode, strings (doubles, big numbers) as Buffers. */
function scalars(reply: unknown, binary: boolean): unknown {
  if (reply === true) return 1;
  if (reply === false) return null;
  if (binary && typeof reply === "string") return Buffer.from(reply);
  if (Array.isArray(reply)) {
    for (let i = 0; i < reply.length; i++) reply[i] = scalars(reply[i], binary);
  }
  return reply;
}

/** The RESP2 shape of `reply`, decoded with {@link RESP3_STRING_OPTIONS} (`binary`: {@link RESP3_BUFFER_OPTIONS}), to command `args`. */
export function resp3ToResp2(args: readonly NodeRedisArgument[], reply: unknown, binary: boolean): unknown {
  const out = scalars(reply, binary);
  if (!Array.isArray(out) || out.length === 0) return out;
  const name = String(args[0]).toLowerCase();
  if (PAIRED.has(name) && Array.isArray(out[0])) return out.flat(1);
  if (STREAM_MAPS.has(name)) {
    const streams: unknown[] = [];
    for (let i = 0; i < out.length; i += 2) streams.push([out[i], out[i + 1]]);
    return streams;
  }
  return out;
}

/** A command on a RESP3 node-redis client, answered in its RESP2 shape (HGETALL as an object, as everywhere). */
export function sendResp3(client: NodeRedisClient, args: NodeRedisArgument[], binary: boolean): Promise<unknown> {
  return client.sendCommand(args, binary ? RESP3_BUFFER_OPTIONS : RESP3_STRING_OPTIONS).then((reply) => shaped(args, resp3ToResp2(args, reply, binary)));
}
