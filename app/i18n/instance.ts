/**
 * Our translator, the same on the server (pages, e-mails, the PDF) and in the browser (ADR 0010). It does what the
 * app's strings use, no more: keys written whole, `t("namespace:key.path")` (`:` then `.`); `{{name}}` replaced by
 * the value of that name, as written (React escapes what it renders; mail bodies are plain text), in one pass, so a
 * value containing `{{x}}` or `$t(…)` stays as it is; with a number `count`, `key_zero` for 0 where a sentence has one
 * ("Nobody endorses version 2 yet", as i18next does), else the language's CLDR plural form (`key_one`, `key_many`,
 * `key_other`, from Intl.PluralRules), else the key itself. A missing key shows its path (never another language's
 * words). tests/unit/translate.test.ts proves it says what i18next 26 said for every key in
 * every language; numbers and dates are formatted with Intl in app/i18n/format.ts.
 */
import type { Locale, Namespace } from "./locales";

/** The strings of some namespaces in one language, as the JSON files hold them. */
export type Strings = Partial<Record<Namespace, Record<string, unknown>>>;

/** The values a sentence's `{{name}}`s take; a number `count` also picks the plural form. */
export type TranslateValues = Readonly<Record<string, string | number>>;

/** `t("namespace:key.path", { name: "Ana", count: 2 })`: the words of one language. */
export type Translate = (key: string, values?: TranslateValues) => string;

export interface Translator {
  locale: Locale;
  t: Translate;
}

const PLACEHOLDER = /\{\{(.+?)\}\}/g;

/** The value at `path` ("a.b.c") below `tree`, own properties only; `undefined` when there is none. */
function lookUp(tree: unknown, path: string[]): unknown {
  let node = tree;
  for (const part of path) {
    if (node === null || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Each `{{name}}` given a value becomes that value; one that was not given stays as written. */
function interpolate(text: string, values: TranslateValues | undefined): string {
  if (!values) return text;
  return text.replace(PLACEHOLDER, (placeholder, inside: string) => {
    const name = inside.trim();
    return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : placeholder;
  });
}

export function createI18n(locale: Locale, strings: Strings): Translator {
  const plural = new Intl.PluralRules(locale);
  const t: Translate = (key, values) => {
    const parts = key.split(":");
    // "ns:a.b"; like i18next, a further ":" separates path segments too, and a key without a namespace is missing.
    const namespace = parts.length > 1 ? parts.shift()! : undefined;
    const path = parts.join(".");
    const tree = namespace !== undefined && Object.prototype.hasOwnProperty.call(strings, namespace) ? strings[namespace as Namespace] : undefined;
    const segments = path.split(".");
    const count = values?.count;
    let found: unknown;
    if (typeof count === "number") {
      const last = segments.length - 1;
      const form = (suffix: string) => lookUp(tree, [...segments.slice(0, last), `${segments[last]}_${suffix}`]);
      if (count === 0) found = form("zero");
      if (found === undefined) found = form(plural.select(count));
    }
    if (found === undefined) found = lookUp(tree, segments);
    if (typeof found === "string") return interpolate(found, values);
    // A path to a group of keys, not to a sentence: said as i18next says it (the locales test keeps the code from it).
    if (found !== undefined) return `key '${path} (${locale})' returned an object instead of string.`;
    return path;
  };
  return { locale, t };
}
