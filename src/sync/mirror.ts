/**
 * The local mirror of one synced namespace: what Redis holds as last seen (each field with the
 * version of its last write, deleted fields as tombstones), the writes of this process not yet
 * confirmed by Redis laid over it, and what `get` answers (decoded once, so a read is one
 * `Map.get`). Pure bookkeeping: no I/O. Every method returns the keys whose visible value changed.
 */
import type { Operation, Outcome, Pulled } from "./wire";

interface RemoteField {
  readonly raw: string | undefined;
  readonly version: number;
}

interface Staged {
  /** The last unconfirmed operation writing the field. */
  readonly op: string;
  readonly raw: string | undefined;
}

export class Mirror {
  private readonly remote = new Map<string, RemoteField>();
  private readonly overlay = new Map<string, Staged>();
  private readonly shownRaw = new Map<string, string>();
  /** What `get` answers: decoded values of visible fields. */
  readonly visible = new Map<string, unknown>();
  /** The namespace's last version this mirror has seen (a pull asks for what came after). */
  seen = 0;
  /** The namespace's epoch as last seen. */
  epoch = "";

  constructor(
    private readonly decode: (raw: string, key: string) => unknown,
  ) {}

  /** The version of `key`'s last write as seen (0: never written). */
  remoteVersion(key: string): number {
    return this.remote.get(key)?.version ?? 0;
  }

  /** The last unconfirmed operation writing `key`, if any. */
  lastOp(key: string): string | undefined {
    return this.overlay.get(key)?.op;
  }

  /** Redis's value of `key` as last seen, decoded (for `merge`). */
  remoteValue(key: string): unknown {
    const raw = this.remote.get(key)?.raw;
    return raw === undefined ? undefined : this.decode(raw, key);
  }

  /** Shows an operation at once, before Redis confirms it. */
  stage(op: Operation): string[] {
    for (const f of op.fields) this.overlay.set(f.field, { op: op.id, raw: f.deleted ? undefined : f.raw });
    return this.refresh(op.fields.map((f) => f.field));
  }

  /** Redis answered `op` (or it was dropped: no outcome): its applied fields join the remote state; it stops being shown over it. */
  settle(op: Operation, outcome: Outcome | undefined): string[] {
    const keys: string[] = [];
    for (const f of op.fields) {
      keys.push(f.field);
      if (this.overlay.get(f.field)?.op === op.id) this.overlay.delete(f.field);
      if (outcome === undefined || outcome.version === 0 || outcome.lost.includes(f.field)) continue;
      if (this.remoteVersion(f.field) < outcome.version) this.remote.set(f.field, { raw: f.deleted ? undefined : f.raw, version: outcome.version });
    }
    return this.refresh(keys);
  }

  /** Applies a pull: a full one replaces the remote state, an incremental one updates the fields it lists. */
  applyPull(pulled: Pulled): string[] {
    const keys = pulled.fields.map((f) => f.field);
    if (pulled.full) {
      for (const key of this.remote.keys()) keys.push(key);
      this.remote.clear();
    }
    for (const f of pulled.fields) {
      if (!pulled.full && this.remoteVersion(f.field) >= f.version) continue;
      this.remote.set(f.field, { raw: f.raw, version: f.version });
    }
    this.seen = pulled.full ? pulled.last : Math.max(this.seen, pulled.last);
    this.epoch = pulled.epoch;
    return this.refresh(keys);
  }

  /** Recomputes what `get` shows for `keys`; returns those that changed. */
  private refresh(keys: readonly string[]): string[] {
    const changed: string[] = [];
    for (const key of new Set(keys)) {
      const staged = this.overlay.get(key);
      const raw = staged ? staged.raw : this.remote.get(key)?.raw;
      if (raw === this.shownRaw.get(key)) continue;
      changed.push(key);
      if (raw === undefined) {
        this.shownRaw.delete(key);
        this.visible.delete(key);
      } else {
        this.shownRaw.set(key, raw);
        this.visible.set(key, this.decode(raw, key));
      }
    }
    return changed;
  }
}
