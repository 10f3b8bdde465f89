/**
 * The local answer tier of an {@link Autocomplete} (`local: { maxEntries, ttl? }`): the
 * (key, record) pairs of recent searches kept in process memory, so a repeated search costs no
 * round trip. Every change of the index (write, remove, clear, boost) moves its generation
 * `<tag>:g`, and Redis reports each move through CLIENT TRACKING BCAST on that key's prefix
 * (cache/coherence.ts: an invalidation connection of its own, one per master on Cluster): the
 * whole tier is dropped then. Answers are served only while that connection is up; a search
 * whose reply raced a change is not kept; a server that refuses tracking turns the tier off
 * (reported once through `onError`).
 */
import type { ClientLike } from "../client";
import type { CoherenceState, ReadTicket } from "../cache/coherence";
import { Coherence } from "../cache/coherence";
import { LocalStore, localOptions } from "../cache/local-store";

/** The (key, record) pairs of one search's answer, best first. */
export type AnswerPairs = ReadonlyArray<readonly [string, string]>;

export class LocalAnswers {
  private readonly store: LocalStore<AnswerPairs>;
  private readonly coherence: Coherence;

  constructor(
    owner: { readonly client: ClientLike; readonly isCluster: boolean },
    /** The index's generation key `<tag>:g`: the only key tracked. */
    private readonly generationKey: string,
    options: unknown,
    report: (error: Error) => void,
  ) {
    const { maxEntries, ttlMs } = localOptions("local", options)!;
    this.store = new LocalStore<AnswerPairs>(maxEntries, ttlMs);
    this.coherence = new Coherence(owner, generationKey, report);
    const clear = () => this.store.clear();
    this.coherence.observers.add({ invalidated: clear, changed: clear });
    this.coherence.start();
  }

  /** Where the tier stands (see `Cache.localState`). */
  get state(): CoherenceState {
    return this.coherence.state;
  }

  /** The kept answer of the search `query` (see `Autocomplete.search`), while the tier is up. */
  get(query: string): AnswerPairs | undefined {
    if (!this.coherence.up) return undefined;
    return this.store.get(query)?.envelope.value;
  }

  /** Starts a search whose answer may be kept; undefined while the tier is not up. */
  begin(): ReadTicket | undefined {
    return this.coherence.begin(this.generationKey);
  }

  /** Ends a search: keeps its answer unless the index changed (or the tier went down) meanwhile. */
  finish(ticket: ReadTicket | undefined, query: string, pairs: AnswerPairs | undefined): void {
    if (ticket !== undefined && this.coherence.finish(ticket) && pairs !== undefined) this.store.set(query, { value: pairs }, undefined);
  }

  /** A change of the index made through this process: drop every answer, spoil the searches in flight (read your writes before Redis's invalidation arrives). */
  changed(): void {
    this.store.clear();
    this.coherence.evict(this.generationKey);
  }

  /** Resolves once every change Redis reported before the call is applied (see `Cache.sync`). */
  sync(): Promise<void> {
    return this.coherence.barrier();
  }

  close(): void {
    this.coherence.close();
    this.store.clear();
  }
}
