/** narwhal's command arguments as GLIDE's `customCommand` takes them. */
import type { Arg } from "../command";

/** `args` (the command name first) as GLIDE strings: numbers as their decimal text, as ioredis sends them. */
export function glideArgs(args: readonly Arg[]): Array<string | Buffer> {
  const out: Array<string | Buffer> = new Array(args.length);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    out[i] = typeof a === "number" ? String(a) : a;
  }
  return out;
}
