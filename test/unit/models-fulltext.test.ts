import { describe, expect, it } from "vitest";
import { Tokenizer, fold } from "../../src/models/fulltext";

describe("full-text tokenizer", () => {
  it("folds case and diacritics (NFKD + strip marks)", () => {
    expect(fold("Crème BRÛLÉE Ångström ﬁne")).toBe("creme brulee angstrom fine");
    expect(new Tokenizer().tokenize("São Paulo, naïve café!")).toEqual(["sao", "paulo", "naive", "cafe"]);
  });
  it("splits CJK into characters and keeps digits and emoji-free words", () => {
    expect(new Tokenizer().tokenize("タワー")).toEqual(["タ", "ワ", "ー"]);
    const t = new Tokenizer().tokenize("東京 2024 🦭 seal");
    expect(t).toEqual(["東", "京", "2024", "seal"]);
  });
  it("stems with snowball and drops configured stopwords", () => {
    const t = new Tokenizer({ stemming: "english", stopwords: "english" });
    expect(t.tokenize("The runners were running to the connections")).toEqual(["runner", "were", "run", "connect"]);
    expect(new Tokenizer({ stopwords: ["Él"] }).tokenize("el gato")).toEqual(["gato"]);
    expect(() => new Tokenizer({ stemming: "klingon" })).toThrow(/unknown stemming language/);
  });
  it("builds index entries and query terms", () => {
    const t = new Tokenizer();
    expect(t.entry("a b a")).toBe("3 a 2 b 1");
    expect(t.entry("  ,, ")).toBe("");
    expect(t.queryTerms("b a b")).toEqual(["b", "a"]);
    expect(t.tokenize(`${"x".repeat(65)} ok ${"y".repeat(64)}`)).toEqual(["ok", "y".repeat(64)]);
  });
});
