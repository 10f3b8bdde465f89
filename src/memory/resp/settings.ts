/**
 * The server-level settings of `narwhal serve` that Redis also has, with Redis's names and
 * defaults: `requirepass`, `protected-mode`, `proto-max-bulk-len`, `client-output-buffer-limit`.
 * One mutable object per server, so CONFIG SET changes what every connection sees.
 */
import { Password } from "./auth";
import { DEFAULT_OUTPUT_LIMITS, type OutputLimits } from "./output-limits";
import { DEFAULT_PROTO_MAX_BULK_LEN } from "./parser";

/** The options as `startServer` and the CLI take them. */
export interface ServeSettingsOptions {
  /** `requirepass`: clients must AUTH (or HELLO … AUTH default <pw>) first. Empty or absent: no password. */
  requirepass?: string;
  /** `protected-mode` (default true): with no password, clients from non-loopback addresses are refused. */
  protectedMode?: boolean;
  /** `proto-max-bulk-len` (default 512 MB): the largest bulk argument a client may send. */
  protoMaxBulkLen?: number;
  /** `client-output-buffer-limit` (default normal 0 0 0, pubsub 32mb 8mb 60). */
  clientOutputBufferLimit?: OutputLimits;
}

export class ServeSettings {
  readonly password: Password;
  protectedMode: boolean;
  protoMaxBulkLen: number;
  outputLimits: OutputLimits;

  constructor(options: ServeSettingsOptions = {}) {
    this.password = new Password(options.requirepass);
    this.protectedMode = options.protectedMode ?? true;
    this.protoMaxBulkLen = options.protoMaxBulkLen ?? DEFAULT_PROTO_MAX_BULK_LEN;
    this.outputLimits = options.clientOutputBufferLimit ?? DEFAULT_OUTPUT_LIMITS;
  }
}
