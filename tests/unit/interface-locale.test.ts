/** How a request's interface language is chosen (app/i18n/locales.ts) and how numbers and dates read in it. */
import { describe, expect, it } from "vitest";
import { chooseLocale, localeCookie, localeFromAcceptLanguage, localeFromCookieHeader } from "../../app/i18n/locales";
import { formatDateTimeIn, formatNumberIn, timeAgoIn } from "../../app/i18n/format";
import { tFor } from "../../app/i18n/strings.server";

describe("the interface language of a request", () => {
  it("is the account's preference first, even when the browser and the cookie ask for others", () => {
    expect(chooseLocale({ account: "sv", cookieHeader: "accord_lang=fr", acceptLanguage: "es" })).toBe("sv");
  });

  it("is the footer switch's cookie for a reader without a preference", () => {
    expect(chooseLocale({ account: null, cookieHeader: "a=b; accord_lang=fr; c=d", acceptLanguage: "es" })).toBe("fr");
  });

  it("is the first of the browser's languages Accord speaks, by primary language", () => {
    expect(localeFromAcceptLanguage("de-DE, fr-CA;q=0.9, en;q=0.8")).toBe("fr");
    expect(localeFromAcceptLanguage("es-419,es;q=0.9")).toBe("es");
    expect(localeFromAcceptLanguage("en;q=0.5, sv;q=0.9")).toBe("sv");
  });

  it("is English when nothing fits, and ignores malformed or unknown values", () => {
    expect(chooseLocale({ account: "de", cookieHeader: "accord_lang=xx", acceptLanguage: "de, *;q=0.1" })).toBe("en");
    expect(chooseLocale({})).toBe("en");
    expect(localeFromCookieHeader("accord_lang=<script>")).toBeNull();
    expect(localeFromAcceptLanguage("fr;q=0, ;;;, sv;q=abc")).toBeNull();
    expect(localeFromAcceptLanguage("x".repeat(10_000))).toBeNull();
  });

  it("is remembered by a year-long, same-site cookie, secure on https", () => {
    expect(localeCookie("fr", true)).toBe("accord_lang=fr; Path=/; Max-Age=31536000; SameSite=Lax; Secure");
    expect(localeCookie("sv", false)).not.toContain("Secure");
  });
});

describe("words, numbers and dates in the page's language", () => {
  it("are translated for each language", () => {
    expect(tFor("fr")("common:header.signIn")).toBe("Se connecter");
    expect(tFor("sv")("common:header.signIn")).toBe("Logga in");
    expect(tFor("es")("common:header.signIn")).toBe("Iniciar sesión");
    expect(tFor("en")("common:header.signIn")).toBe("Sign in");
  });

  it("write numbers and dates as each language does, in UTC", () => {
    const date = new Date("2026-12-05T14:03:00Z");
    expect(formatDateTimeIn("en", date)).toBe("5 Dec 2026, 14:03 UTC");
    expect(formatDateTimeIn("fr", date)).toMatch(/^5 déc\. 2026.*14:03 UTC$/);
    expect(formatNumberIn("sv", 1234567)).toBe("1\u00a0234\u00a0567");
    expect(timeAgoIn("fr", new Date("2026-12-05T13:58:00Z"), date)).toBe("il y a 5 minutes");
    expect(timeAgoIn("es", new Date("2026-12-04T14:03:00Z"), date)).toBe("ayer");
  });
});
