/**
 * Redis 7.0's function libraries as data (functions.c): the `#!lua name=<lib>` metadata line,
 * the set of libraries with its function index, and the rules FUNCTION LOAD and FUNCTION
 * RESTORE apply when names collide. The Lua side (compiling, registering) is function-host.ts.
 */
import { splitArgs } from "./shebang";
import type { RegisteredFunction } from "./function-register";

/** A loaded library. */
export interface Library {
  readonly name: string;
  /** The code as given, metadata line included (FUNCTION LIST WITHCODE, FUNCTION DUMP). */
  readonly code: Buffer;
  readonly functions: Map<string, RegisteredFunction>;
}

/** functionExtractLibMetaData: the engine, the name, and the code Lua compiles (from the line feed on, so lines keep their numbers). */
export function libraryMetadata(code: Buffer): { engine: string; name: string; body: Buffer } | string {
  if (code.length < 2 || code[0] !== 0x23 || code[1] !== 0x21) return "Missing library metadata";
  const end = code.indexOf(0x0a);
  if (end < 0) return "Invalid library metadata";
  const parts = splitArgs(code.toString("latin1", 0, end));
  if (!parts || parts.length === 0) return "Invalid library metadata";
  let name: string | undefined;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === "name=") {
      if (name !== undefined) return "Invalid metadata value, name argument was given multiple times";
      name = part.slice(5);
      continue;
    }
    return `Invalid metadata value given: ${part}`;
  }
  if (name === undefined) return "Library name was not given";
  return { engine: parts[0]!.slice(2), name, body: code.subarray(end) };
}

/** Libraries by name and their functions by name (functionsLibCtx). */
export class LibraryIndex {
  readonly libraries = new Map<string, Library>();
  /** By lower-case name: Redis's function index is case-insensitive (functionDictType), a library's own is not. */
  readonly functions = new Map<string, { fn: RegisteredFunction; lib: Library }>();

  link(lib: Library): void {
    this.libraries.set(lib.name, lib);
    for (const fn of lib.functions.values()) this.functions.set(fn.name.toLowerCase(), { fn, lib });
  }

  unlink(lib: Library): void {
    this.libraries.delete(lib.name);
    for (const name of lib.functions.keys()) this.functions.delete(name.toLowerCase());
  }

  /** The function named `name` (any case). */
  find(name: string): RegisteredFunction | undefined {
    return this.functions.get(name.toLowerCase())?.fn;
  }

  /** The first function of `lib` another library already has, if any. */
  collision(lib: Library): string | undefined {
    for (const name of lib.functions.keys()) if (this.functions.has(name.toLowerCase())) return name;
    return undefined;
  }

  /**
   * libraryJoin: moves every library of `from` in; with `replace` a same-named library is
   * replaced, else it aborts; a function name already taken aborts. On abort nothing changes.
   * Returns the error text, or the libraries replaced (for the caller to free).
   */
  join(from: LibraryIndex, replace: boolean): string | Library[] {
    const replaced: Library[] = [];
    for (const lib of from.libraries.values()) {
      const old = this.libraries.get(lib.name);
      if (!old) continue;
      if (!replace) return this.relink(replaced, `Library ${lib.name} already exists`);
      this.unlink(old);
      replaced.push(old);
    }
    for (const [key, { fn }] of from.functions) {
      if (this.functions.has(key)) return this.relink(replaced, `Function ${fn.name} already exists`);
    }
    for (const lib of from.libraries.values()) this.link(lib);
    from.libraries.clear();
    from.functions.clear();
    return replaced;
  }

  private relink(replaced: Library[], error: string): string {
    for (const lib of replaced) this.link(lib);
    return error;
  }
}
