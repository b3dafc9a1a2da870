/** Reading a document's update log back in tests, and the promise it must keep. */
import { expect } from "vitest";
import * as Y from "yjs";
import { getSql } from "../../db/client";
import { chainHash } from "../../db/document-log";
import { holdLock } from "./locks";

export interface LogRow {
  seq: number;
  update: Buffer;
  prevHash: Buffer | null;
  hash: Buffer;
}

export async function storedLog(documentId: string): Promise<LogRow[]> {
  return getSql()<LogRow[]>`
    select seq::int as seq, update, prev_hash as "prevHash", hash from document_updates where document_id = ${documentId} order by seq`;
}

/** The log's promise: seq 1, 2, 3… without a gap, each row chained to the one before it. Returns how many rows. */
export async function expectIntactChain(documentId: string): Promise<number> {
  const rows = await storedLog(documentId);
  let prev: Buffer | null = null;
  rows.forEach((row, i) => {
    expect(row.seq).toBe(i + 1);
    expect(row.prevHash ? Buffer.from(row.prevHash).toString("hex") : null).toBe(prev ? prev.toString("hex") : null);
    expect(Buffer.from(row.hash).toString("hex")).toBe(chainHash(prev, row.update).toString("hex"));
    prev = Buffer.from(row.hash);
  });
  return rows.length;
}

/** One paragraph as a Yjs update from a fresh client (what a server-side change appends). */
export function paragraphUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment("default").push([p]);
  return Y.encodeStateAsUpdate(doc);
}

/**
 * Hold the document's row in `documents` (FOR UPDATE, in a transaction of its own): every commit to the document
 * needs a share of it (the log's foreign key locks the row it points to), so commits wait inside PostgreSQL until
 * `release`.
 */
export function holdDocumentRow(documentId: string): Promise<{ release(): Promise<void> }> {
  return holdLock((tx) => tx`select 1 from documents where id = ${documentId} for update`);
}

/** Collaboration commit statements of this database waiting for a lock right now. */
export async function commitsWaitingForLock(): Promise<number> {
  const [row] = await getSql()<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity
    where application_name = 'accord-collab-commit' and datname = current_database() and wait_event_type = 'Lock'`;
  return row!.n;
}
