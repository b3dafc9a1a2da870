/**
 * The threads API's refusals in the discussion panel (issue 14): the server sends each with a `code` beside its English
 * `error`; the panel says the code's words in the page's language, and in English keeps the server's own words.
 */
import { describe, expect, it } from "vitest";
import { createI18n } from "../../app/i18n/instance";
import { allStrings } from "../../app/i18n/strings.server";
import type { Locale } from "../../app/i18n/locales";
import { ThreadApiError, threadErrorText } from "../../app/threads/api";
import { REFUSALS, refusalCodeOf, type RefusalCode } from "../../app/threads/refusals";

const tIn = (locale: Locale) => createI18n(locale, { editor: allStrings[locale].editor }).t;
const refused = (code: RefusalCode, status = 409) => new ThreadApiError(REFUSALS[code], status, { error: REFUSALS[code], code });

describe("a refusal in the discussion panel", () => {
  it("is said in French, Spanish and Swedish for every code, never in English nor as the status's generic sentence", () => {
    for (const locale of ["fr", "es", "sv"] as const) {
      const t = tIn(locale);
      const generic = threadErrorText(t, locale, new ThreadApiError("x", 409, { error: "x" }), "fallback");
      for (const code of Object.keys(REFUSALS) as RefusalCode[]) {
        const text = threadErrorText(t, locale, refused(code), "fallback");
        expect(text, `${locale} ${code}`).not.toBe(REFUSALS[code]);
        expect(text, `${locale} ${code}`).not.toBe(generic);
        expect(text, `${locale} ${code}`).not.toMatch(/editor:|\{\{/);
      }
    }
  });

  it("puts the limit in the page's way of writing numbers", () => {
    expect(threadErrorText(tIn("fr"), "fr", refused("commentTooLong", 400), "")).toBe("Un commentaire ne peut pas dépasser 10\u202f000 caractères.");
    expect(threadErrorText(tIn("fr"), "fr", refused("wordsNotFound"), "")).toBe("Ces mots ne figurent pas dans le texte actuel.");
  });

  it("keeps the server's English words in English, and the English keys say the same", () => {
    const t = tIn("en");
    for (const code of Object.keys(REFUSALS) as RefusalCode[]) {
      expect(threadErrorText(t, "en", refused(code), "")).toBe(REFUSALS[code]);
    }
    expect(t("editor:refusals.commentTooLong", { max: "10,000" })).toBe(REFUSALS.commentTooLong);
    expect(t("editor:refusals.tooManyOpenThreads", { max: "500" })).toBe(REFUSALS.tooManyOpenThreads);
  });

  it("falls back to the status's sentence without a code, and finds the code of a refusal's English words", () => {
    expect(threadErrorText(tIn("fr"), "fr", new ThreadApiError("No such thread.", 404, { error: "No such thread." }), "")).toBe(
      "Ce fil ou ce document n’existe plus, ou vous n’y avez plus accès.",
    );
    // In English too, a failure without the server's words gets the status's sentence.
    const en = tIn("en");
    expect(threadErrorText(en, "en", new ThreadApiError("", 409, { error: "outdated" }), "")).toBe(
      "The text changed meanwhile: those words are no longer found exactly once. Select them again.",
    );
    expect(threadErrorText(en, "en", new ThreadApiError("", 502, null), "")).toBe("The server could not do that just now. Try again in a moment.");
    expect(threadErrorText(en, "en", new ThreadApiError("", 0, null), "")).toBe("No connection to the server. Try again once you are back online.");
    expect(refusalCodeOf("Write something first.")).toBe("commentEmpty");
    expect(refusalCodeOf("Something else.")).toBeUndefined();
  });
});
