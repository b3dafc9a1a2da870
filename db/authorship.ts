/**
 * SQL for "who wrote what" (app/models/authorship.server.ts): the update log's rows with their server-stamped author
 * and time, and the names of those authors. Callers have already checked that the reader is a member.
 */
import { getSql, type Queryable } from "./client";

export interface AuthoredRow {
  seq: number;
  update: Uint8Array;
  /** Null for the system (seed, server-side changes without a person) or a deleted account. */
  userId: string | null;
  /** When the row was committed, in milliseconds since 1970 (a number parses faster than a Date, 30,000 times). */
  createdAtMs: number;
}

/** The rows of a document's log after `afterSeq`, in order (all of them for 0). */
export async function listAuthoredRowsAfter(documentId: string, afterSeq: number, sql: Queryable = getSql()): Promise<AuthoredRow[]> {
  return sql<AuthoredRow[]>`
    select seq, update, user_id as "userId", (extract(epoch from created_at) * 1000)::float8 as "createdAtMs"
    from document_updates
    where document_id = ${documentId} and seq > ${afterSeq}
    order by seq`;
}

/** Display names of these accounts (never their e-mails); deleted accounts are simply missing. */
export async function listAuthorNames(userIds: string[], sql: Queryable = getSql()): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{ id: string; name: string }[]>`
    select id, name from users where id = any(${userIds}::uuid[])`;
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The document's newest snapshot (its state up to and including `seq`), or null. */
export async function findNewestSnapshot(documentId: string, sql: Queryable = getSql()): Promise<{ seq: number; state: Uint8Array } | null> {
  const [row]: [{ seq: number; state: Buffer }?] = await sql`
    select seq, state from document_snapshots where document_id = ${documentId} order by seq desc limit 1`;
  return row ?? null;
}
