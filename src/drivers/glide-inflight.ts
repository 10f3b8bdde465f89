/**
 * The in-flight limit of a GLIDE client (`inflightRequestsLimit`, GLIDE's default 1000): GLIDE
 * rejects a request beyond it at once ("Reached maximum inflight requests"), so the adapters
 * (glide-base.ts) hold such requests back, in order, until one in flight settles (the cache's
 * setMany sends one MULTI per slot, all at once).
 */

/** GLIDE's default `inflightRequestsLimit`. */
const GLIDE_DEFAULT_INFLIGHT = 1000;

export class InflightLimit {
  /** Requests (commands and batches) sent and not settled; more wait in {@link waiting}. */
  private inflight = 0;
  private readonly limit: number;
  private readonly waiting: Array<() => void> = [];

  constructor(limit: unknown) {
    this.limit = typeof limit === "number" && limit > 0 ? limit : GLIDE_DEFAULT_INFLIGHT;
  }

  /** Takes a place: undefined when taken at once, else a promise resolved when a settled request hands its place over. */
  admit(): Promise<void> | undefined {
    if (this.inflight < this.limit) {
      this.inflight++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Requests in flight and waiting (tests, diagnostics). */
  get load(): { readonly inflight: number; readonly waiting: number } {
    return { inflight: this.inflight, waiting: this.waiting.length };
  }

  /** A request settled: its place goes to the first one waiting. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inflight--;
  }

  /** Runs `request` (a batch) within the limit. */
  run = <T>(request: () => Promise<T>): Promise<T> => {
    const admitted = this.admit();
    const start = () => {
      let sent: Promise<T>;
      try {
        sent = request();
      } catch (error) {
        this.release();
        return Promise.reject(error);
      }
      return sent.finally(() => this.release());
    };
    return admitted ? admitted.then(start) : start();
  };
}
