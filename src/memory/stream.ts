/**
 * A Redis stream as t_stream.c keeps it: entries in "macro nodes" (one listpack each, keyed
 * by its master ID in a rax), deletions as tombstones until their node empties, and the
 * counters XINFO reports. The node layout is modelled byte for byte (listpack-size.ts) because
 * it is visible: `MAXLEN ~`/`MINID ~` only drop whole nodes, and XINFO reports the node count.
 * Consumer groups live in stream-groups.ts.
 */
import { intElementSize, LISTPACK_OVERHEAD, stringElementSize } from "./listpack-size";
import { MAX_ID, msOf, seqOf } from "./stream-id";
import type { StreamId } from "./stream-id";
import type { Group } from "./stream-groups";
import { cloneGroups } from "./stream-groups";
import { raxNodeCount } from "./stream-rax";

/** STREAM_LISTPACK_MAX_SIZE: the cap on an entry, and on a node when `stream-node-max-bytes` is 0 or above it. */
const LISTPACK_MAX_SIZE = 1 << 30;

export interface Entry {
  readonly id: StreamId;
  /** field, value, field, value… */
  readonly fields: readonly Buffer[];
  deleted: boolean;
  readonly bytes: number;
}

/** A macro node: its master ID and fields (the rax key and listpack header) and its entries, tombstones included. */
export interface Node {
  readonly master: StreamId;
  readonly masterFields: readonly Buffer[];
  readonly entries: Entry[];
  live: number;
  tombstones: number;
  entryBytes: number;
}

export type TrimStrategy = { readonly maxLen: bigint } | { readonly minId: StreamId };

function signed64(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

function nodeBytes(n: Node): number {
  let header = intElementSize(BigInt(n.live)) + intElementSize(BigInt(n.tombstones)) + intElementSize(BigInt(n.masterFields.length)) + 2;
  for (const f of n.masterFields) header += stringElementSize(f);
  return LISTPACK_OVERHEAD + header + n.entryBytes;
}

/** Whether an entry's fields are the node's master fields (STREAM_ITEM_FLAG_SAMEFIELDS). */
export function sameFields(node: Node, fields: readonly Buffer[]): boolean {
  if (fields.length / 2 !== node.masterFields.length) return false;
  return node.masterFields.every((f, i) => f.equals(fields[2 * i]!));
}

function entryBytes(id: StreamId, master: StreamId, fields: readonly Buffer[], same: boolean): number {
  const n = fields.length / 2;
  let bytes = 2 + intElementSize(signed64(msOf(id) - msOf(master))) + intElementSize(signed64(seqOf(id) - seqOf(master)));
  if (!same) bytes += intElementSize(BigInt(n));
  for (let i = 0; i < fields.length; i += 2) {
    if (!same) bytes += stringElementSize(fields[i]!);
    bytes += stringElementSize(fields[i + 1]!);
  }
  return bytes + intElementSize(BigInt(same ? n + 3 : 2 * n + 4));
}

export class Stream {
  private nodes: Node[] = [];
  length = 0;
  lastId: StreamId = 0n;
  firstId: StreamId = 0n;
  maxDeletedId: StreamId = 0n;
  entriesAdded = 0n;
  /** Consumer groups by name (latin1 identity); iterate with `sortedGroups()`. */
  groups: Map<string, Group> | undefined;

  /** Number of macro nodes (XINFO radix-tree-keys). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Nodes of the rax holding the macro nodes (XINFO radix-tree-nodes). */
  raxNodes(): number {
    return raxNodeCount(this.nodes.map((n) => n.master));
  }

  sortedGroups(): Group[] {
    return this.groups ? [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : [];
  }

  /**
   * streamAppendItem: appends at `id` (already checked by the caller against the last ID),
   * opening a new macro node when the tail one is full (`stream-node-max-bytes` `maxBytes`,
   * `stream-node-max-entries` `maxEntries`, Redis's rules for 0). Returns false when the entry is too large.
   */
  append(id: StreamId, fields: readonly Buffer[], maxBytes: number, maxEntries: number): boolean {
    let total = 0;
    for (const f of fields) total += f.length;
    if (total > LISTPACK_MAX_SIZE) return false;
    let tail = this.nodes[this.nodes.length - 1];
    const nodeMax = maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : maxBytes;
    if (tail && (nodeBytes(tail) + total >= nodeMax || (maxEntries !== 0 && tail.live + tail.tombstones >= maxEntries))) tail = undefined;
    let same = true;
    if (!tail) {
      const masterFields = fields.filter((_, i) => i % 2 === 0);
      tail = { master: id, masterFields, entries: [], live: 0, tombstones: 0, entryBytes: 0 };
      this.nodes.push(tail);
    } else same = sameFields(tail, fields);
    const bytes = entryBytes(id, tail.master, fields, same);
    tail.entries.push({ id, fields, deleted: false, bytes });
    tail.entryBytes += bytes;
    tail.live++;
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
    return true;
  }

  /** Index of the node that would hold `id` (raxSeek "<=", else the first). */
  private nodeIndex(id: StreamId): number {
    let lo = 0;
    let hi = this.nodes.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.nodes[mid]!.master <= id) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Live entries with start ≤ id ≤ end, in order (or reversed). */
  *range(start: StreamId, end: StreamId, rev = false): IterableIterator<Entry> {
    if (start > end || this.nodes.length === 0) return;
    if (!rev) {
      for (let n = this.nodeIndex(start); n < this.nodes.length; n++) {
        for (const e of this.nodes[n]!.entries) {
          if (e.id < start || e.deleted) continue;
          if (e.id > end) return;
          yield e;
        }
      }
    } else {
      for (let n = this.nodeIndex(end); n >= 0; n--) {
        const entries = this.nodes[n]!.entries;
        for (let i = entries.length - 1; i >= 0; i--) {
          const e = entries[i]!;
          if (e.id > end || e.deleted) continue;
          if (e.id < start) return;
          yield e;
        }
      }
    }
  }

  /** The live entry with this ID. */
  get(id: StreamId): Entry | undefined {
    for (const e of this.range(id, id)) return e;
    return undefined;
  }

  /** streamLastValidID / first live ID; undefined when empty. */
  edge(first: boolean): StreamId | undefined {
    for (const e of this.range(0n, MAX_ID, !first)) return e.id;
    return undefined;
  }

  /** streamDeleteItem + XDEL's bookkeeping of the tombstone maximum. */
  delete(id: StreamId): boolean {
    const n = this.nodeIndex(id);
    const node = this.nodes[n];
    const e = node?.entries.find((x) => x.id === id && !x.deleted);
    if (!node || !e) return false;
    e.deleted = true;
    if (node.live === 1) this.nodes.splice(n, 1);
    else {
      node.live--;
      node.tombstones++;
    }
    this.length--;
    return true;
  }

  /** Recomputes the first ID after deletions (XDEL, trimming). */
  refreshFirstId(): void {
    this.firstId = this.length === 0 ? 0n : (this.edge(true) ?? MAX_ID);
  }

  /** streamTrim: returns the number of entries removed; `approx` only drops whole nodes; `limit` 0 = none. */
  trim(strategy: TrimStrategy, approx: boolean, limit: number): number {
    let deleted = 0;
    const byLen = "maxLen" in strategy;
    while (this.nodes.length > 0) {
      if (byLen && BigInt(this.length) <= strategy.maxLen) break;
      const node = this.nodes[0]!;
      if (limit && deleted + node.live > limit) break;
      const removeNode = byLen ? BigInt(this.length - node.live) >= strategy.maxLen : node.entries[node.entries.length - 1]!.id < strategy.minId;
      if (removeNode) {
        this.nodes.shift();
        this.length -= node.live;
        deleted += node.live;
        continue;
      }
      if (approx) break;
      for (const e of node.entries) {
        const stop = byLen ? BigInt(this.length) <= strategy.maxLen : e.id >= strategy.minId;
        if (stop) break;
        if (!e.deleted) {
          e.deleted = true;
          node.live--;
          node.tombstones++;
          this.length--;
          deleted++;
        }
      }
      break;
    }
    if (this.length === 0) this.firstId = 0n;
    else if (deleted) this.refreshFirstId();
    return deleted;
  }

  /** The macro nodes in ID order, as DUMP writes them (rdb/stream.ts). */
  nodeList(): readonly Node[] {
    return this.nodes;
  }

  /**
   * Appends a macro node read from a DUMP payload (RESTORE): its entries, tombstones included,
   * in ID order after every node already there. The counters are the caller's to set.
   */
  restoreNode(master: StreamId, masterFields: readonly Buffer[], entries: ReadonlyArray<{ id: StreamId; fields: readonly Buffer[]; deleted: boolean }>): void {
    const node: Node = { master, masterFields, entries: [], live: 0, tombstones: 0, entryBytes: 0 };
    for (const e of entries) {
      const bytes = entryBytes(e.id, master, e.fields, sameFields(node, e.fields));
      node.entries.push({ id: e.id, fields: e.fields, deleted: e.deleted, bytes });
      node.entryBytes += bytes;
      if (e.deleted) node.tombstones++;
      else node.live++;
    }
    this.nodes.push(node);
  }

  /** A deep copy (COPY). */
  clone(): Stream {
    const s = new Stream();
    s.nodes = this.nodes.map((n) => ({ ...n, entries: n.entries.map((e) => ({ ...e })) }));
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    s.groups = this.groups && cloneGroups(this.groups);
    return s;
  }
}
