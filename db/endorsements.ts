/**
 * SQL for endorsements (the write side, receipts, the organisers' queue and exports). The public list and counts
 * live in db/public-endorsements.ts; the rate limit's counters in db/request-limits.ts.
 *
 * Uniqueness is the database's: endorsements_one_per_person / endorsements_one_per_organisation (partial unique
 * indexes); `insertEndorsements` (many rows in one statement) skips a row they refuse and reports it as not
 * inserted, for the caller to answer 409.
 * Signer e-mails are selected in exactly one place: `listEndorsementsForExport` (organisers only).
 */
import { getSql, type Queryable } from "./client";

export type EndorsementKind = "individual" | "organisation";
export type Evidence = "email" | "domain" | "verified" | "unverified";
export type Moderation = "visible" | "pending" | "rejected" | "hidden";

/** The current (latest) published version of a declaration, with its settings. */
export interface CurrentVersion {
  documentId: string;
  workshopId: string;
  slug: string;
  title: string;
  number: number;
  publishedVersionId: string;
  sha256: string;
  publishedAt: Date;
  endorsementsOpen: boolean;
  organisationPolicy: "list_unverified" | "verified_only";
}

const currentVersionColumns = (sql: Queryable) => sql`
  dl.document_id as "documentId", d.workshop_id as "workshopId", dl.slug, pv.title, pv.number,
  pv.id as "publishedVersionId", pv.sha256, pv.published_at as "publishedAt",
  dl.endorsements_open as "endorsementsOpen", dl.organisation_policy as "organisationPolicy"`;

export async function findCurrentVersionBySlug(slug: string, sql: Queryable = getSql()): Promise<CurrentVersion | null> {
  const [row]: [CurrentVersion?] = await sql`
    select ${currentVersionColumns(sql)}
    from declarations dl
    join documents d on d.id = dl.document_id
    join published_versions pv on pv.document_id = dl.document_id
    where dl.slug = ${slug}
    order by pv.number desc
    limit 1`;
  return row ?? null;
}

/** The current published version of each of several declarations, in one statement: by slug; unknown slugs are absent. */
export async function findCurrentVersionsBySlugs(slugs: string[], sql: Queryable = getSql()): Promise<Map<string, CurrentVersion>> {
  if (slugs.length === 0) return new Map();
  const rows: CurrentVersion[] = await sql`
    select distinct on (dl.slug) ${currentVersionColumns(sql)}
    from declarations dl
    join documents d on d.id = dl.document_id
    join published_versions pv on pv.document_id = dl.document_id
    where dl.slug = any(${slugs}::text[])
    order by dl.slug, pv.number desc`;
  return new Map(rows.map((row) => [row.slug, row]));
}

export async function findCurrentVersionByDocument(documentId: string, sql: Queryable = getSql()): Promise<CurrentVersion | null> {
  const [row]: [CurrentVersion?] = await sql`
    select ${currentVersionColumns(sql)}
    from declarations dl
    join documents d on d.id = dl.document_id
    join published_versions pv on pv.document_id = dl.document_id
    where dl.document_id = ${documentId}
    order by pv.number desc
    limit 1`;
  return row ?? null;
}

export interface NewEndorsement {
  publishedVersionId: string;
  versionSha256: string;
  userId: string;
  kind: EndorsementKind;
  displayName: string | null;
  roleTitle: string | null;
  affiliation: string | null;
  country: string;
  capacity: string | null;
  statement: string | null;
  publicFields: string[];
  organisationName: string | null;
  organisationKey: string | null;
  organisationType: string | null;
  website: string | null;
  signerRole: string | null;
  authorised: boolean | null;
  evidence: Evidence;
  moderation: Moderation;
  reconfirms: string | null;
  /** Endorsed from a translated page: the language read and that translation (id, SHA-256); absent or null otherwise. */
  readLanguage?: string | null;
  readTranslationId?: string | null;
  readSha256?: string | null;
}

/**
 * Insert many endorsements in one statement (group commit). Rows that would break a uniqueness rule (already
 * endorsed, also by another row of the same batch) are skipped: the answer maps each given id to its creation time,
 * and an id missing from it was not inserted. Any other refusal (a hash that is not the version's, a deleted
 * account) fails the whole statement: callers retry such a batch row by row.
 */
export async function insertEndorsements(rows: (NewEndorsement & { id: string })[], sql: Queryable = getSql()): Promise<Map<string, Date>> {
  if (rows.length === 0) return new Map();
  const json = rows.map((e) => ({
    id: e.id,
    published_version_id: e.publishedVersionId,
    version_sha256: e.versionSha256,
    user_id: e.userId,
    kind: e.kind,
    display_name: e.displayName,
    role_title: e.roleTitle,
    affiliation: e.affiliation,
    country: e.country,
    capacity: e.capacity,
    statement: e.statement,
    public_fields: e.publicFields,
    organisation_name: e.organisationName,
    organisation_key: e.organisationKey,
    organisation_type: e.organisationType,
    website: e.website,
    signer_role: e.signerRole,
    authorised: e.authorised,
    evidence: e.evidence,
    moderation: e.moderation,
    reconfirms: e.reconfirms,
    read_language: e.readLanguage ?? null,
    read_translation_id: e.readTranslationId ?? null,
    read_sha256: e.readSha256 ?? null,
    ord: 0,
  }));
  json.forEach((row, i) => (row.ord = i));
  const inserted = await sql<{ id: string; createdAt: Date }[]>`
    insert into endorsements (
      id, published_version_id, version_sha256, user_id, kind, display_name, role_title, affiliation, country, capacity,
      statement, public_fields, organisation_name, organisation_key, organisation_type, website, signer_role,
      authorised, evidence, moderation, consent, reconfirms, read_language, read_translation_id, read_sha256)
    select
      r.id, r.published_version_id, r.version_sha256, r.user_id, r.kind, r.display_name, r.role_title, r.affiliation,
      r.country, r.capacity, r.statement, r.public_fields, r.organisation_name, r.organisation_key, r.organisation_type,
      r.website, r.signer_role, r.authorised, r.evidence, r.moderation, true, r.reconfirms, r.read_language,
      r.read_translation_id, r.read_sha256
    from jsonb_to_recordset(${sql.json(json as never)}) as r(
      id uuid, published_version_id uuid, version_sha256 text, user_id uuid, kind text, display_name text,
      role_title text, affiliation text, country text, capacity text, statement text, public_fields text[],
      organisation_name text, organisation_key text, organisation_type text, website text, signer_role text,
      authorised boolean, evidence text, moderation text, reconfirms uuid, read_language text, read_translation_id uuid,
      read_sha256 text, ord int)
    order by r.ord
    on conflict do nothing
    returning id, created_at as "createdAt"`;
  return new Map(inserted.map((r) => [r.id, r.createdAt]));
}

/** Every stored field of one endorsement (server-side only: callers decide what may be shown). */
export interface EndorsementRow {
  id: string;
  publishedVersionId: string;
  versionSha256: string;
  userId: string | null;
  kind: EndorsementKind;
  displayName: string | null;
  roleTitle: string | null;
  affiliation: string | null;
  country: string | null;
  capacity: string | null;
  statement: string | null;
  publicFields: string[];
  organisationName: string | null;
  organisationKey: string | null;
  organisationType: string | null;
  website: string | null;
  signerRole: string | null;
  authorised: boolean | null;
  evidence: Evidence;
  moderation: Moderation;
  moderationReason: string | null;
  reconfirms: string | null;
  /** The translation read when endorsing (language and SHA-256), null for the authoritative text. */
  readLanguage: string | null;
  readSha256: string | null;
  createdAt: Date;
  withdrawnAt: Date | null;
  erasedAt: Date | null;
}

const endorsementColumns = (sql: Queryable) => sql`
  e.id, e.published_version_id as "publishedVersionId", e.version_sha256 as "versionSha256", e.user_id as "userId",
  e.kind, e.display_name as "displayName", e.role_title as "roleTitle", e.affiliation, e.country, e.capacity,
  e.statement, e.public_fields as "publicFields", e.organisation_name as "organisationName",
  e.organisation_key as "organisationKey", e.organisation_type as "organisationType", e.website,
  e.signer_role as "signerRole", e.authorised, e.evidence, e.moderation, e.moderation_reason as "moderationReason",
  e.reconfirms, e.read_language as "readLanguage", e.read_sha256 as "readSha256", e.created_at as "createdAt", e.withdrawn_at as "withdrawnAt", e.erased_at as "erasedAt"`;

/** An endorsement with what it endorsed: the version, its declaration, and the declaration's current version number. */
export interface EndorsementWithVersion extends EndorsementRow {
  versionNumber: number;
  title: string;
  publishedAt: Date;
  slug: string;
  documentId: string;
  currentNumber: number;
  organisationPolicy: "list_unverified" | "verified_only";
}

const withVersionColumns = (sql: Queryable) => sql`
  ${endorsementColumns(sql)}, pv.number as "versionNumber", pv.title, pv.published_at as "publishedAt", dl.slug,
  dl.document_id as "documentId", dl.organisation_policy as "organisationPolicy",
  (select max(p2.number) from published_versions p2 where p2.document_id = dl.document_id) as "currentNumber"`;

export async function findEndorsementWithVersion(id: string, sql: Queryable = getSql()): Promise<EndorsementWithVersion | null> {
  const [row]: [EndorsementWithVersion?] = await sql`
    select ${withVersionColumns(sql)}
    from endorsements e
    join published_versions pv on pv.id = e.published_version_id
    join declarations dl on dl.document_id = pv.document_id
    where e.id = ${id}`;
  return row ?? null;
}

/** The user's endorsements of one declaration (every version), newest first. */
export async function listUserEndorsementsOfDocument(userId: string, documentId: string, sql: Queryable = getSql()): Promise<EndorsementWithVersion[]> {
  return sql<EndorsementWithVersion[]>`
    select ${withVersionColumns(sql)}
    from endorsements e
    join published_versions pv on pv.id = e.published_version_id
    join declarations dl on dl.document_id = pv.document_id
    where e.user_id = ${userId} and dl.document_id = ${documentId}
    order by pv.number desc, e.created_at desc`;
}

/** Every endorsement a user made (their data download). */
export async function listUserEndorsements(userId: string, sql: Queryable = getSql()): Promise<EndorsementWithVersion[]> {
  return sql<EndorsementWithVersion[]>`
    select ${withVersionColumns(sql)}
    from endorsements e
    join published_versions pv on pv.id = e.published_version_id
    join declarations dl on dl.document_id = pv.document_id
    where e.user_id = ${userId}
    order by e.created_at desc`;
}

/**
 * Earlier-version endorsements this user can re-confirm on the current version: theirs, not withdrawn, not hidden
 * or rejected, and with no live endorsement of the current version by them (individual) or by the same
 * organisation (organisation). The latest one per individual / per organisation.
 */
export async function listReconfirmable(userId: string, current: { documentId: string; publishedVersionId: string; number: number }, sql: Queryable = getSql()): Promise<EndorsementWithVersion[]> {
  return sql<EndorsementWithVersion[]>`
    select * from (
      select distinct on (e.kind, coalesce(e.organisation_key, '')) ${withVersionColumns(sql)}
      from endorsements e
      join published_versions pv on pv.id = e.published_version_id
      join declarations dl on dl.document_id = pv.document_id
      where e.user_id = ${userId} and dl.document_id = ${current.documentId} and pv.number < ${current.number}
        and e.withdrawn_at is null and e.moderation in ('visible', 'pending')
        and not exists (
          select 1 from endorsements c
          where c.published_version_id = ${current.publishedVersionId} and c.withdrawn_at is null and c.kind = e.kind
            and (case when e.kind = 'individual' then c.user_id = e.user_id
                      else c.organisation_key = e.organisation_key and c.moderation <> 'rejected' end))
      order by e.kind, coalesce(e.organisation_key, ''), pv.number desc, e.created_at desc
    ) x
    order by "versionNumber" desc, "createdAt" desc`;
}

/**
 * What withdrawing or erasing an endorsement empties: every personal field, so that nothing but what its public
 * receipt shows (kind, version, hash, evidence, times) is left for anyone, organisers included.
 */
const erasedFields = (sql: Queryable) => sql`
  erased_at = now(), display_name = null, role_title = null, affiliation = null, country = null, capacity = null,
  statement = null, public_fields = '{}', organisation_name = null, organisation_key = null, website = null,
  signer_role = null, moderation_reason = null`;

/** The signer withdraws (its personal fields are erased): "withdrawn" (now), "already" (earlier), or null when it is not theirs. */
export async function withdrawEndorsement(id: string, userId: string, sql: Queryable = getSql()): Promise<"withdrawn" | "already" | null> {
  const [row]: [{ fresh: boolean }?] = await sql`
    with target as (select id, withdrawn_at from endorsements where id = ${id} and user_id = ${userId} for update),
    done as (
      update endorsements e set withdrawn_at = now(), ${erasedFields(sql)}
      from target t where e.id = t.id and t.withdrawn_at is null
      returning e.id)
    select exists (select 1 from done) as fresh from target`;
  if (!row) return null;
  return row.fresh ? "withdrawn" : "already";
}

// ── Organisers ──────────────────────────────────────────────────────────────────────────────────────────────

/** Every endorsement of a declaration, every version, for its organisers (no e-mails: see the export). */
export async function listEndorsementsOfDocument(documentId: string, limit: number, sql: Queryable = getSql()): Promise<(EndorsementRow & { versionNumber: number; signerDomain: string | null })[]> {
  return sql<(EndorsementRow & { versionNumber: number; signerDomain: string | null })[]>`
    select ${endorsementColumns(sql)}, pv.number as "versionNumber",
           case when e.kind = 'organisation' then split_part(u.email, '@', 2) end as "signerDomain"
    from endorsements e
    join published_versions pv on pv.id = e.published_version_id
    left join users u on u.id = e.user_id
    where pv.document_id = ${documentId}
    order by case when e.moderation = 'pending' and e.withdrawn_at is null then 0 else 1 end, pv.number desc, e.created_at desc
    limit ${limit}`;
}

export async function countEndorsementsOfDocument(documentId: string, sql: Queryable = getSql()): Promise<number> {
  const [row]: [{ n: number }?] = await sql`
    select count(*)::int as n from endorsements e join published_versions pv on pv.id = e.published_version_id
    where pv.document_id = ${documentId}`;
  return row?.n ?? 0;
}

export interface ExportRow extends EndorsementRow {
  versionNumber: number;
  signerEmail: string | null;
}

/** The organisers' export: everything, with the signer's e-mail (the one query that selects it) unless withdrawn. */
export async function listEndorsementsForExport(documentId: string, sql: Queryable = getSql()): Promise<ExportRow[]> {
  return sql<ExportRow[]>`
    select ${endorsementColumns(sql)}, pv.number as "versionNumber",
           case when e.withdrawn_at is null then u.email end as "signerEmail"
    from endorsements e
    join published_versions pv on pv.id = e.published_version_id
    left join users u on u.id = e.user_id
    where pv.document_id = ${documentId}
    order by pv.number, e.created_at, e.id`;
}

export type ModerationAction = "verify" | "reject" | "hide" | "unhide";

/**
 * One moderation step on an endorsement of this document, as a guarded state change (a stale or repeated click
 * changes nothing and returns null). Verify: an organisation becomes evidence 'verified' and visible. Reject: a
 * pending or listed organisation is refused (its name is free again). Hide: any live endorsement, with a reason.
 * Unhide: back to visible, or to pending when the policy lists only verified organisations and it is unverified.
 */
export async function moderateEndorsement(
  input: { id: string; documentId: string; action: ModerationAction; reason: string | null },
  sql: Queryable = getSql(),
): Promise<{ id: string; moderation: Moderation; evidence: Evidence } | null> {
  const inDocument = sql`e.published_version_id in (select id from published_versions where document_id = ${input.documentId})`;
  let rows: { id: string; moderation: Moderation; evidence: Evidence }[];
  switch (input.action) {
    case "verify":
      rows = await sql`
        update endorsements e set evidence = 'verified', moderation = 'visible', moderation_reason = null
        where e.id = ${input.id} and ${inDocument} and e.kind = 'organisation' and e.withdrawn_at is null
          and (e.moderation in ('pending', 'rejected') or (e.moderation = 'visible' and e.evidence <> 'verified'))
        returning e.id, e.moderation, e.evidence`;
      break;
    case "reject":
      rows = await sql`
        update endorsements e set moderation = 'rejected', moderation_reason = ${input.reason}
        where e.id = ${input.id} and ${inDocument} and e.kind = 'organisation' and e.withdrawn_at is null
          and e.moderation in ('pending', 'visible')
        returning e.id, e.moderation, e.evidence`;
      break;
    case "hide":
      rows = await sql`
        update endorsements e set moderation = 'hidden', moderation_reason = ${input.reason}
        where e.id = ${input.id} and ${inDocument} and e.withdrawn_at is null and e.moderation in ('visible', 'pending')
        returning e.id, e.moderation, e.evidence`;
      break;
    case "unhide":
      rows = await sql`
        update endorsements e set moderation_reason = null,
          moderation = case when e.kind = 'organisation' and e.evidence = 'unverified'
                             and (select organisation_policy from declarations dl join published_versions pv on pv.document_id = dl.document_id
                                  where pv.id = e.published_version_id) = 'verified_only'
                            then 'pending' else 'visible' end
        where e.id = ${input.id} and ${inDocument} and e.withdrawn_at is null and e.moderation = 'hidden'
        returning e.id, e.moderation, e.evidence`;
      break;
  }
  return rows[0] ?? null;
}

// ── Account deletion ───────────────────────────────────────────────────────────────────────────────────────

/** Withdraw (keeping an earlier withdrawal's date) and erase every personal field of a user's endorsements. */
export async function eraseUserEndorsements(userId: string, sql: Queryable = getSql()): Promise<number> {
  const rows = await sql`
    update endorsements set withdrawn_at = coalesce(withdrawn_at, now()), ${erasedFields(sql)}
    where user_id = ${userId}`;
  return rows.count;
}

