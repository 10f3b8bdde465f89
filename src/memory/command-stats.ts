/**
 * INFO commandstats as Redis 7.0 keeps them (server.c call() / rejectCommand /
 * incrCommandStatsOnError): per command or subcommand (`client|list`), the calls that ran and
 * their time, the calls refused before running (`rejected_calls`: arity, OOM, a write in a
 * read-only script…) and the calls that ran and answered an error (`failed_calls`). Commands
 * a script or EXEC runs count as their own calls. CONFIG RESETSTAT clears them. Counting is one
 * map lookup and a few additions per command: nothing is formatted until INFO asks.
 */

/** One command's counters. */
export interface CommandStat {
  calls: number;
  /** Microseconds, summed unrounded (INFO prints the integer part). */
  usec: number;
  rejected: number;
  failed: number;
}

export class CommandStats {
  private readonly byName = new Map<string, CommandStat>();

  /** The counters of `name` (lower-case, `container|sub` for a subcommand), created on first use. */
  of(name: string): CommandStat {
    let stat = this.byName.get(name);
    if (stat === undefined) this.byName.set(name, (stat = { calls: 0, usec: 0, rejected: 0, failed: 0 }));
    return stat;
  }

  /** A call of `name` ran for `usec` microseconds; `failed`: it answered an error. */
  ran(name: string, usec: number, failed: boolean): void {
    const stat = this.of(name);
    stat.calls++;
    stat.usec += usec;
    if (failed) stat.failed++;
  }

  /** A call of `name` was refused before it ran. */
  rejected(name: string): void {
    this.of(name).rejected++;
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    this.byName.clear();
  }

  /** INFO's `# Commandstats` section (commands never called, rejected or failed are left out, as in Redis). */
  section(): string {
    const lines = ["# Commandstats"];
    for (const name of [...this.byName.keys()].sort()) {
      const s = this.byName.get(name)!;
      if (s.calls === 0 && s.rejected === 0 && s.failed === 0) continue;
      const usec = Math.floor(s.usec);
      const perCall = s.calls === 0 ? 0 : usec / s.calls;
      lines.push(`cmdstat_${name}:calls=${s.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${s.rejected},failed_calls=${s.failed}`);
    }
    return lines.join("\r\n");
  }
}
