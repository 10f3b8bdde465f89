/**
 * The validation and ARGV of one `Autocomplete.search` (see autocomplete-search.lua for what
 * the script reads): limit and offset, type filter, per-query boosts, the folded query words.
 */
import type { Arg } from "../command";
import { requireWellFormed } from "../validate";
import { MAX_SEARCH_LIMIT, MAX_SEARCH_WINDOW, checkFactor, checkType, invalid } from "./options";
import type { SearchOptions } from "./options";
import { MAX_TITLE_LENGTH, queryWords } from "./text";
import type { TextOptions } from "./text";

const BOOST_GROUPS = [["ids", "i"], ["types", "t"]] as const;

/** The script's ARGV for `phrase` (with the page asked for), or undefined when the phrase has no word (the answer is `[]`). */
export function searchArgs(tag: string, phrase: string, options: SearchOptions, text: TextOptions): { args: Arg[]; offset: number; limit: number } | undefined {
  if (typeof phrase !== "string") invalid("phrase", "must be a string");
  const limit = options.limit ?? 10;
  const offset = options.offset ?? 0;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    invalid("limit", `must be an integer in 1..${MAX_SEARCH_LIMIT}, got ${String(limit)}`);
  }
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) invalid("offset", `must be an integer ≥ 0, got ${String(offset)}`);
  if (offset + limit > MAX_SEARCH_WINDOW) invalid("offset", `offset + limit must be at most ${MAX_SEARCH_WINDOW}`);
  const types = options.types === undefined ? [] : options.types;
  if (!Array.isArray(types)) invalid("types", "must be an array of strings");
  for (let i = 0; i < types.length; i++) checkType(types[i], `types[${i}]`);
  const boosts: Arg[] = [];
  for (const [group, prefix] of options.boosts === undefined ? [] : BOOST_GROUPS) {
    const entries = options.boosts?.[group];
    if (entries === undefined) continue;
    if (typeof entries !== "object" || entries === null) invalid(`boosts.${group}`, "must be an object of factors");
    for (const [name, factor] of Object.entries(entries)) boosts.push(`${prefix}\0${requireWellFormed(`boosts.${group}`, name)}`, checkFactor(`boosts.${group}.${name}`, factor));
  }
  const words = queryWords(phrase.length > 4 * MAX_TITLE_LENGTH ? phrase.slice(0, 4 * MAX_TITLE_LENGTH) : phrase, text);
  if (words.length === 0) return undefined;
  const args: Arg[] = [tag, offset + limit, offset, options.fuzzy ? "1" : "0", words.length];
  for (const w of words) args.push(w);
  args.push(types.length);
  for (const t of types) args.push(t);
  args.push(boosts.length / 2);
  for (const b of boosts) args.push(b);
  return { args, offset, limit };
}
