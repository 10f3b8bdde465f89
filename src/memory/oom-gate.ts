/**
 * Redis's maxmemory gate, for the engine: processCommand's check before a command runs, and
 * scriptVerifyOOM's for the commands a script runs (a script that started over the limit may
 * not begin writing; once it wrote it may finish).
 */
import type { ClientState } from "./command";
import { ErrorReply } from "./protocol";
import type { QueuedCall } from "./protocol";
import { commandName, DENYOOM, MULTI_CONTROL, OOM_ERROR, SCRIPT_COMMANDS } from "./maxmemory";
import type { Maxmemory } from "./maxmemory";

export class OomGate {
  /** Over maxmemory when the running script started (Redis's pre_command_oom_state), and whether it has written since. */
  private scriptStartedOom = false;
  private scriptWrote = false;

  constructor(private readonly memory: Maxmemory) {}

  /**
   * Over the limit, evict by the policy; if still over, a `denyoom` command (or an EXEC whose
   * queue holds one) answers OOM. A script is gated at its first write ({@link refusesScriptWrite}).
   */
  refuse(name: string, client: ClientState): ErrorReply | undefined {
    if (this.memory.limit <= 0) return undefined;
    if (SCRIPT_COMMANDS.has(name) && !client.multi) {
      this.beginScript();
      return undefined;
    }
    if (this.memory.enforce()) return undefined;
    // Inside MULTI every command but EXEC/DISCARD/QUIT/RESET is refused (queuing grows memory too), as in Redis 7.0.
    const queuing = client.multi !== null && !MULTI_CONTROL.has(name);
    const denyoom = queuing || DENYOOM.has(name) || (name === "exec" && client.multi?.some((q) => DENYOOM.has(Array.isArray(q) ? commandName(q as readonly Buffer[]) : (q as QueuedCall).name)) === true);
    return denyoom ? new ErrorReply(OOM_ERROR) : undefined;
  }

  /** A script starts: remember whether the engine is over maxmemory (after eviction) for its first write. */
  beginScript(): void {
    this.scriptStartedOom = this.memory.limit > 0 && !this.memory.enforce();
    this.scriptWrote = false;
  }

  /** True when a script's command `name` must answer OOM (its first write, the script having started over the limit). */
  refusesScriptWrite(name: string): boolean {
    if (!DENYOOM.has(name)) return false;
    if (this.scriptStartedOom && !this.scriptWrote && this.memory.limit > 0) return true;
    this.scriptWrote = true;
    return false;
  }
}
