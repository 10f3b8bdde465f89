/**
 * Checks that a model's raw Redis state is consistent: every record ↔ its index entries,
 * unique hashes ↔ records, all-set ↔ records ↔ pk-order zset, full-text postings ↔ token
 * entries, container keys ↔ records, and no leftover scratch keys. Returns the violations.
 */
import type { ClientLike } from "../../src/client";
import type { ModelMeta } from "../../src/models/metadata";
import { escapeGlob } from "../../src/keys";
import { toPairs } from "../../src/reply";

async function scanAll(raw: ClientLike, pattern: string): Promise<string[]> {
  const nodes = (raw as unknown as { nodes?: (role: string) => ClientLike[] }).nodes?.("master") ?? [raw];
  const out: string[] = [];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = (await node.call("scan", cursor, "MATCH", pattern, "COUNT", 1000)) as [string, string[]];
      cursor = next;
      out.push(...keys);
    } while (cursor !== "0");
  }
  return out;
}

function pairs(reply: unknown): Array<[string, string]> {
  return toPairs(reply).map(([k, v]) => [String(k), String(v)]);
}

export interface InvariantReport {
  records: number;
  keys: number;
  violations: string[];
  /**
   * Container keys of records that no longer exist. Not a violation: a container call made
   * through the handle of an already-deleted record (a plain HSET/RPUSH…) re-creates its key;
   * the save script clears such keys when a record with that pk is created again.
   */
  orphanContainers: number;
}

export async function checkModelInvariants(raw: ClientLike, meta: ModelMeta, base: string): Promise<InvariantReport> {
  const v: string[] = [];
  const keys = await scanAll(raw, `${escapeGlob(base)}*`);
  const records = new Map<string, Record<string, string>>();
  for (const key of keys.filter((k) => k.startsWith(`${base}r:`))) {
    records.set(key.slice(base.length + 2), Object.fromEntries(pairs(await raw.call("hgetall", key))));
  }
  const all = new Set((await raw.call("smembers", `${base}all`)) as string[]);
  const order = new Set((await raw.call("zrange", `${base}o`, 0, -1)) as string[]);
  for (const pk of records.keys()) {
    if (!all.has(pk)) v.push(`record ${pk} missing from all-set`);
    if (!order.has(pk)) v.push(`record ${pk} missing from order zset`);
    if (records.get(pk)![meta.pk.name] !== pk) v.push(`record ${pk} has pk field ${records.get(pk)![meta.pk.name]}`);
  }
  for (const pk of all) if (!records.has(pk)) v.push(`all-set has ${pk} without a record`);
  for (const pk of order) if (!records.has(pk)) v.push(`order zset has ${pk} without a record`);
  const tmp = keys.filter((k) => k.startsWith(`${base}tmp:`));
  if (tmp.length > 0) v.push(`${tmp.length} scratch keys left: ${tmp.slice(0, 3).join(", ")}`);

  for (const f of meta.scalars) {
    if (f.kind === "id") continue;
    const valueOf = (pk: string) => records.get(pk)?.[f.name];
    if (f.eqIndex) {
      const prefix = `${base}i:${f.name}:`;
      const seen = new Set<string>();
      for (const key of keys.filter((k) => k.startsWith(prefix))) {
        const value = key.slice(prefix.length);
        for (const pk of (await raw.call("smembers", key)) as string[]) {
          seen.add(pk);
          if (valueOf(pk) !== value) v.push(`eq index ${f.name}=${JSON.stringify(value)} lists ${pk} whose value is ${JSON.stringify(valueOf(pk))}`);
        }
      }
      for (const [pk, r] of records) if (r[f.name] !== undefined && !seen.has(pk)) v.push(`record ${pk} missing from eq index ${f.name}`);
    }
    if (f.rangeIndex) {
      const z = pairs(await raw.call("zrange", `${base}z:${f.name}`, 0, -1, "WITHSCORES"));
      const inZ = new Map(z);
      for (const [pk, score] of z) if (valueOf(pk) === undefined || Number(valueOf(pk)) !== Number(score)) v.push(`range index ${f.name} has ${pk}@${score}, record has ${valueOf(pk)}`);
      for (const [pk, r] of records) if (r[f.name] !== undefined && !inZ.has(pk)) v.push(`record ${pk} missing from range index ${f.name}`);
    }
    if (f.lexIndex) {
      const members = new Set((await raw.call("zrange", `${base}x:${f.name}`, 0, -1)) as string[]);
      for (const m of members) {
        const i = m.lastIndexOf("\0");
        const pk = m.slice(i + 1);
        if (valueOf(pk) !== m.slice(0, i)) v.push(`lex index ${f.name} has a stale entry for ${pk}`);
      }
      for (const [pk, r] of records) if (r[f.name] !== undefined && !members.has(`${r[f.name]}\0${pk}`)) v.push(`record ${pk} missing from lex index ${f.name}`);
    }
    if (f.unique) {
      const claims = pairs(await raw.call("hgetall", `${base}u:${f.name}`));
      const claimed = new Map(claims);
      for (const [value, pk] of claims) if (valueOf(pk) !== value) v.push(`unique ${f.name}=${JSON.stringify(value)} → ${pk} whose value is ${JSON.stringify(valueOf(pk))}`);
      const holders = new Map<string, string>();
      for (const [pk, r] of records) {
        const value = r[f.name];
        if (value === undefined) continue;
        if (holders.has(value)) v.push(`unique ${f.name}=${JSON.stringify(value)} held by ${holders.get(value)} and ${pk}`);
        holders.set(value, pk);
        if (claimed.get(value) !== pk) v.push(`record ${pk} has no unique claim for ${f.name}`);
      }
    }
    if (f.fullText) {
      const tokens = new Map(pairs(await raw.call("hgetall", `${base}t:${f.name}`)));
      let total = 0;
      for (const [pk, r] of records) {
        const expected = r[f.name] === undefined ? "" : f.fullText.entry(r[f.name]!);
        if ((tokens.get(pk) ?? "") !== expected) v.push(`full-text entry of ${pk}.${f.name} is stale`);
        if (expected) total += Number(expected.split(" ")[0]);
      }
      for (const pk of tokens.keys()) if (!records.has(pk)) v.push(`full-text entry for deleted ${pk}`);
      const prefix = `${base}f:${f.name}:`;
      for (const key of keys.filter((k) => k.startsWith(prefix))) {
        const term = key.slice(prefix.length);
        for (const [pk, tf] of pairs(await raw.call("zrange", key, 0, -1, "WITHSCORES"))) {
          const entry = tokens.get(pk)?.split(" ") ?? [];
          const i = entry.indexOf(term, 1);
          if (i < 0 || entry[i + 1] !== tf) v.push(`posting ${term} → ${pk} is stale`);
        }
      }
      const stat = Number((await raw.call("hget", `${base}s`, f.name)) ?? 0);
      if (stat !== total) v.push(`full-text length total of ${f.name} is ${stat}, expected ${total}`);
    }
  }
  let orphanContainers = 0;
  for (const c of meta.containers) {
    const prefix = `${base}c:${c.name}:`;
    for (const key of keys.filter((k) => k.startsWith(prefix))) if (!records.has(key.slice(prefix.length))) orphanContainers++;
  }
  return { records: records.size, keys: keys.length, violations: v, orphanContainers };
}
