/**
 * The page's language in React (ADR 0009, 0010): our translator (./instance.ts) built from the strings the matched
 * routes' loaders sent (`i18n` in their data: app/i18n/strings.server.ts), one language only, so the browser
 * downloads neither other languages nor other pages' strings. The server renders with the same translator and
 * strings, so hydration agrees.
 */
import { useMatches } from "@remix-run/react";
import { createContext, Fragment, useContext, type ReactNode } from "react";
// Only the groups the root's error page shows (the layout and the error): esbuild leaves the others (the history's
// diff words, copy buttons, forms…) out of the bundle.
import { error, footer, header, signOut, skipToContent } from "../locales/en/common.json";
import { createI18n, type Strings, type Translate, type Translator } from "./instance";
import { DEFAULT_LOCALE, type Locale } from "./locales";

// The same strings for everyone reading a language, so instances are shared (on the server too).
const instances = new Map<string, Translator>();

function instanceFor(locale: Locale, strings: Strings): Translator {
  // A page may send part of a namespace (app/workshops/strings.server.ts, app/declarations/public-strings.server.ts):
  // its groups are part of the key.
  const key = `${locale} ${Object.keys(strings).sort().map((ns) => `${ns}(${Object.keys(strings[ns as keyof Strings] ?? {}).join("+")})`).join(",")}`;
  let instance = instances.get(key);
  if (!instance) {
    if (instances.size > 64) instances.clear();
    instances.set(key, (instance = createI18n(locale, strings)));
  }
  return instance;
}

interface PageLanguage {
  locale: Locale;
  t: Translate;
}

const Context = createContext<PageLanguage | null>(null);

/** Collects the strings of every matched route (root: `common`) and offers them to the page. */
export function I18nProvider({ locale, children }: { locale: Locale | null; children: ReactNode }) {
  const strings: Strings = {};
  for (const match of useMatches()) {
    const sent = (match.data as { i18n?: Strings } | null | undefined)?.i18n;
    if (sent && typeof sent === "object") Object.assign(strings, sent);
  }
  // Only when the root's loader itself failed (its error page): English, which the bundle carries for that case.
  const language = locale ?? DEFAULT_LOCALE;
  if (!strings.common) strings.common = { skipToContent, header, footer, signOut, error };
  const instance = instanceFor(language, strings);
  return <Context.Provider value={{ locale: language, t: instance.t }}>{children}</Context.Provider>;
}

/** `const { t, locale } = useT();` then `t("namespace:key.path")`. */
export function useT(): PageLanguage {
  const value = useContext(Context);
  if (!value) throw new Error("useT() outside I18nProvider");
  return value;
}

const OPEN = "\uE000";
const CLOSE = "\uE001";

/**
 * A sentence with markup inside, e.g. `"Read <go>the declaration</go> first."`: each `<name>…</name>` becomes
 * `tags[name](children)`; values are put in after the markup is read, so a value never becomes markup.
 */
export function Trans({
  k,
  values = {},
  tags,
}: {
  k: string;
  values?: Record<string, string | number>;
  tags: Record<string, (children: ReactNode) => ReactNode>;
}) {
  const { t } = useT();
  const names = Object.keys(values);
  const held: Record<string, string | number> = {};
  names.forEach((name, i) => (held[name] = name === "count" ? values[name]! : `${OPEN}${i}${CLOSE}`));
  const template = t(k, held);
  const fill = (text: string) =>
    text.replace(new RegExp(`${OPEN}(\\d+)${CLOSE}`, "g"), (_, i: string) => String(values[names[Number(i)]!] ?? ""));
  const parts: ReactNode[] = [];
  const markup = /<([a-z]+)>([\s\S]*?)<\/\1>/g;
  let from = 0;
  for (let m = markup.exec(template); m; m = markup.exec(template)) {
    const render = tags[m[1]!];
    if (!render) continue;
    if (m.index > from) parts.push(fill(template.slice(from, m.index)));
    parts.push(<Fragment key={parts.length}>{render(fill(m[2]!))}</Fragment>);
    from = m.index + m[0].length;
  }
  if (from < template.length) parts.push(fill(template.slice(from)));
  return <>{parts}</>;
}
