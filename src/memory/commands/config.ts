/**
 * CONFIG GET / CONFIG SET for the engine's own settings, by Redis's names and defaults. Each
 * family registers its parameters here ({@link registerConfig}): the scripting ones here,
 * `lua-time-limit` and its Redis 7 alias `busy-reply-threshold` (ms, default 5000), after which
 * a running script lets other clients in (they get BUSY) and SCRIPT KILL can end it; maxmemory
 * (memory-config.ts); the encoding thresholds (encoding-config.ts).
 */
import { Buffer } from "node:buffer";
import type { Ctx } from "../command";
import { command } from "../command";
import type { Engine } from "../engine";
import { fail, SYNTAX } from "../errors";
import { globMatch } from "../glob";
import { MapReply, StatusReply, type Reply } from "../protocol";

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

/**
 * CONFIG GET pattern [pattern …], as Redis 7.0: a name without glob characters is looked up
 * (case-insensitively) and answered under the name as given; a pattern matches every name,
 * aliases included. Each parameter name is answered once. A map in RESP3.
 */
function configGet(ctx: Ctx): Reply {
  const out: Array<[Buffer, Buffer]> = [];
  const seen = new Set<string>();
  const add = (reported: string, name: string, p: ConfigParameter) => {
    seen.add(name);
    out.push([Buffer.from(reported, "latin1"), Buffer.from(p.bind ? p.bind.get(ctx.engine) : String(configValue(ctx.engine, name)))]);
  };
  for (const arg of ctx.argv.slice(2)) {
    const given = arg.toString("latin1");
    if (!/[[*?]/.test(given)) {
      const name = given.toLowerCase();
      const p = find(name);
      if (p && !seen.has(name)) add(given, name, p);
      continue;
    }
    for (const p of parameters) {
      for (const name of p.names) if (!seen.has(name) && globMatch(arg, Buffer.from(name), true)) add(name, name, p);
    }
  }
  return new MapReply(out);
}

/**
 * CONFIG SET name value [name value …], atomic as Redis 7.0's: every name is looked up first
 * (the first unknown or repeated one fails the call, named as given; an alias and its parameter
 * are different names, the later wins), then every value is parsed (the first invalid one fails,
 * named as matched); only then are they all applied.
 */
function configSet(ctx: Ctx): Reply {
  const args = ctx.argv.slice(2);
  if (args.length % 2 !== 0) fail(SYNTAX);
  const named: Array<{ p: ConfigParameter; name: string; text: string }> = [];
  for (let i = 0; i < args.length; i += 2) {
    const given = args[i]!.toString("latin1");
    const name = given.toLowerCase();
    const p = find(name);
    if (!p) fail(`ERR Unknown option or number of arguments for CONFIG SET - '${given}'`);
    if (named.some((n) => n.name === name)) fail(`ERR CONFIG SET failed (possibly related to argument '${given}') - duplicate parameter`);
    named.push({ p, name, text: args[i + 1]!.toString("latin1") });
  }
  const changes: Array<[ConfigParameter, number]> = [];
  for (const { p, name, text } of named) {
    const value = p.parse(text);
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
