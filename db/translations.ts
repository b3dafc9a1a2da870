/**
 * SQL for translations (issue 14): translation documents (documents.translation_of, bound to a published version
 * of their source by number and SHA-256) and sealed translations (published_translations, immutable).
 * Public reads give only what the public pages show (no user ids).
 */
import { getSql, type Queryable } from "./client";

/** A published version of a non-translation document, as a translation starts from it. */
export interface TranslationSource {
  documentId: string;
  workshopId: string;
  slug: string;
  title: string;
  language: string;
  isTranslation: boolean;
  number: number;
  sha256: string;
  tiptapJson: unknown;
}

/** The document `documentId` (whatever it is) and its published version `number`; null when either is missing. */
export async function findTranslationSource(documentId: string, number: number, sql: Queryable = getSql()): Promise<TranslationSource | null> {
  const [row]: [TranslationSource?] = await sql`
    select d.id as "documentId", d.workshop_id as "workshopId", d.slug, d.title, d.language,
           d.translation_of is not null as "isTranslation", pv.number, pv.sha256, v.tiptap_json as "tiptapJson"
    from documents d
    join published_versions pv on pv.document_id = d.id and pv.number = ${number}
    join document_versions v on v.id = pv.version_id
    where d.id = ${documentId}`;
  return row ?? null;
}

/** Insert a translation document under the first free slug of `slugs`; null when every one is taken. */
export async function insertTranslationDocument(
  entry: { workshopId: string; slugs: string[]; title: string; language: string; translationOf: string; sourceNumber: number; sourceSha256: string },
  sql: Queryable,
): Promise<{ id: string; slug: string } | null> {
  for (const slug of entry.slugs) {
    const [row]: [{ id: string }?] = await sql`
      insert into documents (workshop_id, slug, title, kind, language, translation_of, source_version_number, source_sha256)
      select ${entry.workshopId}, ${slug}, ${entry.title}, d.kind, ${entry.language}, ${entry.translationOf}, ${entry.sourceNumber}, ${entry.sourceSha256}
      from documents d where d.id = ${entry.translationOf}
      on conflict (workshop_id, slug) do nothing
      returning id`;
    if (row) return { id: row.id, slug };
  }
  return null;
}

/** What a translation document is bound to, with its source's newest published version; null for other documents. */
export interface TranslationBinding {
  documentId: string;
  language: string;
  sourceDocumentId: string;
  sourceTitle: string;
  sourceLanguage: string;
  sourceSlug: string | null;
  sourceNumber: number;
  sourceSha256: string;
  latestSourceNumber: number;
  latestSourceSha256: string;
  /** The source version its latest published translation translated (null before its first publication). */
  lastPublishedSourceNumber: number | null;
}

export async function findTranslationBinding(documentId: string, sql: Queryable = getSql()): Promise<TranslationBinding | null> {
  const [row]: [TranslationBinding?] = await sql`
    select d.id as "documentId", d.language, s.id as "sourceDocumentId", s.title as "sourceTitle", s.language as "sourceLanguage",
           dl.slug as "sourceSlug", d.source_version_number as "sourceNumber", d.source_sha256 as "sourceSha256",
           latest.number as "latestSourceNumber", latest.sha256 as "latestSourceSha256",
           (select t.source_number from published_translations t where t.document_id = d.id order by t.number desc limit 1) as "lastPublishedSourceNumber"
    from documents d
    join documents s on s.id = d.translation_of
    left join declarations dl on dl.document_id = s.id
    cross join lateral (
      select pv.number, pv.sha256 from published_versions pv where pv.document_id = s.id order by pv.number desc limit 1
    ) latest
    where d.id = ${documentId}`;
  return row ?? null;
}

/** The document's language ('en' unless chosen otherwise). */
export async function findDocumentLanguage(documentId: string, sql: Queryable = getSql()): Promise<string | null> {
  const [row]: [{ language: string }?] = await sql`select language from documents where id = ${documentId}`;
  return row?.language ?? null;
}

export async function findLatestTranslationNumber(documentId: string, sql: Queryable = getSql()): Promise<{ number: number; sha256: string } | null> {
  const [row]: [{ number: number; sha256: string }?] = await sql`
    select number, sha256 from published_translations where document_id = ${documentId} order by number desc limit 1`;
  return row ?? null;
}

export async function insertPublishedTranslation(
  entry: {
    documentId: string;
    sourceDocumentId: string;
    language: string;
    number: number;
    sourceNumber: number;
    sourceSha256: string;
    versionId: string;
    title: string;
    canonicalText: string;
    html: string;
    sha256: string;
    publishedBy: string;
  },
  sql: Queryable,
): Promise<{ id: string; publishedAt: Date }> {
  const [row]: [{ id: string; publishedAt: Date }?] = await sql`
    insert into published_translations (document_id, source_document_id, language, number, source_number, source_sha256, version_id,
      title, canonical_text, html, sha256, published_by)
    values (${entry.documentId}, ${entry.sourceDocumentId}, ${entry.language}, ${entry.number}, ${entry.sourceNumber}, ${entry.sourceSha256},
      ${entry.versionId}, ${entry.title}, ${entry.canonicalText}, ${entry.html}, ${entry.sha256}, ${entry.publishedBy})
    returning id, published_at as "publishedAt"`;
  if (!row) throw new Error("insertPublishedTranslation: no row returned");
  return row;
}

/** A sealed translation as the public sees it. */
export interface PublicTranslation {
  id: string;
  language: string;
  title: string;
  sha256: string;
  sourceNumber: number;
  sourceSha256: string;
  publishedAt: Date;
  canonicalText: string;
  html: string;
}

const publicColumns = (sql: Queryable) => sql`
  t.id, t.language, t.title, t.sha256, t.source_number as "sourceNumber", t.source_sha256 as "sourceSha256",
  t.published_at as "publishedAt", t.canonical_text as "canonicalText", t.html`;

/**
 * The translation the public reads in each language: the one of the newest source version, the latest published
 * of those. One per language, ordered by language.
 */
export async function listPublicTranslations(sourceDocumentId: string, sql: Queryable = getSql()): Promise<PublicTranslation[]> {
  return sql<PublicTranslation[]>`
    select distinct on (t.language) ${publicColumns(sql)}
    from published_translations t
    where t.source_document_id = ${sourceDocumentId}
    order by t.language, t.source_number desc, t.published_at desc, t.number desc`;
}

/** A sealed translation with its own number (1, 2… within its translation document). */
export interface NumberedTranslation extends PublicTranslation {
  number: number;
}

/**
 * The translation into `language` (compared without letter case) of version `sourceNumber` of a declaration: the
 * newest one published of that version, or null when there is none.
 */
export async function findPublishedTranslation(
  sourceDocumentId: string,
  sourceNumber: number,
  language: string,
  sql: Queryable = getSql(),
): Promise<NumberedTranslation | null> {
  const [row] = await sql<NumberedTranslation[]>`
    select ${publicColumns(sql)}, t.number
    from published_translations t
    where t.source_document_id = ${sourceDocumentId} and t.source_number = ${sourceNumber} and lower(t.language) = lower(${language})
    order by t.published_at desc, t.number desc
    limit 1`;
  return row ?? null;
}

/** Every sealed translation with this SHA-256 (for verifying), with its declaration's slug and newest version. */
export interface TranslationMatch {
  slug: string;
  language: string;
  title: string;
  sourceNumber: number;
  sourceSha256: string;
  currentNumber: number;
}

export async function listPublishedTranslationsByHash(sha256: string, sql: Queryable = getSql()): Promise<TranslationMatch[]> {
  return sql<TranslationMatch[]>`
    select dl.slug, t.language, t.title, t.source_number as "sourceNumber", t.source_sha256 as "sourceSha256",
           (select max(p.number) from published_versions p where p.document_id = t.source_document_id) as "currentNumber"
    from published_translations t join declarations dl on dl.document_id = t.source_document_id
    where t.sha256 = ${sha256}
    order by t.published_at
    limit 50`;
}

/** The translation documents of a document, for its organisers' pages. */
export interface TranslationDocument {
  id: string;
  title: string;
  language: string;
  sourceNumber: number;
  publishedNumber: number | null;
}

export async function listTranslationDocuments(sourceDocumentId: string, sql: Queryable = getSql()): Promise<TranslationDocument[]> {
  return sql<TranslationDocument[]>`
    select d.id, d.title, d.language, d.source_version_number as "sourceNumber",
           (select max(t.number) from published_translations t where t.document_id = d.id) as "publishedNumber"
    from documents d where d.translation_of = ${sourceDocumentId}
    order by d.language, d.created_at
    limit 200`;
}

/** Bind a translation document to another published version of its source (number and SHA-256 given). */
export async function updateTranslationBinding(documentId: string, source: { number: number; sha256: string }, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`
    update documents d set source_version_number = ${source.number}, source_sha256 = ${source.sha256}, updated_at = now()
    where d.id = ${documentId} and d.translation_of is not null
      and exists (select 1 from published_versions pv where pv.document_id = d.translation_of and pv.number = ${source.number} and pv.sha256 = ${source.sha256})
    returning d.id`;
  return rows.length === 1;
}
