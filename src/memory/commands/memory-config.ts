/**
 * CONFIG GET/SET `maxmemory` and `maxmemory-policy` (maxmemory.ts), with Redis 7.0's parsing
 * and error texts. Setting a lower `maxmemory` evicts at once, as Redis does.
 */
import type { Engine } from "../engine";
import { MAXMEMORY_POLICIES, parseMemory, UNSUPPORTED_POLICIES } from "../maxmemory";
import { registerConfig } from "./config";

const REDIS_POLICIES = ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"];

/**
 * Registers `maxmemory` and `maxmemory-policy` with CONFIG. A call, not a bare import: the
 * package declares `sideEffects: false`, so a bundler drops side-effect-only imports.
 */
export function registerMemoryConfig(): void {
  registerConfig({
    names: ["maxmemory"],
    initial: 0,
    parse: (text) => parseMemory(text) ?? "argument must be a memory value",
    bind: {
      get: (engine: Engine) => String(engine.memory.limit),
      set: (engine: Engine, value: number) => {
        engine.memory.limit = value;
        engine.memory.enforce();
      },
    },
  });

  registerConfig({
    names: ["maxmemory-policy"],
    initial: 0,
    parse: (text) => {
      const name = text.toLowerCase();
      const index = MAXMEMORY_POLICIES.indexOf(name as (typeof MAXMEMORY_POLICIES)[number]);
      if (index >= 0) return index;
      if (UNSUPPORTED_POLICIES.includes(name)) return `the engine does not support '${name}' (supported: ${MAXMEMORY_POLICIES.join(", ")})`;
      return `argument(s) must be one of the following: ${REDIS_POLICIES.join(", ")}`;
    },
    bind: {
      get: (engine: Engine) => engine.memory.policy,
      set: (engine: Engine, value: number) => {
        engine.memory.policy = MAXMEMORY_POLICIES[value]!;
        engine.memory.enforce();
      },
    },
  });
}
