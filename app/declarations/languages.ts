/**
 * Language tags of documents and translations (issue 14): BCP 47, validated and canonicalised with
 * Intl.getCanonicalLocales, their direction of writing, their names, and the choice of a reader's language from
 * Accept-Language. Pure and isomorphic.
 */

/** The longest tag accepted (RFC 5646 §4.4.1 asks implementations to support at least 35 characters). */
export const LANGUAGE_TAG_MAX = 35;
const TAG_SHAPE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

/** The canonical form of a BCP 47 tag ("EN-gb" → "en-GB"), or null when it is not one Accord accepts. */
export function canonicalLanguage(value: string): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > LANGUAGE_TAG_MAX || !TAG_SHAPE.test(value)) return null;
  try {
    const [tag] = Intl.getCanonicalLocales(value);
    if (!tag || tag.length > LANGUAGE_TAG_MAX || !TAG_SHAPE.test(tag)) return null;
    // "und" (undetermined) and private-use primary tags name no language a reader could choose.
    const primary = tag.split("-")[0]!.toLowerCase();
    if (primary === "und" || primary === "x" || primary === "i") return null;
    return tag;
  } catch {
    return null;
  }
}

export const LANGUAGE_TAG_ERROR = `Give a language as a BCP 47 tag such as "fr", "pt-BR" or "ar" (at most ${LANGUAGE_TAG_MAX} characters).`;

const RTL_SCRIPTS = new Set(["Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg", "Mand", "Samr", "Mend", "Yezi"]);
const RTL_LANGUAGES = new Set(["ar", "he", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb", "ks", "syr", "iw"]);

/** The direction of writing of a language: "rtl" for Arabic, Hebrew, Persian, Urdu… */
export function languageDirection(tag: string): "rtl" | "ltr" {
  try {
    const locale = new Intl.Locale(tag);
    const script = locale.script ?? locale.maximize().script;
    if (script) return RTL_SCRIPTS.has(script) ? "rtl" : "ltr";
    return RTL_LANGUAGES.has(locale.language) ? "rtl" : "ltr";
  } catch {
    return "ltr";
  }
}

function displayName(tag: string, inLanguage: string): string {
  try {
    const name = new Intl.DisplayNames([inLanguage], { type: "language", fallback: "code" }).of(tag);
    return name && name !== tag ? name : tag;
  } catch {
    return tag;
  }
}

/** The language's name in English ("French"), for the organisers' pages. */
export const languageNameInEnglish = (tag: string): string => displayName(tag, "en");

/** The language's name in the page's language ("arabe" on a French page, "franska" on a Swedish one). */
export const languageNameIn = (tag: string, locale: string): string => displayName(tag, locale);

/** The language's name in itself ("français"), for links a reader of that language looks for. */
export const languageEndonym = (tag: string): string => displayName(tag, tag);

/** Accept-Language as tags in the reader's order of preference (q=0 left out; at most 12, malformed ones skipped). */
export function acceptedLanguages(header: string | null | undefined): string[] {
  if (!header) return [];
  const entries = header
    .slice(0, 500)
    .split(",")
    .slice(0, 24)
    .map((part, index) => {
      const [rawTag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: (rawTag ?? "").trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((e) => e.weight > 0 && e.tag !== "*" && TAG_SHAPE.test(e.tag) && e.tag.length <= LANGUAGE_TAG_MAX)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return entries.map((e) => e.tag).slice(0, 12);
}

/**
 * The best of `available` for a reader who accepts `accepted` (in order): an exact match (letter case ignored), else
 * the same primary language ("fr-CA" reads "fr", "fr" reads "fr-CA"). Null when none fits.
 */
export function chooseLanguage(accepted: readonly string[], available: readonly string[]): string | null {
  const lower = available.map((a) => a.toLowerCase());
  for (const wanted of accepted) {
    const w = wanted.toLowerCase();
    const exact = lower.indexOf(w);
    if (exact >= 0) return available[exact]!;
    const primary = w.split("-")[0]!;
    const same = lower.findIndex((a) => a.split("-")[0] === primary);
    if (same >= 0) return available[same]!;
  }
  return null;
}
