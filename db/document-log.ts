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

/**
 * Append updates to one document's log in the given transaction, after locking the log's tail.
 * The caller commits; nothing may be relayed before that commit.
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
  const tail = tailRows[0];
  let seq = tail?.seq ?? 0;
  let prev: Buffer | null = tail?.hash ?? null;
  const firstSeq = seq + 1;
  const rows = updates.map(({ update, userId }) => {
    seq += 1;
    const bytes = Buffer.from(update.buffer, update.byteOffset, update.byteLength);
    const prevHash = prev;
    const hash = chainHash(prevHash, bytes);
    prev = hash;
    return { document_id: documentId, seq, update: bytes, user_id: userId, prev_hash: prevHash, hash };
  });
  if (rows.length > 0) {
    // Also pipelined: the rows, the document's timestamp and (optionally) the NOTIFY, delivered at COMMIT.
    const writes: Promise<unknown>[] = [
      tx`insert into document_updates ${tx(rows, "document_id", "seq", "update", "user_id", "prev_hash", "hash")}`,
      tx`update documents set updated_at = now() where id = ${documentId}`,
    ];
    if (options.notifyInstanceId) writes.push(notifyDocumentUpdated(tx, documentId, seq, options.notifyInstanceId));
    await Promise.all(writes);
  }
  return { firstSeq, lastSeq: seq };
}

export interface DocumentContentRows {
  snapshot: { seq: number; state: Uint8Array } | null;
  updates: StoredUpdate[];
}

/** The newest snapshot and every update after it. */
export async function readDocumentContent(documentId: string, sql: Queryable = getSql()): Promise<DocumentContentRows> {
  const [snapshot]: [{ seq: number; state: Buffer }?] = await sql`
    select seq, state from document_snapshots where document_id = ${documentId} order by seq desc limit 1`;
  const after = snapshot?.seq ?? 0;
  const updates = await sql<{ seq: number; update: Buffer }[]>`
    select seq, update from document_updates where document_id = ${documentId} and seq > ${after} order by seq`;
  return { snapshot: snapshot ? { seq: snapshot.seq, state: snapshot.state } : null, updates };
}

export async function readUpdatesAfter(documentId: string, afterSeq: number, sql: Queryable = getSql()): Promise<StoredUpdate[]> {
  return sql<{ seq: number; update: Buffer }[]>`
    select seq, update from document_updates where document_id = ${documentId} and seq > ${afterSeq} order by seq`;
}

export async function insertSnapshot(documentId: string, seq: number, state: Uint8Array, sql: Queryable = getSql()): Promise<void> {
  await sql`
    insert into document_snapshots (document_id, seq, state) values (${documentId}, ${seq}, ${Buffer.from(state)})
    on conflict (document_id, seq) do nothing`;
}
