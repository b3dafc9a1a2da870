/**
 * SQL for a document's content: the append-only Yjs update log and its snapshots.
 * Each row's hash = SHA-256(previous row's hash || update bytes), so the log is tamper-evident.
 */
import { createHash } from "node:crypto";
import { getSql, type Queryable } from "./client";

export interface StoredUpdate {
  seq: number;
  update: Uint8Array;
}

/** The last row of a document's log: where the next append goes and what it chains to. */
export interface LogTail {
  seq: number;
  hash: Buffer | null;
}

/** NOTIFY channel announcing committed updates: payload "<documentId> <lastSeq> <instanceId>". */
export const DOCUMENT_UPDATES_CHANNEL = "accord_document_updates";

/** Announce a commit to every instance (delivered when the surrounding transaction commits). */
export async function notifyDocumentUpdated(tx: Queryable, documentId: string, lastSeq: number, instanceId: string): Promise<void> {
  await tx`select pg_notify(${DOCUMENT_UPDATES_CHANNEL}, ${`${documentId} ${lastSeq} ${instanceId}`})`;
}

export function chainHash(prev: Uint8Array | null, update: Uint8Array): Buffer {
  const h = createHash("sha256");
  if (prev) h.update(prev);
  h.update(update);
  return h.digest();
}

export interface AppendedBatch {
  firstSeq: number;
  lastSeq: number;
}

/** The rows that follow `tail` (seq and chain hash worked out here). */
function rowsAfter(documentId: string, tail: LogTail, updates: { update: Uint8Array; userId: string | null }[]) {
  let seq = tail.seq;
  let prev = tail.hash;
  return updates.map(({ update, userId }) => {
    seq += 1;
    const bytes = Buffer.from(update.buffer, update.byteOffset, update.byteLength);
    const prevHash = prev;
    const hash = chainHash(prevHash, bytes);
    prev = hash;
    return { document_id: documentId, seq, update: bytes, user_id: userId, prev_hash: prevHash, hash };
  });
}

/**
 * Append updates to one document's log in the given transaction, after locking the log's tail (for writers that do
 * not know the tail: the seed, server-side changes). The caller commits; nothing may be relayed before that commit.
 * A writer that appends without the lock (`appendAfterTail`) can still take the next seq first: the primary key
 * then refuses this insert (23505) and the caller retries.
 */
export async function appendUpdates(
  tx: Queryable,
  documentId: string,
  updates: { update: Uint8Array; userId: string | null }[],
  options: { notifyInstanceId?: string } = {},
): Promise<AppendedBatch> {
  // Pipelined (sent together, run in order on the transaction's connection): the lock is held before the tail
  // is read, at the cost of one round trip instead of two.
  const [, tailRows] = await Promise.all([
    tx`select pg_advisory_xact_lock(hashtextextended(${documentId}, 0))`,
    tx<{ seq: number; hash: Buffer }[]>`
      select seq, hash from document_updates where document_id = ${documentId} order by seq desc limit 1`,
  ]);
  const tail: LogTail = tailRows[0] ?? { seq: 0, hash: null };
  const rows = rowsAfter(documentId, tail, updates);
  const lastSeq = tail.seq + rows.length;
  if (rows.length > 0) {
    // Also pipelined: the rows, the document's timestamp and (optionally) the NOTIFY, delivered at COMMIT.
    const writes: Promise<unknown>[] = [
      tx`insert into document_updates ${tx(rows, "document_id", "seq", "update", "user_id", "prev_hash", "hash")}`,
      tx`update documents set updated_at = now() where id = ${documentId}`,
    ];
    if (options.notifyInstanceId) writes.push(notifyDocumentUpdated(tx, documentId, lastSeq, options.notifyInstanceId));
    await Promise.all(writes);
  }
  return { firstSeq: tail.seq + 1, lastSeq };
}

/**
 * Append updates right after a tail the caller already knows (a loaded room keeps its log's tail), in ONE
 * autocommit statement: the rows, the document's timestamp and the NOTIFY to other instances, committed together
 * when it returns. No lock: if another writer appended after `tail` first, the primary key (document_id, seq)
 * refuses the whole statement and this returns "conflict" (nothing written): read the newer rows and retry.
 */
export async function appendAfterTail(
  documentId: string,
  tail: LogTail,
  updates: { update: Uint8Array; userId: string | null }[],
  notifyInstanceId: string,
  sql: Queryable = getSql(),
): Promise<{ ok: true; tail: LogTail } | { ok: false; conflict: true }> {
  const rows = rowsAfter(documentId, tail, updates);
  const last = rows[rows.length - 1];
  if (!last) return { ok: true, tail };
  try {
    await sql`
      with appended as (
        insert into document_updates ${sql(rows, "document_id", "seq", "update", "user_id", "prev_hash", "hash")}
        returning seq
      ),
      touched as (
        update documents set updated_at = now() where id = ${documentId} returning id
      )
      select (select count(*) from appended) as rows, (select count(*) from touched) as documents,
        pg_notify(${DOCUMENT_UPDATES_CHANNEL}, ${`${documentId} ${last.seq} ${notifyInstanceId}`})`;
  } catch (error) {
    const e = error as { code?: string; constraint_name?: string };
    if (e.code === "23505" && e.constraint_name === "document_updates_pkey") return { ok: false, conflict: true };
    throw error;
  }
  return { ok: true, tail: { seq: last.seq, hash: last.hash } };
}

export interface DocumentContentRows {
  snapshot: { seq: number; state: Uint8Array } | null;
  updates: StoredUpdate[];
  /** The log's last row as read (the snapshot's row when no update follows it). */
  tail: LogTail;
}

/** The newest snapshot and every update after it. */
export async function readDocumentContent(documentId: string, sql: Queryable = getSql()): Promise<DocumentContentRows> {
  const [snapshot]: [{ seq: number; state: Buffer }?] = await sql`
    select seq, state from document_snapshots where document_id = ${documentId} order by seq desc limit 1`;
  const after = snapshot?.seq ?? 0;
  // From the snapshot's own row on, for its hash (the tail when nothing follows it).
  const rows = await sql<{ seq: number; update: Buffer; hash: Buffer }[]>`
    select seq, update, hash from document_updates where document_id = ${documentId} and seq >= ${after} order by seq`;
  const last = rows[rows.length - 1];
  return {
    snapshot: snapshot ? { seq: snapshot.seq, state: snapshot.state } : null,
    updates: rows.filter((r) => r.seq > after).map(({ seq, update }) => ({ seq, update })),
    tail: last ? { seq: last.seq, hash: last.hash } : { seq: after, hash: null },
  };
}

export async function readUpdatesAfter(documentId: string, afterSeq: number, sql: Queryable = getSql()): Promise<(StoredUpdate & { hash: Buffer })[]> {
  return sql<{ seq: number; update: Buffer; hash: Buffer }[]>`
    select seq, update, hash from document_updates where document_id = ${documentId} and seq > ${afterSeq} order by seq`;
}

export async function insertSnapshot(documentId: string, seq: number, state: Uint8Array, sql: Queryable = getSql()): Promise<void> {
  await sql`
    insert into document_snapshots (document_id, seq, state) values (${documentId}, ${seq}, ${Buffer.from(state)})
    on conflict (document_id, seq) do nothing`;
}
