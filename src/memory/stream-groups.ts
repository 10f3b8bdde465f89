/**
 * Consumer groups of a stream (t_stream.c): each group has a last-delivered ID, a logical
 * read counter, a pending entries list (PEL) of NACKs shared with the consumers' own PELs, and
 * consumers with a seen time. Plus the read-counter arithmetic behind XINFO's `lag`.
 */
import { IdMap } from "./id-map";
import type { Entry, Stream } from "./stream";
import { MAX_ID } from "./stream-id";
import type { StreamId } from "./stream-id";
import { notify, NOTIFY_STREAM } from "./notify";
import type { Keyspace } from "./keyspace";

/** SCG_INVALID_ENTRIES_READ. */
export const INVALID_READ = -1n;

export interface Consumer {
  readonly name: string;
  seenTime: number;
  readonly pel: IdMap<Nack>;
}

export interface Nack {
  deliveryTime: number;
  deliveryCount: bigint;
  consumer: Consumer | undefined;
}

export interface Group {
  readonly name: string;
  lastId: StreamId;
  entriesRead: bigint;
  readonly pel: IdMap<Nack>;
  readonly consumers: Map<string, Consumer>;
}

export function lookupGroup(s: Stream, name: string): Group | undefined {
  return s.groups?.get(name);
}

/** streamCreateCG: undefined when the name is taken. */
export function createGroup(s: Stream, name: string, lastId: StreamId, entriesRead: bigint): Group | undefined {
  s.groups ??= new Map();
  if (s.groups.has(name)) return undefined;
  const g: Group = { name, lastId, entriesRead, pel: new IdMap(), consumers: new Map() };
  s.groups.set(name, g);
  return g;
}

/** Consumers in rax (byte) order. */
export function sortedConsumers(g: Group): Consumer[] {
  return [...g.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** streamLookupConsumer (refreshing the seen time unless told not to). */
export function lookupConsumer(g: Group, name: string, now: number, refresh = true): Consumer | undefined {
  const c = g.consumers.get(name);
  if (c && refresh) c.seenTime = now;
  return c;
}

/** Where a stream lives, for the `xgroup-createconsumer` notification of streamCreateConsumer. */
export interface StreamKey {
  readonly db: Keyspace;
  readonly key: string;
}

/**
 * streamCreateConsumer: undefined when it exists; a new consumer is announced (`xgroup-createconsumer`)
 * when `at` is given (RESTORE loads consumers without notifying, as Redis's SCC_NO_NOTIFY).
 */
export function createConsumer(g: Group, name: string, now: number, at?: StreamKey): Consumer | undefined {
  if (g.consumers.has(name)) return undefined;
  const c: Consumer = { name, seenTime: now, pel: new IdMap() };
  g.consumers.set(name, c);
  if (at) notify(at, NOTIFY_STREAM, "xgroup-createconsumer", at.key);
  return c;
}

/** Looks a consumer up (refreshing it) or creates it. */
export function consumerFor(g: Group, name: string, now: number, at: StreamKey): Consumer {
  return lookupConsumer(g, name, now) ?? createConsumer(g, name, now, at)!;
}

/** streamDelConsumer: drops its pending entries from the group PEL too. */
export function deleteConsumer(g: Group, c: Consumer): void {
  for (const [id] of c.pel.entries()) g.pel.delete(id);
  g.consumers.delete(c.name);
}

/** Removes a NACK from the group's and its consumer's PEL. */
export function dropNack(g: Group, id: StreamId, nack: Nack): void {
  g.pel.delete(id);
  nack.consumer?.pel.delete(id);
}

/** streamRangeHasTombstones (`end` undefined = the maximum ID). */
export function rangeHasTombstones(s: Stream, start: StreamId, end: StreamId = MAX_ID): boolean {
  if (s.length === 0 || s.maxDeletedId === 0n) return false;
  if (s.firstId > s.maxDeletedId) return false;
  return start <= s.maxDeletedId && s.maxDeletedId <= end;
}

/** streamEstimateDistanceFromFirstEverEntry: the read counter of `id`, or INVALID_READ. */
export function estimateDistance(s: Stream, id: StreamId): bigint {
  if (s.entriesAdded === 0n) return 0n;
  if (s.length === 0 && id <= s.lastId) return s.entriesAdded;
  if (id === s.lastId) return s.entriesAdded;
  if (id > s.lastId) return INVALID_READ;
  if (s.maxDeletedId === 0n || s.maxDeletedId < s.firstId) {
    if (id < s.firstId) return s.entriesAdded - BigInt(s.length);
    if (id === s.firstId) return s.entriesAdded - BigInt(s.length) + 1n;
  }
  return INVALID_READ;
}

/** streamReplyWithCGLag: the group's lag, or null when unknown. */
export function groupLag(s: Stream, g: Group): bigint | null {
  if (s.entriesAdded === 0n) return 0n;
  if (g.entriesRead !== INVALID_READ && !rangeHasTombstones(s, g.lastId)) return s.entriesAdded - g.entriesRead;
  const read = estimateDistance(s, g.lastId);
  return read === INVALID_READ ? null : s.entriesAdded - read;
}

/** The group bookkeeping of streamReplyWithRange for one delivered entry (last ID, read counter, PEL). */
export function recordDelivery(s: Stream, g: Group, consumer: Consumer, e: Entry, noack: boolean, now: number): void {
  if (e.id > g.lastId) {
    if (g.entriesRead !== INVALID_READ && !rangeHasTombstones(s, e.id)) g.entriesRead++;
    else if (s.entriesAdded) g.entriesRead = estimateDistance(s, e.id);
    g.lastId = e.id;
  }
  if (noack) return;
  const existing = g.pel.get(e.id);
  if (!existing) {
    const nack: Nack = { deliveryTime: now, deliveryCount: 1n, consumer };
    g.pel.tryInsert(e.id, nack);
    consumer.pel.tryInsert(e.id, nack);
    return;
  }
  // Already pending (the group's ID was set back): it moves to this consumer as a first delivery.
  existing.consumer?.pel.delete(e.id);
  existing.consumer = consumer;
  existing.deliveryTime = now;
  existing.deliveryCount = 1n;
  consumer.pel.set(e.id, existing);
}

/** A deep copy of the groups, NACKs shared between group and consumer PELs as in the original. */
export function cloneGroups(groups: Map<string, Group>): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const [name, g] of groups) {
    const copy: Group = { name, lastId: g.lastId, entriesRead: g.entriesRead, pel: new IdMap(), consumers: new Map() };
    const nacks = new Map<Nack, Nack>();
    for (const [id, n] of g.pel.entries()) {
      const m: Nack = { deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount, consumer: undefined };
      nacks.set(n, m);
      copy.pel.tryInsert(id, m);
    }
    for (const c of g.consumers.values()) {
      const cc: Consumer = { name: c.name, seenTime: c.seenTime, pel: new IdMap() };
      for (const [id, n] of c.pel.entries()) {
        const m = nacks.get(n)!;
        m.consumer = cc;
        cc.pel.tryInsert(id, m);
      }
      copy.consumers.set(c.name, cc);
    }
    out.set(name, copy);
  }
  return out;
}
