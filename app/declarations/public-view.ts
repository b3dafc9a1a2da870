/**
 * How public pages, the JSON/CSV and the badge assemble things: a signatory's line from its public fields only, the
 * honest count sentence, CSV cells and SVG text, in the words of endorsement-words.ts (the one vocabulary). Pure.
 */
import type { PublicCounts, PublicEndorsement } from "../../db/public-endorsements";
import { countryName as knownCountryName, isCountryCode } from "./countries";
import { CAPACITY_NOUN_KEYS, CAPACITY_PHRASE_KEYS, ENGLISH, EVIDENCE_KEYS, ORGANISATION_TYPE_KEYS, type Words } from "./endorsement-words";

/** The organisers' choice of when organisations are listed (declarations.organisation_policy). */
export const ORGANISATION_POLICIES = ["list_unverified", "verified_only"] as const;
export type OrganisationPolicy = (typeof ORGANISATION_POLICIES)[number];
export const ORGANISATION_POLICY_LABELS: Record<OrganisationPolicy, string> = {
  list_unverified: "List organisations at once, marked “unverified” until checked",
  verified_only: "List organisations only once their endorsement is verified (by e-mail domain or by the organisers)",
};

const label = <K extends string>(keys: Record<K, string>, key: string | undefined, t: Words): string | null =>
  key !== undefined && Object.prototype.hasOwnProperty.call(keys, key) ? t(keys[key as K]) : null;

const lowerFirst = (s: string) => (s ? s[0]!.toLowerCase() + s.slice(1) : s);
const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

export const capacityLabel = (c: string | undefined, t: Words = ENGLISH) => label(CAPACITY_NOUN_KEYS, c, t);
export const organisationTypeLabel = (type: string | undefined, t: Words = ENGLISH) => label(ORGANISATION_TYPE_KEYS, type, t);
export const evidenceLabel = (e: string | undefined, t: Words = ENGLISH) => {
  const words = label(EVIDENCE_KEYS, e, t);
  return words === null ? null : lowerFirst(words);
};

/** "Sweden" for "SE" (the country list of the forms); the code itself when it is not one we know. */
export function countryName(code: string | undefined | null, locale?: string): string | null {
  if (!code) return null;
  const upper = code.toUpperCase();
  return isCountryCode(upper) ? knownCountryName(upper, locale) : code;
}

/** An http(s) URL safe to link to, or null (then the website is shown as text, if at all). */
export function safeWebsite(value: string | undefined | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

export interface SignatoryLine {
  id: string;
  kind: PublicEndorsement["kind"];
  versionNumber: number;
  /** The name, or a description ("A serving police officer, Sweden", "An individual signatory"). */
  lead: string;
  /** Further public facts, in reading order. */
  details: string[];
  statement: string | null;
  website: string | null;
  /** Organisations: how we know the signer speaks for it, in words. */
  evidence: string | null;
}

/** The line of one public entry, in a language's words. Uses only the fields present in the entry (which are the public ones). */
export function signatoryLine(e: PublicEndorsement, t: Words = ENGLISH, locale?: string): SignatoryLine {
  const country = countryName(e.country, locale);
  if (e.kind === "organisation") {
    return {
      id: e.id,
      kind: e.kind,
      versionNumber: e.versionNumber,
      lead: e.organisationName ?? t("public:words.anOrganisation"),
      details: [organisationTypeLabel(e.organisationType, t), country].filter((x): x is string => !!x),
      statement: null,
      website: e.website ?? null,
      evidence: evidenceLabel(e.evidence, t),
    };
  }
  const capacity = capacityLabel(e.capacity, t);
  const position = [e.role, e.affiliation].filter((x): x is string => !!x).join(", ");
  if (e.name) {
    return {
      id: e.id,
      kind: e.kind,
      versionNumber: e.versionNumber,
      lead: e.name,
      details: [position, capacity ? capitalise(capacity) : null, country].filter((x): x is string => !!x),
      statement: e.statement ?? null,
      website: null,
      evidence: null,
    };
  }
  const phrase = label(CAPACITY_PHRASE_KEYS, e.capacity, t);
  const who = phrase ?? t("public:words.anIndividual");
  return {
    id: e.id,
    kind: e.kind,
    versionNumber: e.versionNumber,
    lead: country ? `${who}, ${country}` : who,
    details: position ? [position] : [],
    statement: e.statement ?? null,
    website: null,
    evidence: null,
  };
}

/** One line of plain text (print annex, badge titles): "Jane Doe — Inspector, Sweden". */
export function signatoryText(line: SignatoryLine): string {
  return line.details.length ? `${line.lead} — ${line.details.join(" · ")}` : line.lead;
}

const numberIn = (n: number, locale: string) => n.toLocaleString(locale === "en" ? "en-GB" : locale);

/** "128 endorse version 3; 14 endorsed an earlier version" (the second part only when there is an earlier version). */
export function countsSentence(counts: Pick<PublicCounts, "current" | "earlier">, versionNumber: number, t: Words = ENGLISH, locale = "en"): string {
  const current = currentSentence(counts.current, versionNumber, t, locale);
  if (versionNumber <= 1 && counts.earlier === 0) return current;
  const earlier = t("public:words.endorsedEarlier", { count: counts.earlier, formatted: numberIn(counts.earlier, locale) });
  return t("public:words.countsJoin", { current, earlier });
}

/** "128 endorse version 3". */
export function currentSentence(count: number, versionNumber: number, t: Words = ENGLISH, locale = "en"): string {
  return t("public:words.endorseVersion", { count, formatted: numberIn(count, locale), number: versionNumber });
}

/** Whether "Version 2: 3 individuals and 1 organisation." is worth saying: not under "Nobody endorses version 1 yet". */
export function saysKinds(counts: Pick<PublicCounts, "current" | "earlier">): boolean {
  return counts.current + counts.earlier > 0;
}

/** "100 individuals and 28 organisations". */
export function kindsSentence(individuals: number, organisations: number, t: Words = ENGLISH, locale = "en"): string {
  return t("public:words.kinds", {
    individuals: t("public:words.individuals", { count: individuals, formatted: numberIn(individuals, locale) }),
    organisations: t("public:words.organisations", { count: organisations, formatted: numberIn(organisations, locale) }),
  });
}

/* Filters (GET parameters) -------------------------------------------------------------------------------- */

/** `?kind=` of the public lists: "individual" or "organisation"; anything else means no filter. */
export function parseKindFilter(value: string | null | undefined): PublicEndorsement["kind"] | undefined {
  return value === "individual" || value === "organisation" ? value : undefined;
}

/** `?country=`: two letters (any case) → upper-case ISO code; anything else means no filter. */
export function parseCountryFilter(value: string | null | undefined): string | undefined {
  return value && /^[A-Za-z]{2}$/.test(value) ? value.toUpperCase() : undefined;
}

/* CSV ---------------------------------------------------------------------------------------------------- */

/**
 * One CSV cell: quoted when needed, and a cell a spreadsheet would read as a formula (starting with = + - @,
 * tab or carriage return) is neutralised with a leading apostrophe.
 */
export function csvCell(value: string | number | null | undefined): string {
  let text = value == null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (cells: (string | number | null | undefined)[]) => cells.map(csvCell).join(",") + "\r\n";

/* SVG ---------------------------------------------------------------------------------------------------- */

/** Escape text for XML content and attribute values; drops characters XML 1.0 does not allow. */
export function escapeXml(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** Rough width of text in an 11px sans-serif font, for sizing the badge without measuring. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[il.,:;'|!]/.test(ch) ? 3.2 : /[mwMW]/.test(ch) ? 9.5 : /[A-Z0-9]/.test(ch) ? 7.5 : 6.4;
  return Math.ceil(w);
}

/** A two-part badge ("endorsements | 128") whose accessible title names the declaration. */
export function badgeSvg(options: { title: string; count: number; versionNumber: number; t?: Words; locale?: string }): string {
  const t = options.t ?? ENGLISH;
  const locale = options.locale ?? "en";
  const left = t("public:words.badgeLabel");
  const right = numberIn(options.count, locale);
  const clean = options.title.replace(/[\u0000-\u001f\u007f]/g, " ").replace(/\s+/g, " ").trim();
  const name = clean.length > 150 ? clean.slice(0, 149) + "…" : clean;
  const title = `${name}: ${currentSentence(options.count, options.versionNumber, t, locale)}`;
  const lw = textWidth(left) + 12;
  const rw = textWidth(right) + 12;
  const width = lw + rw;
  const escaped = escapeXml(title);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" viewBox="0 0 ${width} 20" role="img" aria-label="${escaped}">`,
    `<title>${escaped}</title>`,
    `<rect width="${lw}" height="20" rx="3" fill="#1d4e5f"/>`,
    `<rect x="${lw}" width="${rw}" height="20" rx="3" fill="#1f6a3b"/>`,
    `<rect x="${lw - 3}" width="6" height="20" fill="#1f6a3b"/>`,
    `<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">`,
    `<text x="${lw / 2}" y="14">${escapeXml(left)}</text>`,
    `<text x="${lw + rw / 2}" y="14">${escapeXml(right)}</text>`,
    `</g></svg>`,
  ].join("");
}
