/**
 * The interface's strings (app/locales/<locale>/<namespace>.json, issue 14): every key exists in every language with
 * that language's plural forms, keeps the English markup tags and {{values}}, and is used by the code; every key the
 * code uses exists. Keys are always written whole in the code, `t("namespace:key.path")`, which is what makes this
 * check possible.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES, NAMESPACES } from "../../app/i18n/locales";
import { allStrings } from "../../app/i18n/strings.server";

const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (typeof value === "string") out.set(prefix, value);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else out.set(prefix, String(value));
  return out;
}

/** "ns:key" → text, for one language. */
function keysOf(locale: (typeof LOCALES)[number]): Map<string, string> {
  const keys = new Map<string, string>();
  for (const ns of NAMESPACES) for (const [k, v] of flatten(allStrings[locale][ns])) keys.set(`${ns}:${k}`, v);
  return keys;
}

/**
 * The keys a language must have for `base` written once in English: one per plural category of the language, and the
 * sentence for none (`_zero`, said for a count of 0 whatever the language's categories) where English has one.
 */
function expected(locale: string, keys: Map<string, string>): Set<string> {
  const out = new Set<string>();
  const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
  for (const key of keys.keys()) {
    const base = key.replace(PLURAL, "");
    if (base !== key) for (const c of categories) out.add(`${base}_${c}`);
    else out.add(key);
    if (key === `${base}_zero`) out.add(key);
  }
  return out;
}

const english = keysOf("en");
const tags = (text: string) => [...text.matchAll(/<\/?([a-z]+)>/g)].map((m) => m[0]).sort();
const values = (text: string) => [...new Set([...text.matchAll(/\{\{\s*(\w+)[^}]*\}\}/g)].map((m) => m[1]))].sort();

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.(ts|tsx)$/.test(name)) out.push(path);
  }
  return out;
}
const code = [...sources("app"), ...sources("server")].map((p) => readFileSync(p, "utf8")).join("\n");
const KEY_IN_CODE = new RegExp(`["'\`]((?:${NAMESPACES.join("|")}):[A-Za-z0-9_.-]+)["'\`]`, "g");
const used = new Set([...code.matchAll(KEY_IN_CODE)].map((m) => m[1]!));
const englishBases = new Set([...english.keys()].map((k) => k.replace(PLURAL, "")));

describe("the interface's strings", () => {
  for (const locale of LOCALES.filter((l) => l !== "en")) {
    it(`has every English key in ${locale}, with ${locale}'s plural forms, and no other`, () => {
      const keys = keysOf(locale);
      const want = expected(locale, english);
      expect([...want].filter((k) => !keys.has(k)), "missing").toEqual([]);
      expect([...keys.keys()].filter((k) => !want.has(k)), "not in English").toEqual([]);
    });

    it(`keeps the English markup tags and {{values}} in ${locale}`, () => {
      const keys = keysOf(locale);
      const wrong: string[] = [];
      for (const [key, text] of keys) {
        const source = english.get(key) ?? english.get(key.replace(PLURAL, "_other"));
        if (source === undefined) continue;
        if (tags(text).join() !== tags(source).join()) wrong.push(`${key}: tags ${tags(text).join()} ≠ ${tags(source).join()}`);
        // A plural's "one" form may say "one" in words instead of {{count}}.
        const need = values(source).filter((v) => !(v === "count" && PLURAL.test(key)));
        const missing = need.filter((v) => !values(text).includes(v));
        const extra = values(text).filter((v) => !values(source).includes(v) && v !== "count");
        if (missing.length || extra.length) wrong.push(`${key}: values ${values(text).join()} ≠ ${values(source).join()}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it("has no empty text in any language", () => {
    const empty = LOCALES.flatMap((l) => [...keysOf(l)].filter(([, v]) => v.trim() === "").map(([k]) => `${l} ${k}`));
    expect(empty).toEqual([]);
  });

  it("never names a markup tag after an element that cannot hold words (link, br, img, input…)", () => {
    const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
    const bad = [...english].filter(([, v]) => tags(v).some((t) => VOID.has(t.replace(/[</>]/g, ""))));
    expect(bad).toEqual([]);
  });

  it("has every key the code uses", () => {
    expect([...used].filter((k) => !englishBases.has(k))).toEqual([]);
  });

  it("uses every key it has", () => {
    expect([...englishBases].filter((k) => !used.has(k))).toEqual([]);
  });
});
