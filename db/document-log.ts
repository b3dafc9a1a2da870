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

/**
 * NOTIFY channel between collaboration instances. Four payloads: "<documentId> <lastSeq> <instanceId> <sentAtMs>"
 * announces committed updates (the sending time, for the NOTIFY lag metric, is absent from older instances' payloads);
 * "instance <instanceId>" says an instance is there (server/collab/peer-instances.ts); "holds <instanceId>
 * [<documentId> …]" says which documents it has loaded (none: it says so, and holds none); "threads <documentId>
 * <seq>" announces committed thread events (db/threads.ts). Older instances ignore "holds" (not a form they read).
 */
export const DOCUMENT_UPDATES_CHANNEL = "accord_document_updates";

const INSTANCE_PREFIX = "instance ";
const HOLDS_PREFIX = "holds ";
const THREADS_PREFIX = "threads ";
/** A NOTIFY payload must stay under 8,000 bytes: 37 bytes per document id, a few for the prefix and instance id. */
export const HELD_DOCUMENTS_PER_PAYLOAD = 150;

export type ChannelMessage =
  | { kind: "instance"; instanceId: string }
  | { kind: "holds"; instanceId: string; documentIds: string[] }
  | { kind: "threads"; documentId: string; seq: number }
  | { kind: "updated"; documentId: string; lastSeq: number; instanceId: string | null; sentAtMs?: number };

/** Read a payload of the channel (null for one that is neither form). */
export function parseChannelMessage(payload: string): ChannelMessage | null {
  if (payload.startsWith(INSTANCE_PREFIX)) {
    const instanceId = payload.slice(INSTANCE_PREFIX.length).trim();
    return instanceId ? { kind: "instance", instanceId } : null;
  }
  if (payload.startsWith(HOLDS_PREFIX)) {
    const [instanceId, ...documentIds] = payload.slice(HOLDS_PREFIX.length).split(" ").filter((part) => part !== "");
    return instanceId ? { kind: "holds", instanceId, documentIds } : null;
  }
  if (payload.startsWith(THREADS_PREFIX)) {
    const [documentId, seqText] = payload.slice(THREADS_PREFIX.length).split(" ");
    const seq = Number(seqText);
    return documentId && Number.isSafeInteger(seq) ? { kind: "threads", documentId, seq } : null;
  }
  const [documentId, seq, instanceId, sent] = payload.split(" ");
  const lastSeq = Number(seq);
  if (!documentId || !Number.isSafeInteger(lastSeq)) return null;
  const sentAtMs = Number(sent);
  return { kind: "updated", documentId, lastSeq, instanceId: instanceId ?? null, ...(sent && Number.isSafeInteger(sentAtMs) ? { sentAtMs } : {}) };
}

/**
 * Tell the other collaboration instances this one is there and, when `held` is given, which documents it has loaded:
 * in payloads of at most HELD_DOCUMENTS_PER_PAYLOAD, after the first in the same statement (so they arrive after it);
 * an empty list sends one payload naming none.
 */
export async function announceInstance(sql: Queryable, instanceId: string, held?: readonly string[]): Promise<void> {
  const payloads = [INSTANCE_PREFIX + instanceId, ...(held ? heldPayloads(instanceId, held) : [])];
  await sql`select pg_notify(${DOCUMENT_UPDATES_CHANNEL}, payload) from unnest(${payloads}::text[]) with ordinality as p (payload, n) order by n`;
}

/** Tell the other instances this one holds (is loading) these documents. */
export async function announceHeldDocuments(sql: Queryable, instanceId: string, held: readonly string[]): Promise<void> {
  const payloads = heldPayloads(instanceId, held);
  await sql`select pg_notify(${DOCUMENT_UPDATES_CHANNEL}, payload) from unnest(${payloads}::text[]) with ordinality as p (payload, n) order by n`;
}

function heldPayloads(instanceId: string, held: readonly string[]): string[] {
  const payloads: string[] = [];
  for (let i = 0; i === 0 || i < held.length; i += HELD_DOCUMENTS_PER_PAYLOAD) {
    payloads.push([HOLDS_PREFIX + instanceId, ...held.slice(i, i + HELD_DOCUMENTS_PER_PAYLOAD)].join(" "));
  }
  return payloads;
}

/**
 * Announce that a document's log reached `lastSeq` to every instance. In a transaction it is delivered when that
 * commits (server-side changes); alone, as soon as it runs (collaboration rooms, right after their commit).
 */
export async function notifyDocumentUpdated(tx: Queryable, documentId: string, lastSeq: number, instanceId: string): Promise<void> {
  await tx`select pg_notify(${DOCUMENT_UPDATES_CHANNEL}, ${documentUpdatedPayload(documentId, lastSeq, instanceId)})`;
}

/** The payload announcing that a document's log reached `lastSeq` (for a NOTIFY sent inside another statement). */
export function documentUpdatedPayload(documentId: string, lastSeq: number, instanceId: string): string {
  return `${documentId} ${lastSeq} ${instanceId} ${Date.now()}`;
}

/** The payload announcing a document's committed thread events up to `seq` (db/threads.ts sends it). */
export function threadsPayloadPrefix(documentId: string): string {
  return `${THREADS_PREFIX}${documentId} `;
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
    // Also pipelined: the rows and (optionally) the NOTIFY, delivered at COMMIT.
    const writes: Promise<unknown>[] = [tx`insert into document_updates ${tx(rows, "document_id", "seq", "update", "user_id", "prev_hash", "hash")}`];
    if (options.notifyInstanceId) writes.push(notifyDocumentUpdated(tx, documentId, lastSeq, options.notifyInstanceId));
    await Promise.all(writes);
  }
  return { firstSeq: tail.seq + 1, lastSeq };
}

/** Rows planned to follow a known tail: what `appendPlanned` writes, and where the log's tail is once it has. */
export interface PlannedAppend {
  after: LogTail;
  rows: ReturnType<typeof rowsAfter>;
  tail: LogTail;
}

/** Work out the rows (seq and chain hash) that append `updates` after `tail`. */
export function planAppend(documentId: string, tail: LogTail, updates: { update: Uint8Array; userId: string | null }[]): PlannedAppend {
  const rows = rowsAfter(documentId, tail, updates);
  const last = rows[rows.length - 1];
  return { after: tail, rows, tail: last ? { seq: last.seq, hash: last.hash } : tail };
}

export type AppendOutcome = { ok: true; tail: LogTail } | { ok: false; conflict: true };

/**
 * Write planned rows in ONE autocommit statement, committed when it returns: the INSERT and nothing else. No lock.
 * The rows are written only if the log's row at the planned tail is there with the planned hash, and the primary
 * key (document_id, seq) refuses a place another writer took first; either way nothing is written and this returns
 * "conflict": read the newer rows and plan again.
 *
 * Because the tail row is checked, plans can be chained and sent before the previous one has returned, on ONE
 * connection (PostgreSQL runs them in order): a plan whose predecessor was refused writes nothing.
 *
 * Nothing else rides on the commit (ADR 0006), which every edit waits for: other instances are told by the caller
 * after it (`notifyDocumentUpdated`; a NOTIFY inside took PostgreSQL's notify lock through the WAL flush and woke the
 * listeners first), and the document's "last updated" is read from the log (`db/access.ts`) instead of stamped on
 * `documents` by each commit. Measured with `npm run bench:commit`: this costs what the floor's bare INSERT does.
 */
export async function appendPlanned(documentId: string, plan: PlannedAppend, sql: Queryable = getSql()): Promise<AppendOutcome> {
  const { rows, after } = plan;
  if (rows.length === 0) return { ok: true, tail: after };
  try {
    const result = rows.length === 1 && after.hash ? await appendOne(documentId, rows[0]!, after.seq, after.hash, sql) : await appendMany(documentId, plan, sql);
    if (result.count !== rows.length) return { ok: false, conflict: true };
  } catch (error) {
    const e = error as { code?: string; constraint_name?: string };
    if (e.code === "23505" && e.constraint_name === "document_updates_pkey") return { ok: false, conflict: true };
    throw error;
  }
  return { ok: true, tail: plan.tail };
}

type PlannedRow = PlannedAppend["rows"][number];

/**
 * The usual case, one edit after a known row, as one fixed statement: postgres.js reuses its text and prepared
 * statement as they are (the general form below is rebuilt from fragments for every call: ~60–90 µs more CPU).
 */
function appendOne(documentId: string, row: PlannedRow, afterSeq: number, afterHash: Buffer, sql: Queryable) {
  return sql`
    insert into document_updates (document_id, seq, update, user_id, prev_hash, hash)
    select ${row.document_id}::uuid, ${row.seq}::bigint, ${row.update}::bytea, ${row.user_id}::uuid, ${row.prev_hash}::bytea, ${row.hash}::bytea
    where exists (select 1 from document_updates where document_id = ${documentId} and seq = ${afterSeq} and hash = ${afterHash})`;
}

/** Any number of rows, after a known row or at the start of the log. */
function appendMany(documentId: string, { rows, after }: PlannedAppend, sql: Queryable) {
  const predecessor = after.hash
    ? sql`exists (select 1 from document_updates where document_id = ${documentId} and seq = ${after.seq} and hash = ${after.hash})`
    : sql`true`;
  // postgres.js's VALUES helper takes rows as arrays (its types only admit strings and numbers; Buffers and nulls are
  // sent as bytea and untyped parameters, cast below).
  const values = rows.map((r) => [r.document_id, r.seq, r.update, r.user_id, r.prev_hash, r.hash]) as unknown as string[][];
  return sql`
    insert into document_updates (document_id, seq, update, user_id, prev_hash, hash)
    select document_id::uuid, seq::bigint, update::bytea, user_id::uuid, prev_hash::bytea, hash::bytea
    from (values ${sql(values)}) as planned (document_id, seq, update, user_id, prev_hash, hash)
    where ${predecessor}`;
}

/** Plan and write in one go (`planAppend` + `appendPlanned`). */
export async function appendAfterTail(
  documentId: string,
  tail: LogTail,
  updates: { update: Uint8Array; userId: string | null }[],
  sql: Queryable = getSql(),
): Promise<AppendOutcome> {
  return appendPlanned(documentId, planAppend(documentId, tail, updates), sql);
}

/** The last seq of each document's log (0 for an empty log): how far behind a loaded copy is, whatever NOTIFY said. */
export async function readLogTails(documentIds: string[], sql: Queryable = getSql()): Promise<Map<string, number>> {
  if (documentIds.length === 0) return new Map();
  const rows = await sql<{ documentId: string; seq: number }[]>`
    select d.id as "documentId",
      coalesce((select u.seq from document_updates u where u.document_id = d.id order by u.seq desc limit 1), 0)::bigint as seq
    from unnest(${documentIds}::uuid[]) as d (id)`;
  return new Map(rows.map((r) => [r.documentId, r.seq]));
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
