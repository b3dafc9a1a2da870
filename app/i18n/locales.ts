/**
 * The languages of Accord's interface (issue 14) and how a request's language is chosen: the account's preference,
 * else the footer switch's cookie, else the browser's Accept-Language, else English. Pure and isomorphic.
 * (Declarations themselves may be in any BCP 47 language: app/declarations/languages.ts.)
 */
import { acceptedLanguages } from "../declarations/languages";

export const LOCALES = ["en", "fr", "es", "sv"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** Each language's name in itself, as a reader looks for it in a language switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", fr: "Français", es: "Español", sv: "Svenska" };

/**
 * The strings' namespaces (app/locales/<locale>/<namespace>.json). A page receives `common` and the namespaces its
 * route asks for (app/i18n/strings.server.ts), in its one language.
 */
export const NAMESPACES = ["common", "public", "auth", "account", "mail", "workshop", "editor", "security"] as const;
export type Namespace = (typeof NAMESPACES)[number];

/** The cookie the footer's language switch sets (signed-out readers; a signed-in account keeps it in the database). */
export const LOCALE_COOKIE = "accord_lang";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The first of the reader's languages Accord's interface is written in ("fr-CA" reads "fr"), or null. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  for (const tag of acceptedLanguages(header)) {
    const primary = tag.split("-")[0]!.toLowerCase();
    if (isLocale(primary)) return primary;
  }
  return null;
}

/** The footer cookie's language from a Cookie header, or null. */
export function localeFromCookieHeader(header: string | null | undefined): Locale | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === LOCALE_COOKIE && isLocale(value)) return value;
  }
  return null;
}

export interface LocaleSources {
  /** The signed-in account's preference (users.language). */
  account?: string | null;
  cookieHeader?: string | null;
  acceptLanguage?: string | null;
}

/** The interface language for a request: account preference > footer cookie > Accept-Language > English. */
export function chooseLocale(sources: LocaleSources): Locale {
  if (isLocale(sources.account)) return sources.account;
  return localeFromCookieHeader(sources.cookieHeader) ?? localeFromAcceptLanguage(sources.acceptLanguage) ?? DEFAULT_LOCALE;
}

/** A Set-Cookie value remembering the footer switch's choice for a year. */
export function localeCookie(locale: Locale, secure: boolean): string {
  return `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax${secure ? "; Secure" : ""}`;
}
