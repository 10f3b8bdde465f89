/**
 * A time budget for a generated (fast-check) test whose runs talk to real servers.
 *
 * Why not fast-check's `interruptAfterTimeLimit`: it races the run in progress against a timer
 * and abandons it, but an async run cannot be stopped — the abandoned sequence keeps sending
 * commands (and publishing notifications) while the next test starts, which made
 * engine-notify-vs-redis's next test see a stray message. With a budget, the run in progress
 * finishes and the runs after the deadline return at once without touching a server.
 */
export class TimeBudget {
  private readonly deadline: number;

  constructor(readonly limitMs: number) {
    this.deadline = Date.now() + limitMs;
  }

  /** True once the budget is spent: a run should return without doing anything. */
  get spent(): boolean {
    return Date.now() >= this.deadline;
  }
}
