/**
 * Endorsements in words — the one vocabulary of every page, form, list, export and mail: the choices of the forms,
 * the evidence levels, and the sentence a listing reads as ("A serving police officer, Sweden"). Pure and isomorphic
 * (the form's live preview runs it in the browser); no zod here, so the browser bundle stays small. The rules that
 * validate input live in endorsement-input.ts; public lines are assembled in public-view.ts from these words.
 */
import englishPublic from "../locales/en/public.json";
import { createI18n, type Translate } from "../i18n/instance";
import { countryName } from "./countries";

/** The words of a page's language (`useT().t`, `requestT`, `tFor`); English when none is given. */
export type Words = Translate;
export const ENGLISH: Words = createI18n("en", { public: englishPublic }).t;

/** A map of keys (each written whole, so tests/unit/locales.test.ts sees it) to the words of a language. */
export function inWords<K extends string>(keys: Record<K, string>, t: Words = ENGLISH): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const k of Object.keys(keys) as K[]) out[k] = t(keys[k]);
  return out;
}

export const CAPACITIES = ["serving_officer", "retired_officer", "professional", "individual"] as const;
export type Capacity = (typeof CAPACITIES)[number];

/** For the form's choices. */
export const CAPACITY_LABEL_KEYS: Record<Capacity, string> = {
  serving_officer: "public:words.capacity.serving_officer",
  retired_officer: "public:words.capacity.retired_officer",
  professional: "public:words.capacity.professional",
  individual: "public:words.capacity.individual",
};
export const CAPACITY_LABELS = inWords(CAPACITY_LABEL_KEYS);

/** How a listing without a name begins: "A serving police officer, Sweden". */
export const CAPACITY_PHRASE_KEYS: Record<Capacity, string> = {
  serving_officer: "public:words.capacityPhrase.serving_officer",
  retired_officer: "public:words.capacityPhrase.retired_officer",
  professional: "public:words.capacityPhrase.professional",
  individual: "public:words.capacityPhrase.individual",
};
export const CAPACITY_PHRASES = inWords(CAPACITY_PHRASE_KEYS);

/** After a name: "Anna Berg, serving police officer, Sweden". */
export const CAPACITY_NOUN_KEYS: Record<Capacity, string> = {
  serving_officer: "public:words.capacityNoun.serving_officer",
  retired_officer: "public:words.capacityNoun.retired_officer",
  professional: "public:words.capacityNoun.professional",
  individual: "public:words.capacityNoun.individual",
};
export const CAPACITY_NOUNS = inWords(CAPACITY_NOUN_KEYS);

export const ORGANISATION_TYPES = ["police_agency", "police_association", "public_health", "ngo", "academic", "international", "other"] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

export const ORGANISATION_TYPE_KEYS: Record<OrganisationType, string> = {
  police_agency: "public:words.organisationType.police_agency",
  police_association: "public:words.organisationType.police_association",
  public_health: "public:words.organisationType.public_health",
  ngo: "public:words.organisationType.ngo",
  academic: "public:words.organisationType.academic",
  international: "public:words.organisationType.international",
  other: "public:words.organisationType.other",
};
export const ORGANISATION_TYPE_LABELS = inWords(ORGANISATION_TYPE_KEYS);

export const PUBLIC_FIELDS = ["name", "role", "affiliation", "country", "capacity", "statement"] as const;
export type PublicField = (typeof PUBLIC_FIELDS)[number];

export const PUBLIC_FIELD_KEYS: Record<PublicField, string> = {
  name: "public:words.publicField.name",
  role: "public:words.publicField.role",
  affiliation: "public:words.publicField.affiliation",
  country: "public:words.publicField.country",
  capacity: "public:words.publicField.capacity",
  statement: "public:words.publicField.statement",
};
export const PUBLIC_FIELD_LABELS = inWords(PUBLIC_FIELD_KEYS);

export type Evidence = "email" | "domain" | "verified" | "unverified";

/** The evidence level in words (receipts, lists; public lists use them in lower case, in brackets). */
export const EVIDENCE_KEYS: Record<Evidence, string> = {
  email: "public:words.evidence.email",
  domain: "public:words.evidence.domain",
  verified: "public:words.evidence.verified",
  unverified: "public:words.evidence.unverified",
};
export const EVIDENCE_LABELS = inWords(EVIDENCE_KEYS);

/** The heading of the list of those who endorse a version, and of those who endorsed an earlier one. */
export const signatoriesOfVersion = (n: number, t: Words = ENGLISH): string => t("public:words.signatoriesOfVersion", { number: n });
export const signatoriesOfEarlier = (t: Words = ENGLISH): string => t("public:words.signatoriesOfEarlier");

export const KIND_KEYS = { individual: "public:words.kind.individual", organisation: "public:words.kind.organisation" } as const;
export const KIND_LABELS = inWords(KIND_KEYS);

export function isCapacity(v: unknown): v is Capacity {
  return typeof v === "string" && (CAPACITIES as readonly string[]).includes(v);
}

export function isOrganisationType(v: unknown): v is OrganisationType {
  return typeof v === "string" && (ORGANISATION_TYPES as readonly string[]).includes(v);
}

/** The public parts of an individual's endorsement (absent when not public or empty). */
export interface IndividualListing {
  name?: string | null;
  role?: string | null;
  affiliation?: string | null;
  country?: string | null;
  capacity?: string | null;
}

/**
 * How an individual's listing reads. With a name: "Anna Berg, Detective Inspector, Stockholm Police, serving
 * police officer, Sweden"; without: "A serving police officer, Sweden"; with nothing public: "An endorser who
 * chose not to be named".
 */
export function describeIndividual(p: IndividualListing, t: Words = ENGLISH, locale?: string): string {
  const capacity = isCapacity(p.capacity) ? p.capacity : null;
  const country = p.country ? countryName(p.country, locale) : null;
  const name = p.name?.trim() || null;
  const head = name ?? (capacity ? t(CAPACITY_PHRASE_KEYS[capacity]) : null);
  const rest = [p.role?.trim() || null, p.affiliation?.trim() || null, name && capacity ? t(CAPACITY_NOUN_KEYS[capacity]) : null, country].filter(
    (part): part is string => Boolean(part),
  );
  if (!head) return rest.length > 0 ? t("public:words.endorserWith", { details: rest.join(", ") }) : t("public:words.endorserUnnamed");
  return [head, ...rest].join(", ");
}

/** "Swedish Police Authority (police or law-enforcement agency), Sweden". */
export function describeOrganisation(
  p: { organisationName?: string | null; organisationType?: string | null; country?: string | null },
  t: Words = ENGLISH,
  locale?: string,
): string {
  const type = isOrganisationType(p.organisationType) ? t(ORGANISATION_TYPE_KEYS[p.organisationType]).toLowerCase() : null;
  const name = p.organisationName?.trim() || t("public:words.anOrganisation");
  const head = type ? `${name} (${type})` : name;
  return p.country ? `${head}, ${countryName(p.country, locale)}` : head;
}

/** Only the fields an individual chose to make public, from all of their fields. */
export function publicPartsOf(
  fields: { name?: string | null; role?: string | null; affiliation?: string | null; country?: string | null; capacity?: string | null; statement?: string | null },
  publicFields: readonly string[],
): IndividualListing & { statement?: string | null } {
  const out: IndividualListing & { statement?: string | null } = {};
  for (const key of PUBLIC_FIELDS) {
    if (publicFields.includes(key) && fields[key]) out[key] = fields[key];
  }
  return out;
}
