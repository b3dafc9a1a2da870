/**
 * One i18next instance per page language, the same on the server and in the browser (ADR 0009). Keys are always
 * written whole, `t("namespace:key.path")`, so tests/unit/locales.test.ts can check that each one exists in every
 * language and that none is unused. Plurals follow each language's CLDR rules (`_one`, `_other`, and `_many` in
 * French and Spanish); numbers and dates are formatted with Intl in the page's language (app/i18n/format.ts).
 */
import i18next, { type i18n } from "i18next";
import type { Locale, Namespace } from "./locales";

/** The strings of some namespaces in one language, as the JSON files hold them. */
export type Strings = Partial<Record<Namespace, Record<string, unknown>>>;

export function createI18n(locale: Locale, strings: Strings): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    lng: locale,
    // Every key exists in every language (tested): a missing one shows its key, never another language.
    fallbackLng: false,
    supportedLngs: [locale],
    resources: { [locale]: strings },
    ns: Object.keys(strings),
    defaultNS: false,
    nsSeparator: ":",
    keySeparator: ".",
    // React escapes what it renders; mail bodies are plain text.
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  return instance;
}
