/**
 * DUMP / RESTORE payloads in Redis's format. `dumpValue` writes the RDB encodings every Redis
 * version loads (plain string, list, set, hash, zset-2 with binary doubles; strings as Redis
 * saves them short of LZF), so redis-server 7.0 can RESTORE what the engine dumps; its bytes
 * equal Redis's DUMP for strings up to 20 bytes. `restoreValue` reads those and the encodings
 * Redis 7.0 itself dumps (integer and LZF strings, quicklist-2, listpack hashes and sorted sets,
 * intsets), and streams both ways as Redis 7.0 saves them (rdb/stream.ts: macro nodes as
 * listpacks, consumer groups with their PELs and consumers).
 */
import { bytes, id } from "../bytes";
import { Deque } from "../deque";
import type { Value } from "../values";
import { ZSet } from "../zset";
import { BadFormat, RdbReader, RdbWriter, TYPE } from "./format";
import { intsetMembers, listpackEntries } from "./listpack";
import { lzfDecompress } from "./lzf";
import { readStream, writeStream } from "./stream";

/** The DUMP payload of a value. */
export function dumpValue(value: Value): Buffer {
  const w = new RdbWriter();
  switch (value.type) {
    case "string":
      w.byte(TYPE.STRING);
      w.string(value.v);
      break;
    case "list":
      w.byte(TYPE.LIST);
      w.length(value.v.length);
      for (const item of value.v.toArray()) w.string(item);
      break;
    case "set":
      w.byte(TYPE.SET);
      w.length(value.v.size);
      for (const member of value.v) w.string(bytes(member));
      break;
    case "hash":
      w.byte(TYPE.HASH);
      w.length(value.v.size);
      for (const [field, v] of value.v) {
        w.string(bytes(field));
        w.string(v);
      }
      break;
    case "zset":
      w.byte(TYPE.ZSET_2);
      w.length(value.v.size);
      for (const node of value.v.entries()) {
        w.string(bytes(node.member));
        w.double(node.score);
      }
      break;
    case "stream":
      w.byte(TYPE.STREAM_LISTPACKS_2);
      writeStream(w, value.v);
      break;
  }
  return w.payload();
}

/** The value in a payload (footer already verified); throws {@link BadFormat}. Empty containers are refused, as Redis (an empty stream is a value). */
export function restoreValue(payload: Buffer): Value {
  // Redis's loader reads from the whole payload: a body that runs short reads into the footer.
  const r = new RdbReader(payload);
  const str = () => r.string(lzfDecompress);
  const type = r.byte();
  let value: Value;
  switch (type) {
    case TYPE.STRING:
      return { type: "string", v: str() };
    case TYPE.LIST: {
      const n = r.length();
      const items: Buffer[] = [];
      for (let i = 0; i < n; i++) items.push(str());
      value = { type: "list", v: new Deque(items) };
      break;
    }
    case TYPE.LIST_QUICKLIST_2: {
      const nodes = r.length();
      const items: Buffer[] = [];
      for (let i = 0; i < nodes; i++) {
        const container = r.length();
        const blob = str();
        if (container === 1) items.push(blob); // a plain node: one large element
        else if (container === 2) items.push(...listpackEntries(blob));
        else throw new BadFormat("quicklist container");
      }
      value = { type: "list", v: new Deque(items) };
      break;
    }
    case TYPE.SET:
    case TYPE.SET_INTSET: {
      const members = type === TYPE.SET ? Array.from({ length: r.length() }, str) : intsetMembers(str());
      value = { type: "set", v: new Set(members.map(id)) };
      break;
    }
    case TYPE.HASH:
    case TYPE.HASH_LISTPACK: {
      const flat = type === TYPE.HASH ? Array.from({ length: r.length() * 2 }, str) : listpackEntries(str());
      if (flat.length % 2 !== 0) throw new BadFormat("hash pairs");
      const h = new Map<string, Buffer>();
      for (let i = 0; i < flat.length; i += 2) h.set(id(flat[i]!), flat[i + 1]!);
      if (h.size !== flat.length / 2) throw new BadFormat("duplicate field");
      value = { type: "hash", v: h };
      break;
    }
    case TYPE.ZSET:
    case TYPE.ZSET_2:
    case TYPE.ZSET_LISTPACK: {
      const z = new ZSet();
      if (type === TYPE.ZSET_LISTPACK) {
        const flat = listpackEntries(str());
        if (flat.length % 2 !== 0) throw new BadFormat("zset pairs");
        for (let i = 0; i < flat.length; i += 2) z.set(id(flat[i]!), score(textScore(flat[i + 1]!.toString("latin1"))));
      } else {
        const n = r.length();
        for (let i = 0; i < n; i++) {
          const member = id(str());
          z.set(member, score(type === TYPE.ZSET ? r.textDouble() : r.double()));
        }
      }
      value = { type: "zset", v: z };
      break;
    }
    case TYPE.STREAM_LISTPACKS:
    case TYPE.STREAM_LISTPACKS_2:
      return { type: "stream", v: readStream(r, str, type === TYPE.STREAM_LISTPACKS_2) };
    default:
      throw new BadFormat(`type ${type}`);
  }
  const size = value.type === "list" ? value.v.length : value.v.size;
  if (size === 0) throw new BadFormat("empty key");
  return value;
}

/** A listpack score's text as Redis writes it ("inf", "-inf", "1.5", "1e+20"). */
function textScore(text: string): number {
  const inf = /^([+-]?)inf$/i.exec(text);
  return inf ? (inf[1] === "-" ? -Infinity : Infinity) : Number(text);
}

function score(n: number): number {
  if (Number.isNaN(n)) throw new BadFormat("zset score");
  return n;
}
