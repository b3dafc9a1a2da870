/**
 * The public side of endorsements: who is listed, and the honest counts. Read-only SQL, no account needed.
 *
 * The public rule (shared with the write side; keep `publicEndorsement` the one place it is written):
 *   an endorsement is public iff it is not withdrawn (withdrawn_at is null), moderation = 'visible', and — when
 *   the declaration's organisation policy is 'verified_only' — it is not an organisation with evidence 'unverified'.
 *
 * Only public fields ever leave this module: an individual's fields only when named in `public_fields`, an
 * organisation's name, type, country and website. Never user ids, e-mail addresses, IPs, the signer's role or
 * name on an organisation's endorsement, moderation reasons or timestamps that could be joined to an account.
 * A country filter matches only a country that is itself public (an individual's hidden country is never
 * searchable).
 */
import { getSql, type Queryable } from "./client";

export type EndorsementKind = "individual" | "organisation";
export type Evidence = "email" | "domain" | "verified" | "unverified";
export type Capacity = "serving_officer" | "retired_officer" | "professional" | "individual";
export type OrganisationType = "police_agency" | "police_association" | "public_health" | "ngo" | "academic" | "international" | "other";

/** One public entry. Optional fields are absent (not null) when they are not public. Keep this shape stable. */
export interface PublicEndorsement {
  id: string;
  kind: EndorsementKind;
  versionNumber: number;
  evidence: Evidence;
  name?: string;
  role?: string;
  affiliation?: string;
  country?: string;
  capacity?: Capacity;
  statement?: string;
  organisationName?: string;
  organisationType?: OrganisationType;
  website?: string;
}

export interface PublicCounts {
  /** Public endorsements of the current version (individuals + organisations). */
  current: number;
  /** Signers (accounts; organisations by organisation_key) with a public endorsement of an earlier version only. */
  earlier: number;
  /** Public endorsements of the current version by individuals. */
  individuals: number;
  /** Public endorsements of the current version on behalf of organisations. */
  organisations: number;
  /** The same split for `earlier` (shown on the page; not part of the JSON contract). */
  earlierIndividuals: number;
  earlierOrganisations: number;
}

export interface ListPublicEndorsementsOptions {
  slug: string;
  kind?: EndorsementKind;
  /** ISO 3166-1 alpha-2, upper case; matched only against a public country. */
  country?: string;
  /**
   * "all" (default): every public endorsement of every published version.
   * "counted": exactly the entries behind the counts — every public endorsement of the current version, and for
   * each signer who has not endorsed the current version, their latest public endorsement of an earlier one.
   */
  scope?: "all" | "counted";
  /** Only the endorsements of this published version (with scope "all": every public endorsement of it). */
  versionNumber?: number;
  limit?: number;
  offset?: number;
}

/** The public rule as a WHERE fragment over `e` (endorsements) and `dl` (declarations). */
export const publicEndorsement = (sql: Queryable) => sql`
  e.withdrawn_at is null
  and e.moderation = 'visible'
  and (e.kind = 'individual' or e.evidence <> 'unverified' or dl.organisation_policy = 'list_unverified')`;

/** Who signed, for "has this signer endorsed the current version?": the account, or the organisation. */
const signerKey = (sql: Queryable) => sql`
  case when e.kind = 'organisation' then 'o:' || e.organisation_key else 'u:' || coalesce(e.user_id::text, e.id::text) end`;

/**
 * Public endorsements of one declaration (by slug or document id) with their version number, whether that is the
 * current version, and whether the signer also has a public endorsement of the current version.
 */
const publicRows = (sql: Queryable, where: { slug?: string; documentId?: string }) => sql`
  with latest as (
    select dl.document_id, dl.organisation_policy, max(pv.number) as current_number
    from declarations dl join published_versions pv on pv.document_id = dl.document_id
    where ${where.slug !== undefined ? sql`dl.slug = ${where.slug}` : where.documentId !== undefined ? sql`dl.document_id = ${where.documentId}` : sql`true`}
    group by dl.document_id, dl.organisation_policy
  ),
  pub as (
    select e.id, e.kind, e.evidence, e.display_name, e.role_title, e.affiliation, e.country, e.capacity, e.statement,
           e.public_fields, e.organisation_name, e.organisation_type, e.website, e.created_at,
           dl.document_id, pv.number, pv.number = dl.current_number as is_current, ${signerKey(sql)} as signer
    from latest dl
    join published_versions pv on pv.document_id = dl.document_id
    join endorsements e on e.published_version_id = pv.id
    where ${publicEndorsement(sql)}
  ),
  flagged as (
    select p.*, (not p.is_current and exists (
             select 1 from pub c where c.document_id = p.document_id and c.is_current and c.signer = p.signer)) as superseded,
           row_number() over (partition by p.document_id, p.signer, p.is_current order by p.number desc, p.created_at desc) as nth
    from pub p
  )`;

interface Row {
  id: string;
  kind: EndorsementKind;
  versionNumber: number;
  evidence: Evidence;
  name: string | null;
  role: string | null;
  affiliation: string | null;
  country: string | null;
  capacity: Capacity | null;
  statement: string | null;
  organisationName: string | null;
  organisationType: OrganisationType | null;
  website: string | null;
}

const publicColumns = (sql: Queryable) => sql`
  f.id, f.kind, f.number as "versionNumber", f.evidence,
  case when f.kind = 'individual' and 'name' = any(f.public_fields) then f.display_name end as name,
  case when f.kind = 'individual' and 'role' = any(f.public_fields) then f.role_title end as role,
  case when f.kind = 'individual' and 'affiliation' = any(f.public_fields) then f.affiliation end as affiliation,
  ${publicCountry(sql)} as country,
  case when f.kind = 'individual' and 'capacity' = any(f.public_fields) then f.capacity end as capacity,
  case when f.kind = 'individual' and 'statement' = any(f.public_fields) then f.statement end as statement,
  case when f.kind = 'organisation' then f.organisation_name end as "organisationName",
  case when f.kind = 'organisation' then f.organisation_type end as "organisationType",
  case when f.kind = 'organisation' then f.website end as website`;

const publicCountry = (sql: Queryable) => sql`
  case when f.kind = 'organisation' or 'country' = any(f.public_fields) then f.country end`;

const filters = (sql: Queryable, o: Pick<ListPublicEndorsementsOptions, "kind" | "country" | "scope" | "versionNumber">) => sql`
  ${o.scope === "counted" ? sql`and not f.superseded and (f.is_current or f.nth = 1)` : sql``}
  ${o.versionNumber !== undefined ? sql`and f.number = ${o.versionNumber}` : sql``}
  ${o.kind ? sql`and f.kind = ${o.kind}` : sql``}
  ${o.country ? sql`and ${publicCountry(sql)} = ${o.country}` : sql``}`;

function toPublic(row: Row): PublicEndorsement {
  const out: PublicEndorsement = { id: row.id, kind: row.kind, versionNumber: row.versionNumber, evidence: row.evidence };
  const optional = ["name", "role", "affiliation", "country", "capacity", "statement", "organisationName", "organisationType", "website"] as const;
  for (const key of optional) {
    const value = row[key];
    if (value != null && value !== "") (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}

/**
 * The public list of a declaration's endorsements (unknown slug: empty list). Newest version first; within a
 * version organisations first, then in the order they were given.
 */
export async function listPublicEndorsements(options: ListPublicEndorsementsOptions, sql: Queryable = getSql()): Promise<PublicEndorsement[]> {
  const limit = options.limit !== undefined ? Math.max(0, Math.floor(options.limit)) : null;
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  const rows = await sql<Row[]>`
    ${publicRows(sql, { slug: options.slug })}
    select ${publicColumns(sql)}
    from flagged f
    where true ${filters(sql, options)}
    order by f.number desc, case f.kind when 'organisation' then 0 else 1 end, f.created_at, f.id
    ${limit !== null ? sql`limit ${limit}` : sql``} offset ${offset}`;
  return rows.map(toPublic);
}

/** How many entries `listPublicEndorsements` would return without limit/offset. */
export async function countPublicEndorsements(options: Omit<ListPublicEndorsementsOptions, "limit" | "offset">, sql: Queryable = getSql()): Promise<number> {
  const [row]: [{ n: number }?] = await sql`
    ${publicRows(sql, { slug: options.slug })}
    select count(*)::int as n from flagged f where true ${filters(sql, options)}`;
  return row?.n ?? 0;
}

/** The public countries among a declaration's counted entries, for the filter (codes, sorted). */
export async function listPublicCountries(slug: string, sql: Queryable = getSql()): Promise<string[]> {
  const rows = await sql<{ country: string }[]>`
    ${publicRows(sql, { slug })}
    select distinct ${publicCountry(sql)} as country
    from flagged f
    where ${publicCountry(sql)} is not null ${filters(sql, { scope: "counted" })}
    order by 1`;
  return rows.map((r) => r.country);
}

const ZERO: PublicCounts = { current: 0, earlier: 0, individuals: 0, organisations: 0, earlierIndividuals: 0, earlierOrganisations: 0 };

/**
 * Honest counts per declaration, keyed by document id: endorsements of the current version (split by kind), and
 * signers who endorsed only an earlier version (each counted once, however many earlier versions they signed).
 */
export async function countPublicEndorsementsByDocument(where: { slug?: string; documentId?: string } = {}, sql: Queryable = getSql()): Promise<Map<string, PublicCounts>> {
  const rows = await sql<({ documentId: string } & PublicCounts)[]>`
    ${publicRows(sql, where)}
    select f.document_id as "documentId",
      count(*) filter (where f.is_current)::int as current,
      count(*) filter (where f.is_current and f.kind = 'individual')::int as individuals,
      count(*) filter (where f.is_current and f.kind = 'organisation')::int as organisations,
      count(distinct f.signer) filter (where not f.is_current and not f.superseded)::int as earlier,
      count(distinct f.signer) filter (where not f.is_current and not f.superseded and f.kind = 'individual')::int as "earlierIndividuals",
      count(distinct f.signer) filter (where not f.is_current and not f.superseded and f.kind = 'organisation')::int as "earlierOrganisations"
    from flagged f
    group by f.document_id`;
  return new Map(rows.map(({ documentId, ...counts }) => [documentId, counts]));
}

/** Counts of one declaration (zeros when it has no public endorsement or does not exist). */
export async function countPublicEndorsementsOf(where: { slug: string } | { documentId: string }, sql: Queryable = getSql()): Promise<PublicCounts> {
  const map = await countPublicEndorsementsByDocument(where, sql);
  return [...map.values()][0] ?? { ...ZERO };
}
