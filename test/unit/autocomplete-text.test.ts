import { describe, expect, it } from "vitest";
import { MAX_CJK_STARTS, MAX_WORD_CHARS, fold, matchPosition, queryWords, stopwordSet, titleWords } from "../../src/autocomplete/text";

describe("fold", () => {
  it("lower-cases and strips Latin, Greek and Cyrillic diacritics", () => {
    expect(fold("São Paulo")).toBe("sao paulo");
    expect(fold("SÃO")).toBe("sao");
    expect(fold("Zürich")).toBe("zurich");
    expect(fold("Ελλάδα")).toBe("ελλαδα");
    expect(fold("Ёлка")).toBe("елка");
    expect(fold("İstanbul")).toBe("istanbul");
  });

  it("spells out letters Unicode does not decompose", () => {
    expect(fold("Straße")).toBe("strasse");
    expect(fold("ẞ")).toBe("ss");
    expect(fold("Øster Æbelø")).toBe("oster aebelo");
    expect(fold("Łódź")).toBe("lodz");
    expect(fold("Œuvre")).toBe("oeuvre");
    expect(fold("Þórshöfn")).toBe("thorshofn");
    expect(fold("Đà Nẵng")).toBe("da nang");
  });

  it("folds compatibility forms (full-width, ligatures)", () => {
    expect(fold("ＴＯＫＹＯ")).toBe("tokyo");
    expect(fold("ﬁnland")).toBe("finland");
  });

  it("keeps marks that change letters outside Latin/Greek/Cyrillic", () => {
    expect(fold("दिल्ली")).toBe("दिल्ली");
    expect(fold("がっこう")).toBe("がっこう");
    expect(fold("서울")).toBe("서울");
  });
});

describe("titleWords", () => {
  it("splits on spaces, punctuation and hyphens, without duplicates", () => {
    expect(titleWords("Saint-Jean-de-Luz")).toEqual(["saint", "jean", "de", "luz"]);
    expect(titleWords("New York, New York")).toEqual(["new", "york"]);
    expect(titleWords("Zürich (Kreis 11)")).toEqual(["zurich", "kreis", "11"]);
    expect(titleWords("St. Louis")).toEqual(["st", "louis"]);
  });

  it("indexes words with apostrophes joined and as parts", () => {
    expect(titleWords("O'Hare")).toEqual(["ohare", "o", "hare"]);
    expect(titleWords("L’Aquila")).toEqual(["laquila", "l", "aquila"]);
  });

  it("indexes a CJK run from every starting character", () => {
    expect(titleWords("東京都")).toEqual(["東京都", "京都", "都"]);
    expect(titleWords("東京tower")).toEqual(["東京", "京", "tower"]);
    expect(titleWords("東".repeat(40))).toHaveLength(MAX_CJK_STARTS);
  });

  it("treats emoji as letters and ignores control characters", () => {
    expect(titleWords("Pizza 🍕 Place")).toEqual(["pizza", "🍕", "place"]);
    expect(titleWords("👨‍👩‍👧 family")).toEqual(["👨‍👩‍👧", "family"]);
    expect(titleWords("a\u0007b\u0000c")).toEqual(["a", "b", "c"]);
  });

  it("cuts long words and drops stopwords", () => {
    const word = "x".repeat(100);
    expect(titleWords(word)[0]).toHaveLength(MAX_WORD_CHARS);
    expect(titleWords("The Hague", { stopwords: stopwordSet(["THE"]) })).toEqual(["hague"]);
  });

  it("has nothing to index in punctuation", () => {
    expect(titleWords("!!! --- ...")).toEqual([]);
  });
});

describe("queryWords", () => {
  it("folds like titles and joins apostrophes", () => {
    expect(queryWords("SAO pa")).toEqual(["sao", "pa"]);
    expect(queryWords("o'hare")).toEqual(["ohare"]);
    expect(queryWords("O’HARE")).toEqual(["ohare"]);
    expect(queryWords("東京")).toEqual(["東京"]);
  });

  it("is empty for blank or punctuation-only phrases", () => {
    expect(queryWords("")).toEqual([]);
    expect(queryWords("   \t\n")).toEqual([]);
    expect(queryWords("?!.")).toEqual([]);
  });

  it("drops stopwords except the last, still-growing word", () => {
    const stopwords = stopwordSet(["the", "de"]);
    expect(queryWords("the hague", { stopwords })).toEqual(["hague"]);
    expect(queryWords("the", { stopwords })).toEqual(["the"]);
    expect(queryWords("rio de", { stopwords })).toEqual(["rio", "de"]);
  });
});

describe("matchPosition", () => {
  it("is the first word equal to the query word, else the first word it starts (as the search ranks)", () => {
    expect(matchPosition(["parisot", "paris"], "paris")).toBe(1);
    expect(matchPosition(["parisot", "paris"], "par")).toBe(0);
    expect(matchPosition(["nord", "parisot"], "paris")).toBe(1);
    expect(matchPosition(["nord"], "paris")).toBe(-1);
  });
});
