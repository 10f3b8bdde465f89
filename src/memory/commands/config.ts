/**
 * CONFIG GET / CONFIG SET for the engine's own settings, by Redis's names and defaults. Each
 * family registers its parameters here ({@link registerConfig}); for now the scripting ones:
 * `lua-time-limit` and its Redis 7 alias `busy-reply-threshold` (ms, default 5000), after which
 * a running script lets other clients in (they get BUSY) and SCRIPT KILL can end it.
 */
import type { Ctx } from "../command";
import { command } from "../command";
import type { Engine } from "../engine";
import { fail } from "../errors";
import { globMatch } from "../glob";
import { StatusReply, type Reply } from "../protocol";

/** One setting: its value is kept per engine. */
interface ConfigParameter {
  readonly names: readonly string[];
  readonly initial: number;
  /** A parsed value, or an error text (without the "ERR" prefix) when invalid. */
  parse(text: string): number | string;
  /** When present, the value lives on the engine (maxmemory…): CONFIG GET reads its text, CONFIG SET stores the parsed value there. */
  readonly bind?: { get(engine: Engine): string; set(engine: Engine, value: number): void };
}

const parameters: ConfigParameter[] = [];
const values = new WeakMap<Engine, Map<ConfigParameter, number>>();

/** Adds a numeric parameter (several names share one value: aliases). */
export function registerConfig(parameter: ConfigParameter): void {
  parameters.push(parameter);
}

function find(name: string): ConfigParameter | undefined {
  return parameters.find((p) => p.names.includes(name));
}

/** The current value of parameter `name` for `engine`. */
export function configValue(engine: Engine, name: string): number {
  const p = find(name);
  if (!p) throw new Error(`narwhal: unknown config parameter ${name}`);
  return values.get(engine)?.get(p) ?? p.initial;
}

function set(engine: Engine, p: ConfigParameter, value: number): void {
  if (p.bind) return p.bind.set(engine, value);
  let map = values.get(engine);
  if (!map) values.set(engine, (map = new Map()));
  map.set(p, value);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Redis's numeric config parsing (string2ll, then the bounds check), with its two error texts. */
const nonNegativeMs = (text: string): number | string => {
  const n = /^-?[1-9]\d*$|^0$/.test(text) ? BigInt(text) : undefined;
  if (n === undefined || n < INT64_MIN || n > INT64_MAX) return "argument couldn't be parsed into an integer";
  return n < 0n ? "argument must be between 0 and 9223372036854775807 inclusive" : Number(n);
};

registerConfig({ names: ["lua-time-limit", "busy-reply-threshold"], initial: 5000, parse: nonNegativeMs });

function configGet(ctx: Ctx): Reply {
  const out: Buffer[] = [];
  for (const pattern of ctx.argv.slice(2).map((a) => a.toString("latin1").toLowerCase())) {
    for (const p of parameters) {
      for (const name of p.names) {
        if (globMatch(Buffer.from(pattern), Buffer.from(name), true) && !out.some((b) => b.toString() === name)) out.push(Buffer.from(name), Buffer.from(p.bind ? p.bind.get(ctx.engine) : String(configValue(ctx.engine, name))));
      }
    }
  }
  return out;
}

function configSet(ctx: Ctx): Reply {
  const args = ctx.argv.slice(2);
  if (args.length % 2 !== 0) fail("ERR wrong number of arguments for 'config|set' command");
  const changes: Array<[ConfigParameter, number]> = [];
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!.toString("latin1").toLowerCase();
    const p = find(name);
    if (!p) fail(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`);
    const value = p.parse(args[i + 1]!.toString("latin1"));
    if (typeof value === "string") fail(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${value}`);
    changes.push([p, value]);
  }
  for (const [p, value] of changes) set(ctx.engine, p, value);
  return new StatusReply("OK");
}

export const configCommands = [
  command("config", -2, () => null, {
    noscript: true,
    subcommands: [command("config|get", -3, configGet), command("config|set", -4, configSet), command("config|resetstat", 2, (ctx) => (ctx.engine.commandStats.reset(), new StatusReply("OK")))],
  }),
];
