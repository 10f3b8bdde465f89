/**
 * Runs one compiled script so that a long one cannot hang the process, Redis 7.0's model in a
 * single-threaded JavaScript host:
 *
 * - The script runs in a Lua coroutine (one thread, reused while scripts end normally). A
 *   count hook looks at the clock every {@link HOOK_EVERY} instructions.
 * - Under the busy threshold (`lua-time-limit`, 5 s by default) nothing changes: the script
 *   runs to its end synchronously, as fast as before.
 * - Past it, the hook yields the coroutine; the run becomes a promise that resumes the script
 *   after the event loop has served I/O (setImmediate). Meanwhile the engine answers other
 *   clients BUSY (commands/script-busy.ts), SCRIPT KILL can reach {@link ScriptRun.kill}, and
 *   signal handlers (SIGTERM) run.
 * - A kill cannot be caught: once killed, the hook fires on every instruction of every
 *   coroutine it runs in and raises again (Redis sets its hook to every line), so `pcall` and
 *   `coroutine.resume` only delay the end by one instruction.
 * - Where the coroutine cannot yield (a synchronous caller such as EXEC, or Lua code called
 *   from a JS library function: a `table.sort` comparator, a `string.gsub` callback, a
 *   coroutine the script created), the script gets `hardLimitMs` without an event-loop turn,
 *   then is killed the same uncatchable way.
 */
import { lauxlib, lua, type LuaState } from "./fengari-instance";
import { pushErrorTable } from "./convert";

/** Instructions between two clock checks: ~1 ms of fengari, far below any threshold. */
export const HOOK_EVERY = 100_000;

/**
 * Told when a script stops letting the event loop turn past its busy threshold (`true`: Lua
 * code under a JS library call such as a `table.sort` comparator, a script's own coroutine, or
 * a synchronous run inside EXEC, none of which can yield) and when it lets it turn again or
 * ends (`false`). Signal handlers cannot run meanwhile: `narwhal serve` uses this to let
 * SIGTERM/SIGINT take their default action (end the process) for that stretch.
 */
export type StallListener = (stalled: boolean) => void;

/** How one run may behave. */
export interface RunOptions {
  /** The caller needs the reply now (EXEC, a direct host call): never yields. */
  readonly sync?: boolean;
  /** `lua-time-limit`: after this long the script yields to the event loop between hook ticks (0: never). Default 5000. */
  readonly busyAfterMs?: number;
}

/** How a finished run left the thread: `ok` with the result on top, or the error object on top. */
export interface RunResult {
  readonly T: LuaState;
  readonly ok: boolean;
  /** Set when the run was killed (SCRIPT KILL, the hard limit): the error reply text. */
  readonly killed: string | null;
}

/** A run that went past the busy threshold: settles when the script ends; `kill` ends it early. */
export interface ScriptRun extends Promise<RunResult> {
  kill(reason: string): void;
}

export const SCRIPT_KILLED = "ERR Script killed by user with SCRIPT KILL...";

export class ScriptRunner {
  private T: LuaState | null = null;
  private threadRef = 0;
  private killReason: string | null = null;
  private yieldFrom: LuaState | null = null;
  private busyAt = Infinity;
  private hardAt = Infinity;
  private hookYielded = false;
  /** When the run stops letting the event loop turn (Lua under a JS library call, or a synchronous run): see {@link StallListener}. */
  private stallAt = Infinity;
  private stalled = false;
  private fnRef = 0;
  private handlerRef = 0;
  /** Pushes the function's arguments (FCALL's keys and args tables), returns how many. */
  private pushArgs: ((T: LuaState) => number) | undefined;
  /** What the thread runs: the script under its error handler, yieldable (lua_pcallk). */
  private readonly body = (T: LuaState): number => {
    lua.lua_rawgeti(T, lua.LUA_REGISTRYINDEX, this.handlerRef);
    lua.lua_rawgeti(T, lua.LUA_REGISTRYINDEX, this.fnRef);
    const nargs = this.pushArgs ? this.pushArgs(T) : 0;
    return finish(T, lua.lua_pcallk(T, nargs, 1, 1, 0, finish));
  };

  constructor(
    private readonly L: LuaState,
    private readonly hardLimitMs: number,
    private readonly onStall?: StallListener,
  ) {
    // Set on the main state: every thread created afterwards (ours, the script's coroutines) inherits it.
    lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, HOOK_EVERY);
  }

  private readonly hook = (L: LuaState): void => {
    if (this.killReason !== null) return this.raiseKill(L);
    const now = Date.now();
    if (now < this.busyAt && now < this.stallAt) return;
    if (now >= this.busyAt && L === this.yieldFrom && lua.lua_isyieldable(L)) {
      this.hookYielded = true;
      lua.lua_yield(L, 0);
      return;
    }
    if (!this.stalled && now >= this.stallAt) {
      this.stalled = true;
      this.onStall?.(true);
    }
    if (now >= this.hardAt) {
      this.killReason = `ERR Script killed: it ran ${this.hardLimitMs} ms without letting the server serve other clients (narwhal's hard limit)`;
      this.raiseKill(L);
    }
  };

  private raiseKill(L: LuaState): void {
    lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, 1);
    // Also the script's main thread, should the kill land in a coroutine that resume() catches.
    if (this.T && this.T !== L) lua.lua_sethook(this.T, this.hook, lua.LUA_MASKCOUNT, 1);
    pushErrorTable(L, `-${this.killReason!}`);
    lua.lua_error(L);
  }

  /** The thread scripts run on: reused after a normal end, replaced after an error or a kill. */
  private thread(): LuaState {
    if (this.T && lua.lua_status(this.T) === lua.LUA_OK) return this.T;
    if (this.T) lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, this.threadRef);
    this.T = lua.lua_newthread(this.L);
    this.threadRef = lauxlib.luaL_ref(this.L, lua.LUA_REGISTRYINDEX);
    return this.T;
  }

  /**
   * Runs the function at registry `fnRef` with the error handler at registry `handlerRef`;
   * a result now, or a {@link ScriptRun} once the script went past the busy threshold.
   */
  run(fnRef: number, handlerRef: number, options: RunOptions = {}, pushArgs?: (T: LuaState) => number): RunResult | ScriptRun {
    const T = this.thread();
    lua.lua_settop(T, 0);
    this.fnRef = fnRef;
    this.handlerRef = handlerRef;
    this.pushArgs = pushArgs;
    lua.lua_pushjsfunction(T, this.body);
    const start = Date.now();
    this.killReason = null;
    this.yieldFrom = options.sync ? null : T;
    // lua-time-limit 0 turns the busy state off, as in Redis: the script then never yields.
    const busyAfter = options.busyAfterMs === 0 ? Infinity : (options.busyAfterMs ?? 5000);
    this.busyAt = options.sync ? start + this.hardLimitMs : start + busyAfter;
    this.stallAt = this.onStall ? start + (Number.isFinite(busyAfter) ? busyAfter : 5000) : Infinity;
    this.hardAt = start + this.hardLimitMs;
    const first = this.step(T);
    if (first) return first;
    let kill: (reason: string) => void = () => undefined;
    const run = new Promise<RunResult>((resolve) => {
      const resume = () => {
        // An event-loop turn has passed: the hard limit counts from here again.
        this.hardAt = Date.now() + this.hardLimitMs;
        const done = this.step(T);
        if (done) resolve(done);
        else setImmediate(resume);
      };
      kill = (reason) => {
        if (this.killReason === null) this.killReason = reason;
      };
      setImmediate(resume);
    }) as ScriptRun;
    run.kill = (reason) => kill(reason);
    return run;
  }

  /** Resumes the thread once; the result when the script ended, undefined when it yielded to the event loop. */
  private step(T: LuaState): RunResult | undefined {
    this.hookYielded = false;
    let status: number;
    try {
      status = lua.lua_resume(T, this.L, 0);
    } finally {
      if (this.stalled) {
        this.stalled = false;
        this.onStall?.(false);
      }
    }
    if (status === lua.LUA_YIELD && this.hookYielded) return undefined;
    const killed = this.killReason;
    this.busyAt = this.hardAt = this.stallAt = Infinity;
    this.yieldFrom = null;
    if (status === lua.LUA_YIELD) {
      // The script's own coroutine.yield outside any coroutine of its own: Lua 5.1's error.
      lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, this.threadRef);
      this.T = null; // abandon the suspended thread
      lua.lua_settop(this.L, 0);
      pushErrorTable(this.L, "attempt to yield across metamethod/C-call boundary");
      return { T: this.L, ok: false, killed };
    }
    if (status !== lua.LUA_OK) return { T, ok: false, killed };
    const ok = lua.lua_toboolean(T, -1);
    lua.lua_pop(T, 1);
    return { T, ok, killed };
  }
}

/** The runner's pcall continuation: leaves `result, true` or `error, false`. */
function finish(L: LuaState, status: number): number {
  lua.lua_pushboolean(L, status === lua.LUA_OK || status === lua.LUA_YIELD);
  return 2;
}
