/**
 * The engine's command table: finds a command (or a container's subcommand, `script|load`)
 * and checks its arity, with Redis 7.0's error texts for unknown commands, unknown
 * subcommands and wrong argument counts.
 */
import type { CommandSpec } from "./command";
import { commandName } from "./command-name";
import { WRONG_ARITY } from "./errors";
import { ErrorReply } from "./protocol";

export class CommandTable {
  private readonly table = new Map<string, CommandSpec>();

  constructor(specs: readonly CommandSpec[]) {
    for (const spec of specs) this.table.set(spec.name, spec);
  }

  /** The top-level spec named `name` (lower-case), if any. */
  get(name: string): CommandSpec | undefined {
    return this.table.get(name);
  }

  /** Names of every top-level command. */
  names(): string[] {
    return [...this.table.keys()];
  }

  /** Finds the command (or subcommand) of `argv` and checks its arity. */
  resolve(argv: readonly Buffer[]): CommandSpec | ErrorReply {
    const nameArg = argv[0];
    if (nameArg === undefined) return new ErrorReply("ERR unknown command '', with args beginning with: ");
    const spec = this.table.get(commandName(nameArg));
    if (!spec) {
      let args = "";
      for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${argv[i]!.toString("latin1").slice(0, 128 - args.length)}' `;
      return errorReply(`ERR unknown command '${nameArg.toString("latin1").slice(0, 128)}', with args beginning with: ${args}`);
    }
    if (spec.subcommands) {
      if (argv.length < 2) return new ErrorReply(WRONG_ARITY(spec.name));
      const subName = argv[1]!.toString("latin1").toLowerCase();
      const sub = spec.subcommands.find((s) => s.name === `${spec.name}|${subName}`);
      if (!sub) return errorReply(`ERR unknown subcommand '${argv[1]!.toString("latin1").slice(0, 128)}'. Try ${spec.name.toUpperCase()} HELP.`);
      return arityOk(sub, argv.length) ? sub : new ErrorReply(WRONG_ARITY(sub.name));
    }
    return arityOk(spec, argv.length) ? spec : new ErrorReply(WRONG_ARITY(spec.name));
  }
}

function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity >= 0 ? argc === spec.arity : argc >= -spec.arity;
}

/** Redis replaces CR/LF in error texts with spaces. */
function errorReply(message: string): ErrorReply {
  return new ErrorReply(message.replace(/[\r\n]/g, " "));
}
