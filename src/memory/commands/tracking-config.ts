/**
 * CONFIG GET/SET `tracking-table-max-keys` (Redis 7.0: a size_t, default 1,000,000, 0 = no
 * limit): the most keys CLIENT TRACKING remembers before it forgets (and invalidates) some
 * (tracking.ts, limitKeys).
 */
import type { Engine } from "../engine";
import { registerConfig } from "./config";
import { sizeT } from "./encoding-config";

/** Registers `tracking-table-max-keys` with CONFIG (a call: the package declares `sideEffects: false`). */
export function registerTrackingConfig(): void {
  registerConfig({
    names: ["tracking-table-max-keys"],
    initial: 1_000_000,
    parse: sizeT,
    bind: {
      get: (engine: Engine) => String(engine.tracking.maxKeys),
      set: (engine: Engine, value: number) => {
        engine.tracking.maxKeys = value;
      },
    },
  });
}
