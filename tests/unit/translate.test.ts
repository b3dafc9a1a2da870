/**
 * Our translator (app/i18n/instance.ts, ADR 0010) says what i18next 26 said with the options the app used until issue
 * 15 (kept below as the oracle; i18next is a devDependency for this test only): every key of every language, its
 * `{{values}}` filled in, each plural at several counts, and the edge cases around them.
 */
import i18next, { type TFunction } from "i18next";
import { describe, expect, it } from "vitest";
import { createI18n, type Strings, type Translate, type TranslateValues } from "../../app/i18n/instance";
import { LOCALES, NAMESPACES, type Locale } from "../../app/i18n/locales";
import { allStrings } from "../../app/i18n/strings.server";

/** The i18next instance the app made before issue 15 (the same options, word for word). */
function oracle(locale: Locale, strings: Strings): TFunction {
  const instance = i18next.createInstance();
  void instance.init({
    lng: locale,
    fallbackLng: false,
    supportedLngs: [locale],
    resources: { [locale]: strings },
    ns: Object.keys(strings),
    defaultNS: false,
    nsSeparator: ":",
    keySeparator: ".",
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  return instance.t;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
const COUNTS = [0, 1, 2, 5, 21, 1_000_000];

/** "ns:key.path" → its text, for one language. */
function sentences(locale: Locale): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (value: unknown, prefix: string) => {
    if (typeof value === "string") out.set(prefix, value);
    else for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, `${prefix}.${k}`);
  };
  for (const ns of NAMESPACES) for (const [k, v] of Object.entries(allStrings[locale][ns])) walk(v, `${ns}:${k}`);
  return out;
}

/** What the code asks for: each key once, plural forms by their base key, with the `{{names}}` of all its forms. */
function questions(locale: Locale): Map<string, { names: Set<string>; plural: boolean }> {
  const out = new Map<string, { names: Set<string>; plural: boolean }>();
  for (const [key, text] of sentences(locale)) {
    const base = key.replace(PLURAL, "");
    const entry = out.get(base) ?? { names: new Set<string>(), plural: base !== key };
    for (const m of text.matchAll(/\{\{(.+?)\}\}/g)) entry.names.add(m[1]!.trim());
    out.set(base, entry);
  }
  return out;
}

type Ask = [key: string, values?: TranslateValues];

/** Every way the code asks for `key`: without values, with plain sample values, with values that look like markup. */
function asks(key: string, names: Set<string>, plural: boolean): Ask[] {
  const counts = plural || names.has("count") ? COUNTS : [undefined];
  const out: Ask[] = [[key]];
  for (const count of counts) {
    for (const sample of [(name: string) => `‹${name}›`, (name: string) => `{{${name}}} $t(mail:reset.subject) $& $1 $$ {{count}}`]) {
      const values: Record<string, string | number> = {};
      for (const name of names) values[name] = sample(name);
      if (count !== undefined) values.count = count;
      out.push([key, values]);
    }
  }
  return out;
}

function differences(ours: Translate, theirs: TFunction, all: Ask[]): string[] {
  const wrong: string[] = [];
  for (const [key, values] of all) {
    const want = values ? theirs(key, values) : theirs(key);
    const got = ours(key, values);
    if (got !== want) wrong.push(`${key} ${JSON.stringify(values)}: ${JSON.stringify(got)} ≠ i18next ${JSON.stringify(want)}`);
  }
  return wrong;
}

describe("our translator, against i18next", () => {
  for (const locale of LOCALES) {
    it(`says every ${locale} key as i18next did, with values and at counts ${COUNTS.join(", ")}`, () => {
      const all: Ask[] = [];
      for (const [key, { names, plural }] of questions(locale)) all.push(...asks(key, names, plural));
      expect(all.length).toBeGreaterThan(3000);
      expect(differences(createI18n(locale, allStrings[locale]).t, oracle(locale, allStrings[locale]), all)).toEqual([]);
    });
  }

  it("uses the language's plural forms: French and Spanish say a million with _many, English and Swedish with _other", () => {
    const strings: Strings = { common: { n_one: "one {{count}}", n_many: "many {{count}}", n_other: "other {{count}}" } };
    expect([0, 1, 2, 1_000_000].map((count) => createI18n("fr", strings).t("common:n", { count }))).toEqual(["one 0", "one 1", "other 2", "many 1000000"]);
    expect([0, 1, 2, 1_000_000].map((count) => createI18n("es", strings).t("common:n", { count }))).toEqual(["other 0", "one 1", "other 2", "many 1000000"]);
    expect([0, 1, 1_000_000].map((count) => createI18n("sv", strings).t("common:n", { count }))).toEqual(["other 0", "one 1", "other 1000000"]);
  });

  it("says a sentence's _zero form for a count of 0 where it has one, as i18next does, in every language", () => {
    const strings: Strings = { common: { n_zero: "none", n_one: "one {{count}}", n_other: "other {{count}}" } };
    for (const locale of LOCALES) {
      const ours = createI18n(locale, strings).t;
      const theirs = oracle(locale, strings);
      expect([0, 1, 2].map((count) => ours("common:n", { count }))).toEqual([0, 1, 2].map((count) => theirs("common:n", { count })));
      expect(ours("common:n", { count: 0 })).toBe("none");
      expect(ours("common:n", { count: "0" })).toBe(theirs("common:n", { count: "0" }));
    }
  });
});

describe("our translator's edge cases, as i18next had them", () => {
  const strings: Strings = {
    common: { greeting: "Hello {{name}}, from {{ place }}", group: { leaf: "Leaf", files_one: "one file", files_other: "{{count}} files" }, plain: "{{count}} items", empty: "" },
  };
  const ours = createI18n("en", strings).t;
  const theirs = oracle("en", strings);
  const cases: Ask[] = [
    ["common:missing.key"],
    ["workshop:title"],
    ["common:greeting"],
    ["common:greeting", { name: "{{place}}", place: "$t(common:group.leaf) $& {{name}}" }],
    ["common:greeting", { name: "Ana" }],
    ["common:greeting", { name: 7, place: "x" }],
    ["common:group"],
    ["common:group", { count: 2 }],
    ["common:group.leaf.deeper"],
    ["common:group:leaf"],
    ["common:group.files", { count: 1 }],
    ["common:group.files", { count: 3 }],
    ["common:group.files", { count: "3" }],
    ["common:group.files"],
    ["common:group.files_one"],
    ["common:plain", { count: 2 }],
    ["common:empty"],
    ["common:"],
    ["group.leaf"],
    [""],
    ["common:__proto__"],
    ["common:constructor"],
  ];

  it("says each of them as i18next did", () => {
    expect(differences(ours, theirs, cases)).toEqual([]);
  });

  it("shows a missing key's path, without its namespace and never in another language", () => {
    expect(ours("common:missing.key")).toBe("missing.key");
    // A namespace the page was not sent.
    expect(ours("workshop:title")).toBe("title");
    expect(ours("group.leaf")).toBe("group.leaf");
  });

  it("puts values in once: a value that looks like a placeholder, a nesting or a replacement pattern stays as written", () => {
    expect(ours("common:greeting", { name: "{{place}}", place: "$t(common:group.leaf) $& {{name}}" })).toBe(
      "Hello {{place}}, from $t(common:group.leaf) $& {{name}}",
    );
    expect(ours("common:greeting", { name: "Ana" })).toBe("Hello Ana, from {{ place }}");
  });

  it("says so, naming the key and the language, when the path leads to a group of keys rather than a sentence", () => {
    expect(ours("common:group")).toBe("key 'group (en)' returned an object instead of string.");
  });

  it("reads only the strings' own keys, not an object's built-in properties", () => {
    expect(ours("common:constructor")).toBe("constructor");
    expect(ours("common:__proto__")).toBe("__proto__");
    expect(ours("constructor:x")).toBe("x");
  });
});
