/**
 * CONFIG GET/SET `notify-keyspace-events` (notify.ts), with Redis 7.0's validation and error
 * text, and its normalised CONFIG GET answer (`KA` reads back as `AK`).
 */
import type { Engine } from "../engine";
import { keyspaceEventsToFlags, keyspaceEventsToString } from "../notify";
import { registerConfig } from "./config";

/** Registers `notify-keyspace-events` with CONFIG (a call: the package declares `sideEffects: false`). */
export function registerNotifyConfig(): void {
  registerConfig({
    names: ["notify-keyspace-events"],
    initial: 0,
    parse: (text) => {
      const flags = keyspaceEventsToFlags(text);
      return flags === -1 ? "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." : flags;
    },
    bind: {
      get: (engine: Engine) => keyspaceEventsToString(engine.notifier.flags),
      set: (engine: Engine, value: number) => {
        engine.notifier.flags = value;
      },
    },
  });
}
