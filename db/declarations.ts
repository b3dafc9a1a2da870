/**
 * SQL for declarations (a published document's slug and endorsement settings) and their sealed published
 * versions. published_versions is immutable: the database refuses UPDATE, DELETE and TRUNCATE (migration 0002),
 * so this module only ever inserts and reads it.
 *
 * Public readers (`findPublicDeclaration`, `listPublicDeclarations`, `listPublishedVersions`, `findPublishedVersion`)
 * never select who published (user ids) or anything about accounts. `listSignersToNotify` is the one query here
 * that reads e-mail addresses: for the publishing mail only, never for output.
 */
import { getSql, type Queryable } from "./client";

export type OrganisationPolicy = "list_unverified" | "verified_only";

export interface DeclarationSettings {
  documentId: string;
  slug: string;
  endorsementsOpen: boolean;
  organisationPolicy: OrganisationPolicy;
}

export interface PublishedVersionSummary {
  id: string;
  number: number;
  title: string;
  sha256: string;
  publishedAt: Date;
}

export interface PublishedVersion extends PublishedVersionSummary {
  canonicalText: string;
  html: string;
}

export interface PublicDeclaration extends DeclarationSettings {
  current: PublishedVersion;
}

export interface PublicDeclarationSummary {
  documentId: string;
  slug: string;
  endorsementsOpen: boolean;
  title: string;
  number: number;
  sha256: string;
  publishedAt: Date;
}

const settingsColumns = (sql: Queryable) => sql`
  dl.document_id as "documentId", dl.slug, dl.endorsements_open as "endorsementsOpen", dl.organisation_policy as "organisationPolicy"`;

export async function findDeclarationForDocument(documentId: string, sql: Queryable = getSql()): Promise<DeclarationSettings | null> {
  const [row]: [DeclarationSettings?] = await sql`select ${settingsColumns(sql)} from declarations dl where dl.document_id = ${documentId}`;
  return row ?? null;
}

/** The document that holds a slug, if any. */
export async function findSlugOwner(slug: string, sql: Queryable = getSql()): Promise<string | null> {
  const [row]: [{ documentId: string }?] = await sql`select document_id as "documentId" from declarations where slug = ${slug}`;
  return row?.documentId ?? null;
}

/** Create the declaration row unless the document already has one (its slug then stays as it is). */
export async function insertDeclarationIfAbsent(entry: { documentId: string; slug: string }, sql: Queryable = getSql()): Promise<void> {
  await sql`
    insert into declarations (document_id, slug) values (${entry.documentId}, ${entry.slug})
    on conflict (document_id) do nothing`;
}

/** Lock a declaration's row until the end of the transaction: publishes of one document run one at a time. */
export async function lockDeclaration(documentId: string, sql: Queryable): Promise<DeclarationSettings | null> {
  const [row]: [DeclarationSettings?] = await sql`
    select ${settingsColumns(sql)} from declarations dl where dl.document_id = ${documentId} for update`;
  return row ?? null;
}

export async function updateDeclarationSettings(
  documentId: string,
  changes: { endorsementsOpen?: boolean; organisationPolicy?: OrganisationPolicy },
  sql: Queryable = getSql(),
): Promise<DeclarationSettings | null> {
  const [row]: [DeclarationSettings?] = await sql`
    update declarations dl set
      endorsements_open = coalesce(${changes.endorsementsOpen ?? null}::boolean, dl.endorsements_open),
      organisation_policy = coalesce(${changes.organisationPolicy ?? null}::text, dl.organisation_policy),
      updated_at = now()
    where dl.document_id = ${documentId}
    returning ${settingsColumns(sql)}`;
  return row ?? null;
}

export async function findLatestPublishedNumber(documentId: string, sql: Queryable = getSql()): Promise<{ number: number; sha256: string } | null> {
  const [row]: [{ number: number; sha256: string }?] = await sql`
    select number, sha256 from published_versions where document_id = ${documentId} order by number desc limit 1`;
  return row ?? null;
}

/** The newest published version of a document with the named version it was sealed from (for the publish preview). */
export interface LatestPublished {
  number: number;
  sha256: string;
  canonicalText: string;
  publishedAt: Date;
  versionId: string;
  versionName: string;
  /** When that named version was saved, in microseconds since the epoch (a Date keeps milliseconds only). */
  versionSavedAtMicros: number;
}

export async function findLatestPublished(documentId: string, sql: Queryable = getSql()): Promise<LatestPublished | null> {
  const [row]: [LatestPublished?] = await sql`
    select pv.number, pv.sha256, pv.canonical_text as "canonicalText", pv.published_at as "publishedAt",
           v.id as "versionId", v.name as "versionName",
           (extract(epoch from v.created_at) * 1000000)::float8 as "versionSavedAtMicros"
    from published_versions pv join document_versions v on v.id = pv.version_id
    where pv.document_id = ${documentId}
    order by pv.number desc limit 1`;
  return row ?? null;
}

export async function insertPublishedVersion(
  entry: { documentId: string; number: number; versionId: string; title: string; canonicalText: string; html: string; sha256: string; publishedBy: string | null },
  sql: Queryable = getSql(),
): Promise<PublishedVersionSummary> {
  const [row]: [PublishedVersionSummary?] = await sql`
    insert into published_versions (document_id, number, version_id, title, canonical_text, html, sha256, published_by)
    values (${entry.documentId}, ${entry.number}, ${entry.versionId}, ${entry.title}, ${entry.canonicalText}, ${entry.html},
            ${entry.sha256}, ${entry.publishedBy})
    returning id, number, title, sha256, published_at as "publishedAt"`;
  if (!row) throw new Error("insertPublishedVersion: no row returned");
  return row;
}

export async function markDocumentPublished(documentId: string, sql: Queryable = getSql()): Promise<void> {
  await sql`update documents set status = 'published' where id = ${documentId} and status <> 'published'`;
}

/**
 * The document a publish acts on (its title, its slug — the default public slug — and workshop), locked until
 * the end of the transaction so that even the first publishes of a document (before it has a declaration row to
 * lock) run one at a time.
 */
export async function lockDocumentForPublishing(
  documentId: string,
  sql: Queryable,
): Promise<{ id: string; workshopId: string; slug: string; title: string } | null> {
  const [row]: [{ id: string; workshopId: string; slug: string; title: string }?] = await sql`
    select id, workshop_id as "workshopId", slug, title from documents where id = ${documentId} for no key update`;
  return row ?? null;
}

export interface VersionToPublish {
  id: string;
  name: string;
  plainText: string;
  html: string;
  tiptapJson: unknown;
  createdAt: Date;
  /** `createdAt` to the microsecond, as PostgreSQL keeps it (versions saved within one millisecond stay in order). */
  savedAtMicros: number;
  authorName: string | null;
}

/** A named version of this document (null when the id belongs to another document or to none). */
export async function findVersionToPublish(documentId: string, versionId: string, sql: Queryable = getSql()): Promise<VersionToPublish | null> {
  const [row]: [VersionToPublish?] = await sql`
    select v.id, v.name, v.plain_text as "plainText", v.html, v.tiptap_json as "tiptapJson", v.created_at as "createdAt",
           (extract(epoch from v.created_at) * 1000000)::float8 as "savedAtMicros", u.name as "authorName"
    from document_versions v left join users u on u.id = v.created_by
    where v.id = ${versionId} and v.document_id = ${documentId}`;
  return row ?? null;
}

export interface VersionChoice {
  id: string;
  name: string;
  createdAt: Date;
  authorName: string | null;
  /** Numbers of the published versions sealed from this named version. */
  publishedAs: number[];
}

/** The document's named versions, newest first, for the organisers' publish page. */
export async function listVersionChoices(documentId: string, sql: Queryable = getSql()): Promise<VersionChoice[]> {
  return sql<VersionChoice[]>`
    select v.id, v.name, v.created_at as "createdAt", u.name as "authorName",
           coalesce((select array_agg(pv.number order by pv.number) from published_versions pv where pv.version_id = v.id), '{}') as "publishedAs"
    from document_versions v left join users u on u.id = v.created_by
    where v.document_id = ${documentId}
    order by v.created_at desc, v.id
    limit 200`;
}

const versionSummaryColumns = (sql: Queryable) => sql`
  pv.id, pv.number, pv.title, pv.sha256, pv.published_at as "publishedAt"`;

/** The declaration with its current (latest) published version; null for an unknown slug. */
export async function findPublicDeclaration(slug: string, sql: Queryable = getSql()): Promise<PublicDeclaration | null> {
  const [row]: [(DeclarationSettings & PublishedVersion)?] = await sql`
    select ${settingsColumns(sql)}, ${versionSummaryColumns(sql)}, pv.canonical_text as "canonicalText", pv.html
    from declarations dl join published_versions pv on pv.document_id = dl.document_id
    where dl.slug = ${slug}
    order by pv.number desc limit 1`;
  if (!row) return null;
  const { documentId, endorsementsOpen, organisationPolicy, id, number, title, sha256, publishedAt, canonicalText, html } = row;
  return { documentId, slug: row.slug, endorsementsOpen, organisationPolicy, current: { id, number, title, sha256, publishedAt, canonicalText, html } };
}

/** Every published declaration with its current version, most recently published first. */
export async function listPublicDeclarations(sql: Queryable = getSql()): Promise<PublicDeclarationSummary[]> {
  return sql<PublicDeclarationSummary[]>`
    select * from (
      select distinct on (dl.document_id)
        dl.document_id as "documentId", dl.slug, dl.endorsements_open as "endorsementsOpen",
        pv.title, pv.number, pv.sha256, pv.published_at as "publishedAt"
      from declarations dl join published_versions pv on pv.document_id = dl.document_id
      order by dl.document_id, pv.number desc
    ) x
    order by "publishedAt" desc, slug`;
}

export async function listPublishedVersions(documentId: string, sql: Queryable = getSql()): Promise<PublishedVersionSummary[]> {
  return sql<PublishedVersionSummary[]>`
    select ${versionSummaryColumns(sql)} from published_versions pv where pv.document_id = ${documentId} order by pv.number desc`;
}

export async function findPublishedVersion(documentId: string, number: number, sql: Queryable = getSql()): Promise<PublishedVersion | null> {
  const [row]: [PublishedVersion?] = await sql`
    select ${versionSummaryColumns(sql)}, pv.canonical_text as "canonicalText", pv.html
    from published_versions pv where pv.document_id = ${documentId} and pv.number = ${number}`;
  return row ?? null;
}

/** A published version found by its SHA-256, with its declaration and whether it is still the current version. */
export interface PublishedMatch {
  slug: string;
  title: string;
  number: number;
  publishedAt: Date;
  currentNumber: number;
}

/** Every published version (of any declaration) whose canonical text has this SHA-256; oldest declarations first. */
export async function listPublishedVersionsByHash(sha256: string, sql: Queryable = getSql()): Promise<PublishedMatch[]> {
  return sql<PublishedMatch[]>`
    select dl.slug, pv.title, pv.number, pv.published_at as "publishedAt",
           (select max(p2.number) from published_versions p2 where p2.document_id = pv.document_id) as "currentNumber"
    from published_versions pv join declarations dl on dl.document_id = pv.document_id
    where pv.sha256 = ${sha256}
    order by dl.created_at, pv.number
    limit 50`;
}

export interface SignerToNotify {
  email: string;
  name: string;
  /** The newest earlier version this person has an active endorsement of. */
  latestNumber: number;
  /** The account's interface language (users.language), or null. */
  accountLanguage: string | null;
  /** The language of the translation read for that newest endorsement, or null (the authoritative text). */
  readLanguage: string | null;
}

/**
 * People to tell that a new version was published: every account with an active endorsement (not withdrawn, and
 * not rejected or hidden by the organisers) of an earlier version of this declaration — as an individual or for an
 * organisation — and no active endorsement of the new one. One row per account. Contains e-mail addresses: use for sending mail only.
 */
export async function listSignersToNotify(documentId: string, newVersionId: string, sql: Queryable = getSql()): Promise<SignerToNotify[]> {
  return sql<SignerToNotify[]>`
    select u.email, u.name, max(pv.number)::int as "latestNumber", u.language as "accountLanguage",
           (array_agg(e.read_language order by pv.number desc, e.created_at desc))[1] as "readLanguage"
    from endorsements e
    join published_versions pv on pv.id = e.published_version_id
    join users u on u.id = e.user_id
    where pv.document_id = ${documentId}
      and pv.id <> ${newVersionId}
      and e.withdrawn_at is null
      and e.moderation not in ('rejected', 'hidden')
      and not exists (
        select 1 from endorsements n
        where n.published_version_id = ${newVersionId} and n.user_id = e.user_id and n.withdrawn_at is null)
    group by u.id, u.email, u.name, u.language
    order by u.id`;
}
