/**
 * An autocomplete item on the wire and back: the ARGV of autocomplete-write's "A" operation
 * built from a validated item, and an {@link AutocompleteEntry} from the stored record
 * (`<tag>:d`'s value `score\0folded words\0title\0data`).
 */
import type { Arg } from "../command";
import type { Codec } from "../codec";
import { requireWellFormed } from "../validate";
import { checkId, checkType, invalid } from "./options";
import type { AutocompleteEntry, AutocompleteItem } from "./options";
import { MAX_TITLE_LENGTH, titleWords } from "./text";
import type { TextOptions } from "./text";

/** The stored key of an item: `type\0id`, both validated (ValidationError otherwise). */
export function itemKey(id: unknown, type: unknown): string {
  return `${checkType(type)}\0${checkId(id)}`;
}

/**
 * Validates `item` (ValidationError naming `path`) and encodes it into the ARGV of an "A"
 * operation: key, score, folded words, title, data ("" or "=" + the codec's text).
 */
export function encodeItem<Data>(item: AutocompleteItem<Data>, codec: Codec<Data>, text: TextOptions, path = "item"): Arg[] {
  if (typeof item !== "object" || item === null) invalid(path, "must be an object { id, title, score?, data?, type? }");
  const key = itemKey(item.id, item.type);
  const title = item.title;
  if (typeof title !== "string") invalid(`${path}.title`, "must be a string");
  if (title.length > MAX_TITLE_LENGTH) invalid(`${path}.title`, `must be at most ${MAX_TITLE_LENGTH} characters (got ${title.length})`);
  if (title.includes("\0")) invalid(`${path}.title`, "must not contain NUL");
  requireWellFormed(`${path}.title`, title); // stored as is: a lone surrogate would come back as U+FFFD
  const score = item.score ?? 0;
  if (typeof score !== "number" || !Number.isFinite(score)) invalid(`${path}.score`, `must be a finite number, got ${String(score)}`);
  const data = item.data === undefined ? "" : `=${codec.encode(item.data) as string}`;
  return ["A", key, String(score === 0 ? 0 : score), titleWords(title, text).join(" "), title, data];
}

/** The entry of stored item `key` (`type\0id`) whose record is `record`. */
export function decodeEntry<Data>(codec: Codec<Data>, key: string, record: string): AutocompleteEntry<Data> {
  const a = record.indexOf("\0");
  const b = record.indexOf("\0", a + 1);
  const c = record.indexOf("\0", b + 1);
  // record = "score\0words\0title\0" then "" (no data) or "=" + the encoded data
  const sep = key.indexOf("\0");
  return {
    id: key.slice(sep + 1),
    title: record.slice(b + 1, c),
    score: Number(record.slice(0, a)),
    data: c + 1 === record.length ? undefined : codec.decode(record.slice(c + 2)),
    type: key.slice(0, sep),
  };
}
