/**
 * Streams in DUMP payloads as rdb.c saves and loads them (RDB_TYPE_STREAM_LISTPACKS_2, Redis
 * 7.0; RDB_TYPE_STREAM_LISTPACKS, Redis 5–6, read too): each macro node as its 128-bit
 * big-endian master ID and its listpack (t_stream.c's layout: a master entry of live count,
 * deleted count, master fields and a 0 terminator, then per entry flags, ID deltas, fields or
 * only values when they are the master fields, and the lp-count), then the length, last ID,
 * first ID, maximal deleted ID, entries added, and the consumer groups with their PEL (IDs,
 * delivery times and counts) and consumers (seen time, the IDs they own).
 */
import { Buffer } from "node:buffer";
import { bytes, id } from "../bytes";
import type { Node } from "../stream";
import { sameFields, Stream } from "../stream";
import { createConsumer, createGroup, estimateDistance, sortedConsumers } from "../stream-groups";
import type { Nack } from "../stream-groups";
import { makeId, msOf, seqOf } from "../stream-id";
import type { StreamId } from "../stream-id";
import { BadFormat } from "./format";
import type { RdbReader, RdbWriter } from "./format";
import { encodeListpack, listpackEntries } from "./listpack";

const U64 = (1n << 64n) - 1n;
const FLAG_DELETED = 1n;
const FLAG_SAMEFIELDS = 2n;

/** A stream ID as a rax key: ms then seq, 64 bits each, big-endian. */
function idKey(sid: StreamId): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(msOf(sid), 0);
  b.writeBigUInt64BE(seqOf(sid), 8);
  return b;
}

function keyId(b: Buffer): StreamId {
  if (b.length !== 16) throw new BadFormat("stream ID key");
  return makeId(b.readBigUInt64BE(0), b.readBigUInt64BE(8));
}

/** The listpack elements of a macro node (streamAppendItem's layout). */
function nodeElements(n: Node): Array<bigint | Buffer> {
  const out: Array<bigint | Buffer> = [BigInt(n.live), BigInt(n.tombstones), BigInt(n.masterFields.length), ...n.masterFields, 0n];
  for (const e of n.entries) {
    const same = sameFields(n, e.fields);
    const nf = e.fields.length / 2;
    out.push((e.deleted ? FLAG_DELETED : 0n) | (same ? FLAG_SAMEFIELDS : 0n));
    out.push(BigInt.asIntN(64, msOf(e.id) - msOf(n.master)), BigInt.asIntN(64, seqOf(e.id) - seqOf(n.master)));
    if (same) for (let i = 1; i < e.fields.length; i += 2) out.push(e.fields[i]!);
    else out.push(BigInt(nf), ...e.fields);
    out.push(BigInt(same ? nf + 3 : 2 * nf + 4));
  }
  return out;
}

function writeId(w: RdbWriter, sid: StreamId): void {
  w.lengthBig(msOf(sid));
  w.lengthBig(seqOf(sid));
}

/** rdbSaveObject for OBJ_STREAM (after the type byte). */
export function writeStream(w: RdbWriter, s: Stream): void {
  const nodes = s.nodeList();
  w.length(nodes.length);
  for (const n of nodes) {
    w.string(idKey(n.master));
    w.string(encodeListpack(nodeElements(n)));
  }
  w.length(s.length);
  writeId(w, s.lastId);
  writeId(w, s.firstId);
  writeId(w, s.maxDeletedId);
  w.lengthBig(s.entriesAdded);
  const groups = s.sortedGroups();
  w.length(groups.length);
  for (const g of groups) {
    w.string(bytes(g.name));
    writeId(w, g.lastId);
    w.lengthBig(g.entriesRead);
    w.length(g.pel.size);
    for (const [sid, nack] of g.pel.entries()) {
      w.raw(idKey(sid));
      w.millis(nack.deliveryTime);
      w.lengthBig(nack.deliveryCount);
    }
    const consumers = sortedConsumers(g);
    w.length(consumers.length);
    for (const c of consumers) {
      w.string(bytes(c.name));
      w.millis(c.seenTime);
      w.length(c.pel.size);
      for (const [sid] of c.pel.entries()) w.raw(idKey(sid));
    }
  }
}

/** Walks a node's listpack elements (integers arrive as decimal text). */
class Cursor {
  at = 0;
  constructor(private readonly els: Buffer[]) {}
  next(): Buffer {
    const el = this.els[this.at++];
    if (!el) throw new BadFormat("stream listpack truncated");
    return el;
  }
  int(): bigint {
    const text = this.next().toString("latin1");
    if (!/^-?\d+$/.test(text)) throw new BadFormat("stream listpack integer");
    return BigInt(text);
  }
  count(): number {
    const n = this.int();
    if (n < 0n || n > BigInt(this.els.length)) throw new BadFormat("stream listpack count");
    return Number(n);
  }
  get done(): boolean {
    return this.at === this.els.length;
  }
}

/** One macro node's listpack, checked as streamValidateListpackIntegrity's deep mode; returns the node's live count. */
function readNode(s: Stream, master: StreamId, lp: Buffer, after: StreamId): { live: number; last: StreamId } {
  const c = new Cursor(listpackEntries(lp));
  const live = c.count();
  const deleted = c.count();
  const masterFields = Array.from({ length: c.count() }, () => c.next());
  if (c.int() !== 0n) throw new BadFormat("stream master entry");
  const entries: Array<{ id: StreamId; fields: Buffer[]; deleted: boolean }> = [];
  let last = after;
  let liveSeen = 0;
  for (let k = 0; k < live + deleted; k++) {
    const flags = c.int();
    const sid = makeId((msOf(master) + c.int()) & U64, (seqOf(master) + c.int()) & U64);
    const same = (flags & FLAG_SAMEFIELDS) !== 0n;
    const nf = same ? masterFields.length : c.count();
    const fields: Buffer[] = [];
    for (let j = 0; j < nf; j++) {
      fields.push(same ? masterFields[j]! : c.next());
      fields.push(c.next());
    }
    if (c.int() !== BigInt(same ? nf + 3 : 2 * nf + 4)) throw new BadFormat("stream lp-count");
    if (last >= 0n && sid <= last) throw new BadFormat("stream IDs out of order");
    last = sid;
    const isDeleted = (flags & FLAG_DELETED) !== 0n;
    if (!isDeleted) liveSeen++;
    entries.push({ id: sid, fields, deleted: isDeleted });
  }
  if (!c.done || entries.length === 0 || liveSeen !== live) throw new BadFormat("stream node");
  s.restoreNode(master, masterFields, entries);
  return { live, last };
}

function readId(r: RdbReader): StreamId {
  const ms = r.lengthBig();
  return makeId(ms, r.lengthBig());
}

/** rdbLoadObject for RDB_TYPE_STREAM_LISTPACKS(_2) (after the type byte); `v2` is Redis 7.0's type. */
export function readStream(r: RdbReader, str: () => Buffer, v2: boolean): Stream {
  const s = new Stream();
  const nodes = r.length();
  let last = -1n;
  let live = 0;
  for (let i = 0; i < nodes; i++) {
    const master = keyId(str());
    if (master <= last) throw new BadFormat("stream node keys out of order");
    const node = readNode(s, master, str(), last);
    live += node.live;
    last = node.last;
  }
  s.length = r.length();
  if (s.length !== live) throw new BadFormat("stream length");
  s.lastId = readId(r);
  if (last > s.lastId) throw new BadFormat("stream last ID");
  if (v2) {
    s.firstId = readId(r);
    s.maxDeletedId = readId(r);
    s.entriesAdded = r.lengthBig();
  } else {
    s.entriesAdded = BigInt(s.length);
    s.firstId = s.edge(true) ?? 0n;
  }
  const groups = r.length();
  for (let i = 0; i < groups; i++) {
    const name = id(str());
    const lastId = readId(r);
    const read = v2 ? BigInt.asIntN(64, r.lengthBig()) : estimateDistance(s, lastId);
    const g = createGroup(s, name, lastId, read);
    if (!g) throw new BadFormat("duplicate group");
    const pel = r.length();
    for (let j = 0; j < pel; j++) {
      const sid = keyId(r.take(16));
      const nack: Nack = { deliveryTime: r.millis(), deliveryCount: r.lengthBig(), consumer: undefined };
      if (!g.pel.tryInsert(sid, nack)) throw new BadFormat("duplicate PEL entry");
    }
    const consumers = r.length();
    for (let j = 0; j < consumers; j++) {
      const c = createConsumer(g, id(str()), 0);
      if (!c) throw new BadFormat("duplicate consumer");
      c.seenTime = r.millis();
      const owned = r.length();
      for (let k = 0; k < owned; k++) {
        const sid = keyId(r.take(16));
        const nack = g.pel.get(sid);
        if (!nack) throw new BadFormat("consumer PEL entry not in the group PEL");
        nack.consumer = c;
        if (!c.pel.tryInsert(sid, nack)) throw new BadFormat("duplicate consumer PEL entry");
      }
    }
  }
  return s;
}
