/**
 * Endorsements in words — the one vocabulary of every page, form, list, export and mail: the choices of the forms,
 * the evidence levels, and the sentence a listing reads as ("A serving police officer, Sweden"). Pure and isomorphic
 * (the form's live preview runs it in the browser); no zod here, so the browser bundle stays small. The rules that
 * validate input live in endorsement-input.ts; public lines are assembled in public-view.ts from these words.
 */
import { countryName } from "./countries";

export const CAPACITIES = ["serving_officer", "retired_officer", "professional", "individual"] as const;
export type Capacity = (typeof CAPACITIES)[number];

/** For the form's choices. */
export const CAPACITY_LABELS: Record<Capacity, string> = {
  serving_officer: "Serving police officer (or other law-enforcement officer)",
  retired_officer: "Retired police officer (or other law-enforcement officer)",
  professional: "Professional in another field",
  individual: "Private individual",
};

/** How a listing without a name begins: "A serving police officer, Sweden". */
export const CAPACITY_PHRASES: Record<Capacity, string> = {
  serving_officer: "A serving police officer",
  retired_officer: "A retired police officer",
  professional: "A professional in another field",
  individual: "A private individual",
};

/** After a name: "Anna Berg, serving police officer, Sweden". */
export const CAPACITY_NOUNS: Record<Capacity, string> = {
  serving_officer: "serving police officer",
  retired_officer: "retired police officer",
  professional: "professional in another field",
  individual: "private individual",
};

export const ORGANISATION_TYPES = ["police_agency", "police_association", "public_health", "ngo", "academic", "international", "other"] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

export const ORGANISATION_TYPE_LABELS: Record<OrganisationType, string> = {
  police_agency: "Police or law-enforcement agency",
  police_association: "Police association or union",
  public_health: "Public-health body",
  ngo: "Non-governmental organisation",
  academic: "University or research institute",
  international: "International body",
  other: "Other organisation",
};

export const PUBLIC_FIELDS = ["name", "role", "affiliation", "country", "capacity", "statement"] as const;
export type PublicField = (typeof PUBLIC_FIELDS)[number];

export const PUBLIC_FIELD_LABELS: Record<PublicField, string> = {
  name: "My name",
  role: "My role or rank",
  affiliation: "My affiliation",
  country: "My country",
  capacity: "My capacity (for example “serving police officer”)",
  statement: "My statement",
};

export type Evidence = "email" | "domain" | "verified" | "unverified";

/** The evidence level in words (receipts, lists; public lists use them in lower case, in brackets). */
export const EVIDENCE_LABELS: Record<Evidence, string> = {
  email: "Signed with a confirmed e-mail address",
  domain: "E-mail domain matches the organisation’s website",
  verified: "Verified by the organisers",
  unverified: "Unverified",
};

/** The heading of the list of those who endorse a version, and of those who endorsed an earlier one. */
export const signatoriesOfVersion = (n: number): string => `Endorsing version ${n}`;
export const SIGNATORIES_OF_EARLIER = "Endorsed an earlier version";

export const KIND_LABELS = { individual: "Individual endorsement", organisation: "Endorsement on behalf of an organisation" } as const;

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
export function describeIndividual(p: IndividualListing): string {
  const capacity = isCapacity(p.capacity) ? p.capacity : null;
  const country = p.country ? countryName(p.country) : null;
  const name = p.name?.trim() || null;
  const head = name ?? (capacity ? CAPACITY_PHRASES[capacity] : null);
  const rest = [p.role?.trim() || null, p.affiliation?.trim() || null, name && capacity ? CAPACITY_NOUNS[capacity] : null, country].filter(
    (part): part is string => Boolean(part),
  );
  if (!head) return rest.length > 0 ? `An endorser: ${rest.join(", ")}` : "An endorser who chose not to be named";
  return [head, ...rest].join(", ");
}

/** "Swedish Police Authority (police or law-enforcement agency), Sweden". */
export function describeOrganisation(p: { organisationName?: string | null; organisationType?: string | null; country?: string | null }): string {
  const type = isOrganisationType(p.organisationType) ? ORGANISATION_TYPE_LABELS[p.organisationType].toLowerCase() : null;
  const name = p.organisationName?.trim() || "An organisation";
  const head = type ? `${name} (${type})` : name;
  return p.country ? `${head}, ${countryName(p.country)}` : head;
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
