/** Language tags, directions and the reader's choice (app/declarations/languages.ts); side-by-side rows (parallel-blocks.ts). */
import { describe, expect, it } from "vitest";
import { acceptedLanguages, canonicalLanguage, chooseLanguage, languageDirection, languageEndonym, languageNameInEnglish } from "../../app/declarations/languages";
import { pairBlocks } from "../../app/declarations/parallel-blocks";

describe("language tags", () => {
  it("are put in canonical form, and malformed, huge, undetermined or private ones are refused", () => {
    expect(canonicalLanguage("FR")).toBe("fr");
    expect(canonicalLanguage("pt-br")).toBe("pt-BR");
    expect(canonicalLanguage("zh-hant-tw")).toBe("zh-Hant-TW");
    for (const bad of ["", "f", "en_US", "und", "x-private", "fr-", "-fr", "<b>", "a".repeat(36), "fr-" + "abcdefgh-".repeat(10) + "x", "fr\u0000"]) {
      expect(canonicalLanguage(bad), bad.slice(0, 20)).toBeNull();
    }
  });

  it("know which languages are written right to left, and name languages in English and in themselves", () => {
    for (const rtl of ["ar", "he", "fa", "ur", "ar-EG", "ps", "yi"]) expect(languageDirection(rtl), rtl).toBe("rtl");
    for (const ltr of ["en", "fr", "sv", "zh-Hant", "az-Latn", "tr"]) expect(languageDirection(ltr), ltr).toBe("ltr");
    expect(languageDirection("az-Arab")).toBe("rtl");
    expect(languageNameInEnglish("fr")).toBe("French");
    expect(languageEndonym("fr")).toBe("français");
    expect(languageEndonym("ar")).toBe("العربية");
  });
});

describe("the reader's language", () => {
  it("follows Accept-Language's order of preference, ignoring q=0, '*' and garbage", () => {
    expect(acceptedLanguages("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5")).toEqual(["fr-CH", "fr", "en", "de"]);
    expect(acceptedLanguages("en;q=0.1, sv")).toEqual(["sv", "en"]);
    expect(acceptedLanguages("es;q=0, pt")).toEqual(["pt"]);
    expect(acceptedLanguages("de;q=abc, ;;, " + "x".repeat(5000))).toEqual([]);
    expect(acceptedLanguages(null)).toEqual([]);
  });

  it("chooses an exact match, else the same primary language, else nothing", () => {
    expect(chooseLanguage(["fr-CA", "en"], ["en", "fr"])).toBe("fr");
    expect(chooseLanguage(["pt-BR"], ["en", "pt-PT", "pt-BR"])).toBe("pt-BR");
    expect(chooseLanguage(["fr"], ["en", "fr-CA"])).toBe("fr-CA");
    expect(chooseLanguage(["en", "fr"], ["en", "fr"])).toBe("en");
    expect(chooseLanguage(["de"], ["en", "fr"])).toBeNull();
  });
});

describe("the side-by-side rows", () => {
  it("pair blocks in order and warn where the structure differs or a side is missing", () => {
    const rows = pairBlocks(
      [{ kind: "h1", text: "Title" }, { kind: "p", text: "One." }, { kind: "ul:3", text: "a b c" }],
      [{ kind: "h1", text: "Titre" }, { kind: "ul:2", text: "a b" }],
    );
    expect(rows.map((r) => r.mismatch)).toEqual([false, true, true]);
    expect(rows[2]!.translation).toBeNull();
  });
});
