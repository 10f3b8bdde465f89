/**
 * Full-text tokenizer (pure, no I/O). Text is NFKD-normalised, combining marks are stripped
 * (diacritic folding: "Crème Brûlée" → "creme brulee"), lower-cased, and split into words
 * of Unicode letters and digits; Han, Hiragana and Katakana characters are one token each
 * (no dictionary segmentation); words over 64 characters are skipped. Optional stopwords are dropped and an optional Snowball
 * stemmer (the `snowball-stemmers` package) reduces words to their stem.
 *
 * Ranking (done by the query script, src/models/lua/model-query.lua) is Okapi BM25 with
 * k1 = 1.2 and b = 0.75: for each query term t in a record d,
 * `idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl))` with
 * `idf(t) = ln(1 + (N − df + 0.5)/(df + 0.5))`, where N is the number of records with a
 * non-empty value in the field, df the records containing t, tf t's count in d, |d| d's
 * token count and avgdl the mean token count. A query matches records that contain EVERY
 * query term (AND); the score orders them, most relevant first.
 */
import { createRequire } from "node:module";

/** Tokenizer options of a `fullText` field. */
export interface FullTextOptions {
  /** A Snowball algorithm name (`"english"`, `"french"`, `"german"`, …) or `false` (default: no stemming). */
  readonly stemming?: string | false;
  /** Words to ignore (after folding): a list, `"english"` for a small built-in English list, or none (default). */
  readonly stopwords?: readonly string[] | "english";
}

/** A short English stopword list (opt-in with `stopwords: "english"`). */
export const ENGLISH_STOPWORDS: readonly string[] = [
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
  "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
];

interface Stemmer {
  stem(word: string): string;
}

const stemmers = new Map<string, Stemmer>();

interface Snowball {
  newStemmer(language: string): Stemmer;
  algorithms(): string[];
}

/** Loads the optional `snowball-stemmers` package (CJS `require` in the CJS build, createRequire in ESM). */
function loadSnowball(): Snowball {
  try {
    // ESM: import.meta.url is set; the CJS build leaves it undefined and has a real require.
    const url = (import.meta as { url?: string }).url;
    const load = typeof url === "string" ? createRequire(url) : require;
    return load("snowball-stemmers") as Snowball;
  } catch (error) {
    throw new RangeError(`stemming needs the optional package snowball-stemmers (npm install snowball-stemmers): ${(error as Error).message}`);
  }
}

/** The Snowball stemmer for `language` (loaded lazily from `snowball-stemmers`). */
export function stemmerFor(language: string): Stemmer {
  let stemmer = stemmers.get(language);
  if (!stemmer) {
    const lib = loadSnowball();
    if (!lib.algorithms().includes(language)) {
      throw new RangeError(`unknown stemming language ${JSON.stringify(language)}; one of ${lib.algorithms().join(", ")}`);
    }
    stemmer = lib.newStemmer(language);
    stemmers.set(language, stemmer);
  }
  return stemmer;
}

/** Lower-cases and strips diacritics: NFKD, drop combining marks, NFC. */
export function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase().normalize("NFC");
}

/** Longer words (base64 blobs, runaway input) are not indexed, so no posting key is huge. */
export const MAX_TERM_LENGTH = 64;

const WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}]+/gu;
const IDEOGRAPH = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;

/** A prepared tokenizer for one field's options. */
export class Tokenizer {
  private readonly stopwords: ReadonlySet<string>;
  private readonly stemmer: Stemmer | undefined;

  constructor(options: FullTextOptions = {}) {
    const list = options.stopwords === "english" ? ENGLISH_STOPWORDS : (options.stopwords ?? []);
    this.stopwords = new Set(list.map(fold));
    this.stemmer = options.stemming ? stemmerFor(options.stemming) : undefined;
  }

  /** The terms of `text`, in order, with repeats. */
  tokenize(text: string): string[] {
    const out: string[] = [];
    for (const match of fold(text).matchAll(WORD)) {
      let word = match[0];
      if (this.stopwords.has(word)) continue;
      if (this.stemmer && !IDEOGRAPH.test(word)) word = this.stemmer.stem(word);
      if (word !== "" && word.length <= MAX_TERM_LENGTH) out.push(word);
    }
    return out;
  }

  /**
   * The index entry of `text` as the save script stores it: `"<length> <term> <tf> …"`
   * (terms are whitespace-free by construction), or `""` for no terms.
   */
  entry(text: string): string {
    const terms = this.tokenize(text);
    if (terms.length === 0) return "";
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    return [String(terms.length), ...[...tf].flatMap(([t, n]) => [t, String(n)])].join(" ");
  }

  /** The distinct terms of a query string. */
  queryTerms(text: string): string[] {
    return [...new Set(this.tokenize(text))];
  }
}
