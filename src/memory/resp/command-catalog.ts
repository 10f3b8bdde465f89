/**
 * COMMAND, COMMAND COUNT / INFO / LIST [FILTERBY …] / GETKEYS / GETKEYSANDFLAGS for `narwhal
 * serve`, answered from redis-server 7.0.15's own command table (command-info.gen.ts, captured
 * by scripts/gen-command-info.mjs) restricted to the commands the server has, with Redis's
 * key-spec search (db.c getKeysUsingKeySpecs) and the getkeys procedures of the engine's
 * commands whose specs are incomplete or have variable flags (SET, BITFIELD, SORT, SORT_RO).
 * MONITOR reads the `admin` / `skip_monitor` flags here too.
 */
import { Buffer } from "node:buffer";
import { globMatch } from "../glob";
import { ErrorReply, MapReply, SetReply, StatusReply, type Reply } from "../protocol";
import { COMMAND_INFO_JSON } from "../command-info.gen";

/** The captured RESP3 reply: numbers, bulk strings, `{"+":s}` simple strings, `{"~":[…]}` sets, `{"%":[[k,v]…]}` maps. */
type Node = number | string | null | { "+": string } | { "~": Node[] } | { "%": Array<[Node, Node]> } | Node[];

interface KeySpec {
  readonly flags: readonly string[];
  readonly begin: { type: string; index?: number; keyword?: string; startfrom?: number };
  readonly find: { type: string; lastkey?: number; keystep?: number; limit?: number; keynumidx?: number; firstkey?: number };
}

/** One command (or subcommand) of Redis's table. */
export interface CommandMeta {
  readonly name: string;
  readonly arity: number;
  readonly flags: ReadonlySet<string>;
  readonly categories: ReadonlySet<string>;
  readonly specs: readonly KeySpec[];
  readonly subcommands: readonly CommandMeta[];
  readonly raw: Node[];
}

const items = (n: Node): Node[] => (Array.isArray(n) ? n : n !== null && typeof n === "object" && "~" in n ? n["~"] : []);
const text = (n: Node): string => (typeof n === "string" ? n : n !== null && typeof n === "object" && "+" in n ? n["+"] : "");
function fields(n: Node): Record<string, Node> {
  const out: Record<string, Node> = {};
  if (n !== null && typeof n === "object" && "%" in n) for (const [k, v] of n["%"]) out[text(k)] = v;
  return out;
}
function numbers(n: Node): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(fields(n))) out[k] = typeof v === "number" ? v : Number.NaN;
  const kw = fields(n).keyword;
  if (typeof kw === "string") (out as Record<string, unknown>).keyword = kw;
  return out;
}

function meta(raw: Node[]): CommandMeta {
  const specs = items(raw[8]!).map((s): KeySpec => {
    const f = fields(s);
    const begin = fields(f.begin_search!);
    const find = fields(f.find_keys!);
    return { flags: items(f.flags!).map(text), begin: { type: text(begin.type!), ...numbers(begin.spec!) }, find: { type: text(find.type!), ...numbers(find.spec!) } };
  });
  return {
    name: raw[0] as string,
    arity: raw[1] as number,
    flags: new Set(items(raw[2]!).map(text)),
    categories: new Set(items(raw[6]!).map(text)),
    specs,
    subcommands: items(raw[9]!).map((s) => meta(s as Node[])),
    raw,
  };
}

/** The Reply form of a captured node (RESP2 renders sets and maps as arrays, as Redis does). */
function toReply(n: Node): Reply {
  if (n === null || typeof n === "number") return n;
  if (typeof n === "string") return Buffer.from(n, "latin1");
  if (Array.isArray(n)) return n.map(toReply);
  if ("+" in n) return new StatusReply(n["+"]);
  if ("~" in n) return new SetReply(n["~"].map(toReply));
  return new MapReply(n["%"].map(([k, v]) => [toReply(k), toReply(v)] as const));
}

let table: ReadonlyMap<string, CommandMeta> | undefined;
/** Redis's whole table, decoded once on first use. */
function redisTable(): ReadonlyMap<string, CommandMeta> {
  table ??= new Map((JSON.parse(COMMAND_INFO_JSON) as Node[][]).map((raw) => [raw[0] as string, meta(raw)]));
  return table;
}

/** A key found by GETKEYS: its argument index and Redis's key-spec flags. */
interface FoundKey {
  readonly pos: number;
  readonly flags: readonly string[];
}

const RO_ACCESS = ["RO", "access"];
const OW_UPDATE = ["OW", "update"];
const RW_ACCESS_UPDATE = ["RW", "access", "update"];
const lower = (b: Buffer) => b.toString("latin1").toLowerCase();

/** db.c's getkeys procedures for the engine's commands whose key specs cannot answer alone. */
const GETKEYS_PROCS: Record<string, (argv: readonly Buffer[]) => FoundKey[]> = {
  set: (argv) => [{ pos: 1, flags: argv.slice(3).some((a) => lower(a) === "get") ? RW_ACCESS_UPDATE : OW_UPDATE }],
  bitfield: (argv) => {
    let readonly = true;
    for (let i = 2; i < argv.length; i++) {
      const rest = argv.length - i - 1;
      const arg = lower(argv[i]!);
      if (arg === "get" && rest >= 2) i += 2;
      else if ((arg === "set" || arg === "incrby") && rest >= 3) {
        readonly = false;
        break;
      } else if (arg === "overflow" && rest >= 1) i += 1;
      else {
        readonly = false; // a syntax error: safer to assume a write, as Redis does
        break;
      }
    }
    return [{ pos: 1, flags: readonly ? RO_ACCESS : RW_ACCESS_UPDATE }];
  },
  sort_ro: () => [{ pos: 1, flags: RO_ACCESS }],
  sort: (argv) => {
    const keys: FoundKey[] = [{ pos: 1, flags: RO_ACCESS }];
    let store: FoundKey | undefined;
    const skip: Record<string, number> = { limit: 2, get: 1, by: 1 };
    for (let i = 2; i < argv.length; i++) {
      const arg = lower(argv[i]!);
      if (skip[arg] !== undefined) i += skip[arg]!;
      else if (arg === "store" && i + 1 < argv.length) store = { pos: i + 1, flags: OW_UPDATE }; // the last STORE wins, as in SORT
    }
    if (store) keys.push(store);
    return keys;
  },
};

/** getKeysUsingKeySpecs: the keys, or undefined when a spec is invalid or incomplete (then the procedure answers). */
function keysBySpecs(cmd: CommandMeta, argv: readonly Buffer[]): FoundKey[] | undefined {
  const argc = argv.length;
  const found: FoundKey[] = [];
  for (const spec of cmd.specs) {
    if (spec.flags.includes("not_key")) continue;
    let first = 0;
    if (spec.begin.type === "index") first = spec.begin.index!;
    else if (spec.begin.type === "keyword") {
      const from = spec.begin.startfrom!;
      const start = from > 0 ? from : argc + from;
      const end = from > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (lower(argv[i]!) === spec.begin.keyword!.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (!first) continue;
    } else return undefined;
    let last: number;
    let step: number;
    if (spec.find.type === "range") {
      step = spec.find.keystep!;
      const lastkey = spec.find.lastkey!;
      if (lastkey >= 0) last = first + lastkey;
      else if (!spec.find.limit) last = argc + lastkey;
      else last = first + (Math.trunc((argc - first) / spec.find.limit) + lastkey);
    } else if (spec.find.type === "keynum") {
      step = spec.find.keystep!;
      if (spec.find.keynumidx! >= argc) return undefined;
      const raw = argv[first + spec.find.keynumidx!]?.toString("latin1") ?? "";
      if (!/^(0|-?[1-9]\d*)$/.test(raw) || Number(raw) < 0) return undefined;
      first += spec.find.firstkey!;
      last = first + Number(raw) - 1;
    } else return undefined;
    if (last >= argc || last < first || first >= argc) return undefined;
    for (let i = first; i <= last; i += step) found.push({ pos: i, flags: spec.flags });
    if (spec.flags.includes("incomplete")) return undefined;
  }
  return found;
}

/** The commands (names, lower-case) a server has: COMMAND answers for these only. */
export class CommandCatalog {
  private readonly known: CommandMeta[];
  private readonly byName: ReadonlyMap<string, CommandMeta>;

  constructor(has: (name: string) => boolean) {
    this.known = [...redisTable().values()].filter((c) => has(c.name));
    this.byName = new Map(this.known.map((c) => [c.name, c]));
  }

  /** The command or `container|sub` named `name` (any case), if the server has it. */
  lookup(name: string): CommandMeta | undefined {
    const [top, sub, extra] = name.toLowerCase().split("|");
    const cmd = this.byName.get(top!);
    if (!cmd || extra !== undefined) return undefined;
    return sub === undefined ? cmd : cmd.subcommands.find((s) => s.name === `${top}|${sub}`);
  }

  /** MONITOR hides `admin` commands (CONFIG, CLIENT LIST…); `skip_monitor` ones (EVAL, FCALL) the engine feeds before they run. */
  hiddenFromMonitor(name: string, sub: Buffer | undefined): boolean {
    let cmd = this.lookup(name);
    if (cmd && cmd.subcommands.length > 0 && sub) cmd = cmd.subcommands.find((s) => s.name === `${name}|${lower(sub)}`) ?? cmd;
    return cmd !== undefined && cmd.flags.has("admin");
  }

  /** COMMAND and its subcommands. */
  command(argv: readonly Buffer[]): Reply {
    if (argv.length === 1) return this.known.map((c) => toReply(c.raw));
    const sub = lower(argv[1]!);
    switch (sub) {
      case "count":
        return argv.length === 2 ? this.known.length : wrongArity("command|count");
      case "info":
        return argv.length === 2 ? this.known.map((c) => toReply(c.raw)) : argv.slice(2).map((a) => {
          const c = this.lookup(a.toString("latin1"));
          return c ? toReply(c.raw) : null;
        });
      case "list":
        return this.list(argv);
      case "getkeys":
      case "getkeysandflags":
        return argv.length < 4 ? wrongArity(`command|${sub}`) : this.getKeys(argv.slice(2), sub === "getkeysandflags");
      case "docs":
        return new MapReply([]);
      default:
        return new ErrorReply(`ERR unknown subcommand '${argv[1]!.toString("latin1").slice(0, 128)}'. Try COMMAND HELP.`);
    }
  }

  private list(argv: readonly Buffer[]): Reply {
    let filter: ((c: CommandMeta) => boolean) | undefined;
    for (let i = 2; i < argv.length; i++) {
      if (lower(argv[i]!) !== "filterby" || argv.length - 1 - i !== 2) return new ErrorReply("ERR syntax error");
      const kind = lower(argv[i + 1]!);
      const arg = argv[i + 2]!;
      if (kind === "module") filter = () => false; // no modules
      else if (kind === "aclcat") filter = (c) => c.categories.has(`@${lower(arg)}`);
      else if (kind === "pattern") filter = (c) => globMatch(arg, Buffer.from(c.name, "latin1"), true);
      else return new ErrorReply("ERR syntax error");
      i += 2;
    }
    const names: Buffer[] = [];
    const walk = (c: CommandMeta) => {
      if (!filter || filter(c)) names.push(Buffer.from(c.name, "latin1"));
      c.subcommands.forEach(walk);
    };
    this.known.forEach(walk);
    return names;
  }

  /** COMMAND GETKEYS / GETKEYSANDFLAGS (server.c getKeysSubcommandImpl). */
  private getKeys(argv: readonly Buffer[], withFlags: boolean): Reply {
    let cmd = this.lookup(argv[0]!.toString("latin1"));
    // As lookupCommand: a container alone is itself, with an unknown subcommand nothing.
    if (cmd && cmd.subcommands.length > 0 && argv.length > 1) cmd = cmd.subcommands.find((s) => s.name === `${cmd!.name}|${lower(argv[1]!)}`);
    if (!cmd) return new ErrorReply("ERR Invalid command specified");
    const proc = GETKEYS_PROCS[cmd.name];
    const hasKeySpec = cmd.specs.some((s) => !s.flags.includes("not_key"));
    if (!proc && !hasKeySpec) return new ErrorReply("ERR The command has no key arguments");
    if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) return new ErrorReply("ERR Invalid number of arguments specified for command");
    const varFlags = cmd.specs.some((s) => s.flags.includes("variable_flags"));
    let keys = hasKeySpec && !varFlags ? keysBySpecs(cmd, argv) : undefined;
    if (keys === undefined) keys = proc ? proc(argv) : [];
    if (keys.length === 0) return cmd.flags.has("no_mandatory_keys") ? [] : new ErrorReply("ERR Invalid arguments specified for command");
    return keys.map((k) => (withFlags ? [argv[k.pos]!, new SetReply(k.flags.map((f) => new StatusReply(f)))] : argv[k.pos]!));
  }
}

const wrongArity = (name: string) => new ErrorReply(`ERR wrong number of arguments for '${name}' command`);
