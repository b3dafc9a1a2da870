/**
 * SQL for named versions of a document (table document_versions): the Yjs state at a log position and its
 * renderings. Every read takes the reader's user id and answers only when that user may read the document
 * (a membership of its workshop, or an administrator): permission in the WHERE clause, and a version id of
 * another document finds nothing.
 */
import { getSql, type Queryable } from "./client";

export interface VersionSummary {
  id: string;
  documentId: string;
  name: string;
  createdBy: string | null;
  /** The author's current name; null when their account was deleted. */
  authorName: string | null;
  createdAt: Date;
  logSeq: number;
}

export interface VersionRow extends VersionSummary {
  yjsState: Uint8Array;
  tiptapJson: unknown;
  html: string;
  plainText: string;
}

// The reader may see document d: a member of its workshop, or an administrator.
const readable = (sql: Queryable, userId: string) => sql`(
  exists (select 1 from memberships m where m.workshop_id = d.workshop_id and m.user_id = ${userId})
  or exists (select 1 from users a where a.id = ${userId} and a.is_admin)
)`;

const summaryColumns = (sql: Queryable) => sql`
  v.id, v.document_id as "documentId", v.name, v.created_by as "createdBy", u.name as "authorName",
  v.created_at as "createdAt", v.log_seq as "logSeq"`;

/** The unique index that keeps a document's version names distinct (letter case ignored). */
export const VERSION_NAME_KEY = "document_versions_name_key";

/** Insert a named version; a name the document already has (letter case ignored) fails with VERSION_NAME_KEY. */
export async function insertVersion(
  v: {
    documentId: string;
    name: string;
    createdBy: string;
    logSeq: number;
    yjsState: Uint8Array;
    tiptapJson: unknown;
    html: string;
    plainText: string;
  },
  sql: Queryable = getSql(),
): Promise<{ id: string; name: string; createdAt: Date }> {
  const [row]: [{ id: string; name: string; createdAt: Date }?] = await sql`
    insert into document_versions (document_id, name, created_by, log_seq, yjs_state, tiptap_json, html, plain_text)
    values (${v.documentId}, ${v.name}, ${v.createdBy}, ${v.logSeq}, ${Buffer.from(v.yjsState)},
            ${sql.json(v.tiptapJson as never)}, ${v.html}, ${v.plainText})
    returning id, name, created_at as "createdAt"`;
  if (!row) throw new Error("insertVersion: no row returned");
  return row;
}

/** A document's versions, newest first, if `userId` may read the document (else an empty list). */
export async function listVersionsForUser(documentId: string, userId: string, sql: Queryable = getSql()): Promise<VersionSummary[]> {
  return sql<VersionSummary[]>`
    select ${summaryColumns(sql)}
    from document_versions v
    join documents d on d.id = v.document_id
    left join users u on u.id = v.created_by
    where v.document_id = ${documentId} and ${readable(sql, userId)}
    order by v.created_at desc, v.id desc`;
}

/** One version of this document, with its content, if `userId` may read the document. */
export async function findVersionForUser(
  q: { documentId: string; versionId: string; userId: string },
  sql: Queryable = getSql(),
): Promise<VersionRow | null> {
  const [row]: [VersionRow?] = await sql`
    select ${summaryColumns(sql)}, v.yjs_state as "yjsState", v.tiptap_json as "tiptapJson", v.html, v.plain_text as "plainText"
    from document_versions v
    join documents d on d.id = v.document_id
    left join users u on u.id = v.created_by
    where v.id = ${q.versionId} and v.document_id = ${q.documentId} and ${readable(sql, q.userId)}`;
  return row ?? null;
}

export async function countVersions(documentId: string, sql: Queryable = getSql()): Promise<number> {
  const [row]: [{ n: number }?] = await sql`select count(*)::int as n from document_versions where document_id = ${documentId}`;
  return row?.n ?? 0;
}
