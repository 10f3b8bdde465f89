/**
 * Text handling of the autocomplete engine: normalisation, folding and tokenisation. Pure
 * functions, no I/O; the Lua scripts only ever see the folded words produced here.
 *
 * Folding (both titles and queries go through {@link fold}):
 * - a few letters that Unicode does not decompose are spelled out first: ß/ẞ → ss, æ → ae,
 *   œ → oe, ø → o, ł → l, đ/ð → d, þ → th, ħ → h, ı → i, ŀ → l, ŧ → t (upper case too);
 * - Unicode lower-casing (`toLowerCase`, locale independent);
 * - NFKD (compatibility forms: full-width "Ｔｏｋｙｏ", ligatures "ﬁ", superscripts), then the
 *   combining marks on Latin, Greek and Cyrillic letters are dropped ("são" → "sao",
 *   "zürich" → "zurich", "ё" → "е") while marks of other scripts (Devanagari vowel signs,
 *   kana voicing, …) are kept, because there they change the letter; finally NFC.
 *
 * Tokenisation: a word is a run of letters, digits, marks or emoji (`\p{Extended_Pictographic}`,
 * ZWJ sequences included). Everything else (spaces, punctuation, hyphens, symbols, control
 * characters) separates words: "Saint-Jean-de-Luz" → saint, jean, de, luz.
 * - Apostrophes inside a word (' ’ ʼ ` ´) are removed for the query ("o'hare" → "ohare"); a
 *   title indexes the joined word and its parts, so "ohare", "o'hare" and "hare" all find
 *   "O'Hare", and "aquila" finds "L'Aquila".
 * - CJK (Han, Hiragana, Katakana, Hangul) has no spaces, so a run of CJK characters is split
 *   from neighbouring Latin text and indexed as the run plus each of its suffixes (a word
 *   starting at every character, up to {@link MAX_CJK_STARTS} starts): any substring typed from
 *   its beginning finds it ("東京" and "京都" both find "東京都"). A CJK run in a query is one word.
 * - Emoji count as letters: "🍕" finds "Pizza 🍕 Place".
 * - Words longer than {@link MAX_WORD_CHARS} characters are cut (in titles and queries alike);
 *   a title yields at most {@link MAX_TITLE_WORDS} words.
 * - No stopwords by default; {@link TextOptions.stopwords} removes words from titles and from
 *   every query word but the last (which may still be growing: "the" → "theater").
 */

/** Longest title accepted by `add`, in UTF-16 code units (a longer one is a `ValidationError`). */
export const MAX_TITLE_LENGTH = 512;
/** Indexed and query words are cut to this many characters (code points). */
export const MAX_WORD_CHARS = 48;
/** A title indexes at most this many words (after expansion). */
export const MAX_TITLE_WORDS = 64;
/** A run of CJK characters is indexed from at most this many starting positions. */
export const MAX_CJK_STARTS = 16;

const SPECIAL: Record<string, string> = {
  ß: "ss", ẞ: "ss", æ: "ae", Æ: "ae", œ: "oe", Œ: "oe", ø: "o", Ø: "o", ł: "l", Ł: "l",
  đ: "d", Đ: "d", ð: "d", Ð: "d", þ: "th", Þ: "th", ħ: "h", Ħ: "h", ı: "i", ŀ: "l", Ŀ: "l", ŧ: "t", Ŧ: "t",
};
const SPECIAL_RE = /[ßẞæÆœŒøØłŁđĐðÐþÞħĦıŀĿŧŦ]/g;
const FOLDED_MARKS_RE = /(?<=[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]\p{M}*)\p{M}+/gu;
const WORD_CHAR = "\\p{L}\\p{N}\\p{M}\\p{Extended_Pictographic}\\u200D";
const APOSTROPHES = "'’ʼ`´";
const TOKEN_RE = new RegExp(`[${WORD_CHAR}]+(?:[${APOSTROPHES}][${WORD_CHAR}]+)*`, "gu");
const APOSTROPHE_RE = new RegExp(`[${APOSTROPHES}]`, "gu");
const CJK_RUN_RE = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー々〆]+)/u;
const ASCII_SIMPLE = /^[\x20-\x7e]*$/;
const MARKS_RE = /\p{M}/gu;
const OTHER_SCRIPT_LETTER_RE = /[^\P{L}\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]/u;

/** Options shared by indexing and querying. */
export interface TextOptions {
  /** Words (any case or accents) never indexed and ignored in queries except as the last, growing word. */
  readonly stopwords?: ReadonlySet<string>;
}

/** Lower-cases and folds diacritics and compatibility forms; keeps everything else (see the module doc). */
export function fold(text: string): string {
  if (ASCII_SIMPLE.test(text)) return text.toLowerCase();
  const decomposed = text
    .replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c)
    .toLowerCase()
    .normalize("NFKD");
  // Fast path: only Latin/Greek/Cyrillic letters, so every mark goes.
  const stripped = OTHER_SCRIPT_LETTER_RE.test(decomposed) ? decomposed.replace(FOLDED_MARKS_RE, "") : decomposed.replace(MARKS_RE, "");
  return stripped.normalize("NFC");
}

function cut(word: string): string {
  if (word.length <= MAX_WORD_CHARS) return word;
  return Array.from(word).slice(0, MAX_WORD_CHARS).join("");
}

const ASCII_TOKEN_RE = /[a-z0-9]+(?:['`][a-z0-9]+)*/g;
const HAS_CJK_RE = new RegExp(CJK_RUN_RE.source, "u");

/** The tokens of folded text: words (apostrophes kept) and CJK runs. */
function tokens(folded: string): Array<{ text: string; cjk: boolean }> {
  if (ASCII_SIMPLE.test(folded)) return Array.from(folded.matchAll(ASCII_TOKEN_RE), (m) => ({ text: m[0], cjk: false }));
  const out: Array<{ text: string; cjk: boolean }> = [];
  for (const m of folded.matchAll(TOKEN_RE)) {
    if (HAS_CJK_RE.test(m[0])) out.push(...splitCjk(m[0]));
    else out.push({ text: m[0], cjk: false });
  }
  return out;
}

/** Splits a folded token into its CJK runs and the text between them. */
function splitCjk(token: string): Array<{ text: string; cjk: boolean }> {
  const parts = token.split(CJK_RUN_RE);
  const out: Array<{ text: string; cjk: boolean }> = [];
  // split with a capture group alternates non-CJK, CJK, non-CJK, …
  parts.forEach((text, i) => {
    if (text !== "") out.push({ text, cjk: i % 2 === 1 });
  });
  return out;
}

/** The folded words a title is indexed under, in title order, without duplicates. */
export function titleWords(title: string, options: TextOptions = {}): string[] {
  const words: string[] = [];
  const seen = new Set<string>();
  const push = (word: string) => {
    const w = word.length <= MAX_WORD_CHARS ? word : cut(word);
    if (w === "" || seen.has(w) || options.stopwords?.has(w)) return;
    seen.add(w);
    words.push(w);
  };
  for (const part of tokens(fold(title))) {
    if (part.cjk) {
      const chars = Array.from(part.text);
      for (let i = 0; i < Math.min(chars.length, MAX_CJK_STARTS); i++) push(chars.slice(i).join(""));
    } else {
      const pieces = part.text.split(APOSTROPHE_RE);
      push(pieces.join(""));
      if (pieces.length > 1) for (const piece of pieces) push(piece);
    }
    if (words.length >= MAX_TITLE_WORDS) break;
  }
  return words.slice(0, MAX_TITLE_WORDS);
}

/**
 * The folded words of a search phrase: every one is matched as a prefix of some title word.
 * Apostrophes are removed inside words, CJK runs become words of their own, stopwords are
 * dropped except for the last word. Empty for a phrase without any letter, digit or emoji.
 */
export function queryWords(phrase: string, options: TextOptions = {}): string[] {
  const words: string[] = [];
  const folded = fold(phrase);
  if (ASCII_SIMPLE.test(folded)) {
    // The common case (every keystroke of a Latin-only phrase): words straight from the regex.
    for (const token of folded.match(ASCII_TOKEN_RE) ?? []) {
      const w = cut(token.includes("'") || token.includes("`") ? token.replace(APOSTROPHE_RE, "") : token);
      if (!words.includes(w)) words.push(w);
    }
    return dropStopwords(words, options);
  }
  for (const part of tokens(folded)) {
    const w = cut(part.cjk ? part.text : part.text.replace(APOSTROPHE_RE, ""));
    if (w !== "" && !words.includes(w)) words.push(w);
  }
  return dropStopwords(words, options);
}

/** `words` without the stopwords, except the last word (it may still be growing). */
function dropStopwords(words: string[], options: TextOptions): string[] {
  if (!options.stopwords || words.length === 0) return words;
  const stopwords = options.stopwords;
  return words.filter((w, i) => i === words.length - 1 || !stopwords.has(w));
}

/** Folds a user-supplied stopword list into the set {@link TextOptions.stopwords} expects. */
export function stopwordSet(words: Iterable<string>): ReadonlySet<string> {
  const set = new Set<string>();
  for (const word of words) for (const w of queryWords(word)) set.add(w);
  return set;
}

/**
 * Index of the word of `words` a query word `prefix` matches, or -1: the first word equal to
 * it, else the first word it starts. Mirrors the Lua matcher (for tests and highlighting).
 */
export function matchPosition(words: readonly string[], prefix: string): number {
  const exact = words.indexOf(prefix);
  return exact >= 0 ? exact : words.findIndex((w) => w.startsWith(prefix));
}
