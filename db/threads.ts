/**
 * SQL of discussion threads (issue 13): threads, comments, proposals and the per-document thread events, plus the
 * one append to the document log a thread change makes (its anchor or an accepted proposal). Permission is decided
 * by the caller from `findThreadForUser` / `findCommentForUser`, which join the membership (db/access.ts).
 */
import { getSql, type Queryable } from "./client";
import { chainHash, documentUpdatedPayload, DOCUMENT_UPDATES_CHANNEL, threadsPayloadPrefix, type LogTail } from "./document-log";
import type { Role } from "./access";

export type ThreadKindRow = "comment" | "proposal";
export type ThreadStatusRow = "open" | "resolved";
export type ProposalStatusRow = "pending" | "accepted" | "rejected" | "withdrawn";

export interface ThreadRow {
  id: string;
  documentId: string;
  kind: ThreadKindRow;
  authorId: string | null;
  authorName: string | null;
  status: ThreadStatusRow;
  quoteExact: string;
  quotePrefix: string;
  quoteSuffix: string;
  createdSeq: number;
  createdAt: Date;
}

export interface CommentRow {
  id: string;
  threadId: string;
  authorId: string | null;
  authorName: string | null;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
}

/** A comment as a named version shows it (`listThreadRowsAtVersion`). */
export interface CommentAtVersionRow extends CommentRow {
  editedLater: "kept" | "notKept" | null;
}

export interface ProposalRow {
  threadId: string;
  original: string;
  proposed: string;
  status: ProposalStatusRow;
  decidedByName: string | null;
  decidedAt: Date | null;
  reason: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const roleOf = (sql: Queryable, userId: string) => sql`
  coalesce(
    (select m.role from memberships m where m.workshop_id = d.workshop_id and m.user_id = ${userId}),
    (select 'organizer' from users u where u.id = ${userId} and u.is_admin)
  )`;

/** A thread with its document's workshop and the user's role there; null when there is none or not a member. */
export async function findThreadForUser(
  threadId: string,
  userId: string,
  sql: Queryable = getSql(),
): Promise<{ thread: ThreadRow; workshopId: string; role: Role } | null> {
  if (!UUID.test(threadId)) return null;
  const [row]: [(ThreadRow & { workshopId: string; role: Role })?] = await sql`
    select * from (
      select t.id, t.document_id as "documentId", t.kind, t.author_id as "authorId", a.name as "authorName", t.status,
        t.quote_exact as "quoteExact", t.quote_prefix as "quotePrefix", t.quote_suffix as "quoteSuffix",
        t.created_seq as "createdSeq", t.created_at as "createdAt", d.workshop_id as "workshopId", ${roleOf(sql, userId)} as role
      from comment_threads t join documents d on d.id = t.document_id left join users a on a.id = t.author_id
      where t.id = ${threadId}
    ) x where role is not null`;
  if (!row) return null;
  const { workshopId, role, ...thread } = row;
  return { thread, workshopId, role };
}

/** A comment, its thread's document and the user's role; null when there is none or not a member. */
export async function findCommentForUser(
  commentId: string,
  userId: string,
  sql: Queryable = getSql(),
): Promise<{ comment: CommentRow; documentId: string; role: Role } | null> {
  if (!UUID.test(commentId)) return null;
  const [row]: [(CommentRow & { documentId: string; role: Role })?] = await sql`
    select * from (
      select c.id, c.thread_id as "threadId", c.author_id as "authorId", a.name as "authorName", c.body,
        c.created_at as "createdAt", c.edited_at as "editedAt", t.document_id as "documentId", ${roleOf(sql, userId)} as role
      from thread_comments c join comment_threads t on t.id = c.thread_id join documents d on d.id = t.document_id
        left join users a on a.id = c.author_id
      where c.id = ${commentId}
    ) x where role is not null`;
  if (!row) return null;
  const { documentId, role, ...comment } = row;
  return { comment, documentId, role };
}

const threadColumns = (sql: Queryable) => sql`
  t.id, t.document_id as "documentId", t.kind, t.author_id as "authorId", a.name as "authorName", t.status,
  t.quote_exact as "quoteExact", t.quote_prefix as "quotePrefix", t.quote_suffix as "quoteSuffix",
  t.created_seq as "createdSeq", t.created_at as "createdAt"`;

/** A document's threads (all, or the ones named), oldest first, with their comments and proposals. */
export async function listThreadRows(
  documentId: string,
  options: { threadIds?: string[] } = {},
  sql: Queryable = getSql(),
): Promise<{ threads: ThreadRow[]; comments: CommentRow[]; proposals: ProposalRow[] }> {
  const only = options.threadIds ? sql`and t.id = any(${options.threadIds}::uuid[])` : sql``;
  const threadsRead = sql<ThreadRow[]>`
    select ${threadColumns(sql)} from comment_threads t left join users a on a.id = t.author_id
    where t.document_id = ${documentId} ${only} order by t.created_at, t.id`;
  // Threads named by id: their comments and proposals are asked for in the same round trip (pipelined); those of
  // an id that is not the document's thread are left out by the caller, which goes by the threads found.
  const threads = options.threadIds ? null : await threadsRead;
  if (threads?.length === 0) return { threads, comments: [], proposals: [] };
  const ids = threads ? threads.map((t) => t.id) : options.threadIds!;
  const [found, comments, proposals] = await Promise.all([
    threads ?? threadsRead,
    sql<CommentRow[]>`
      select c.id, c.thread_id as "threadId", c.author_id as "authorId", a.name as "authorName", c.body,
        c.created_at as "createdAt", c.edited_at as "editedAt"
      from thread_comments c left join users a on a.id = c.author_id
      where c.thread_id = any(${ids}::uuid[]) order by c.created_at, c.id`,
    sql<ProposalRow[]>`
      select p.thread_id as "threadId", p.original, p.proposed, p.status, u.name as "decidedByName",
        p.decided_at as "decidedAt", p.reason
      from thread_proposals p left join users u on u.id = p.decided_by
      where p.thread_id = any(${ids}::uuid[])`,
  ]);
  if (!threads) {
    const known = new Set(found.map((t) => t.id));
    return { threads: found, comments: comments.filter((c) => known.has(c.threadId)), proposals: proposals.filter((p) => known.has(p.threadId)) };
  }
  return { threads, comments, proposals };
}

export type ThreadRows = Awaited<ReturnType<typeof listThreadRows>>;

/**
 * The threads a named version shows (read-only): those whose anchor was written at or before the version's log
 * position `logSeq`, as they were at `at` (when it was saved): resolved only if resolved by then, a proposal decided
 * only if decided by then, and the comments written by then, each with the body it had then (the first body an edit
 * replaced after `at`, from comment_revisions) and `editedLater`: "kept" when it reads differently now, "notKept" when
 * it was edited since but its earlier body is not kept (edited before bodies were kept, or its author's account was
 * deleted): it reads as it does now. A comment or thread deleted since is gone, with its earlier bodies.
 */
export async function listThreadRowsAtVersion(
  documentId: string,
  version: { logSeq: number; at: Date },
  sql: Queryable = getSql(),
): Promise<{ threads: ThreadRow[]; comments: CommentAtVersionRow[]; proposals: ProposalRow[] }> {
  const threads = await sql<ThreadRow[]>`
    select t.id, t.document_id as "documentId", t.kind, t.author_id as "authorId", a.name as "authorName",
      case when t.resolved_at is not null and t.resolved_at <= ${version.at} then 'resolved' else 'open' end as status,
      t.quote_exact as "quoteExact", t.quote_prefix as "quotePrefix", t.quote_suffix as "quoteSuffix",
      t.created_seq as "createdSeq", t.created_at as "createdAt"
    from comment_threads t left join users a on a.id = t.author_id
    where t.document_id = ${documentId} and t.created_seq <= ${version.logSeq} and t.created_at <= ${version.at}
    order by t.created_at, t.id`;
  if (threads.length === 0) return { threads, comments: [], proposals: [] };
  const ids = threads.map((t) => t.id);
  const [comments, proposals] = await Promise.all([
    sql<CommentAtVersionRow[]>`
      select c.id, c.thread_id as "threadId", c.author_id as "authorId", a.name as "authorName",
        coalesce(later.body, c.body) as body, c.created_at as "createdAt",
        case when c.edited_at <= ${version.at} then c.edited_at
          else (select max(r.replaced_at) from comment_revisions r where r.comment_id = c.id and r.replaced_at <= ${version.at})
        end as "editedAt",
        case when later.body is not null then case when later.body <> c.body then 'kept' end
          when c.edited_at > ${version.at} then 'notKept'
        end as "editedLater"
      from thread_comments c left join users a on a.id = c.author_id
        left join lateral (
          select r.body from comment_revisions r where r.comment_id = c.id and r.replaced_at > ${version.at} order by r.id limit 1
        ) later on true
      where c.thread_id = any(${ids}::uuid[]) and c.created_at <= ${version.at} order by c.created_at, c.id`,
    sql<ProposalRow[]>`
      select p.thread_id as "threadId", p.original, p.proposed,
        case when p.decided_at is not null and p.decided_at <= ${version.at} then p.status else 'pending' end as status,
        case when p.decided_at <= ${version.at} then u.name end as "decidedByName",
        case when p.decided_at <= ${version.at} then p.decided_at end as "decidedAt",
        case when p.decided_at <= ${version.at} then p.reason end as reason
      from thread_proposals p left join users u on u.id = p.decided_by
      where p.thread_id = any(${ids}::uuid[])`,
  ]);
  return { threads, comments, proposals };
}

/** For each named version of the document: how many threads it shows, and how many of them were open when it was saved. */
export async function countThreadsAtVersions(documentId: string, sql: Queryable = getSql()): Promise<Map<string, { threads: number; open: number }>> {
  const rows = await sql<{ id: string; threads: number; open: number }[]>`
    select v.id, count(t.id)::int as threads,
      count(t.id) filter (where t.resolved_at is null or t.resolved_at > v.created_at)::int as open
    from document_versions v
    left join comment_threads t on t.document_id = v.document_id and t.created_seq <= v.log_seq and t.created_at <= v.created_at
    where v.document_id = ${documentId}
    group by v.id`;
  return new Map(rows.map((r) => [r.id, { threads: r.threads, open: r.open }]));
}

export async function countOpenThreads(documentId: string, sql: Queryable = getSql()): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from comment_threads where document_id = ${documentId} and status = 'open'`;
  return row?.n ?? 0;
}

/** Serialise the thread changes of one document (and its server-written log rows) within the caller's transaction. */
export async function lockDocumentThreads(tx: Queryable, documentId: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${documentId}, 0))`;
}

export async function insertThread(
  input: { id: string; documentId: string; kind: ThreadKindRow; authorId: string; quote: { exact: string; prefix: string; suffix: string }; createdSeq: number },
  sql: Queryable = getSql(),
): Promise<void> {
  await sql`
    insert into comment_threads (id, document_id, kind, author_id, quote_exact, quote_prefix, quote_suffix, created_seq)
    values (${input.id}, ${input.documentId}, ${input.kind}, ${input.authorId}, ${input.quote.exact}, ${input.quote.prefix},
      ${input.quote.suffix}, ${input.createdSeq})`;
}

export async function insertComment(input: { threadId: string; authorId: string; body: string }, sql: Queryable = getSql()): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into thread_comments (thread_id, author_id, body) values (${input.threadId}, ${input.authorId}, ${input.body})
    returning id`;
  return row!.id;
}

/**
 * Change a comment's body, keeping the body it replaces as a revision (who replaced it, when) in the same statement:
 * no edit without its revision. Returns the body it had before (null when the comment is gone), read under the row's
 * lock; the time is taken under that lock too, so concurrent edits' revisions are in the order they happened.
 */
export async function updateCommentBody(commentId: string, body: string, editorId: string, sql: Queryable = getSql()): Promise<string | null> {
  const [row]: [{ previous: string }?] = await sql`
    with old as (
      select id, body from thread_comments where id = ${commentId} for update
    ), changed as (
      update thread_comments c set body = ${body}, edited_at = clock_timestamp()
      from old where c.id = old.id
      returning c.id, old.body as previous, c.edited_at
    ), kept as (
      insert into comment_revisions (comment_id, body, replaced_at, editor_id)
      select id, previous, edited_at, ${editorId} from changed
    )
    select previous from changed`;
  return row?.previous ?? null;
}

export async function deleteComment(commentId: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`delete from thread_comments where id = ${commentId}`;
  return rows.count === 1;
}

/** Lock a thread's row for the rest of the transaction; false when there is none (any more). */
export async function lockThread(threadId: string, tx: Queryable): Promise<boolean> {
  const rows = await tx`select id from comment_threads where id = ${threadId} for update`;
  return rows.length === 1;
}

/** The words a thread is on now (after it was re-attached). */
export async function updateThreadQuote(threadId: string, quote: { exact: string; prefix: string; suffix: string }, sql: Queryable = getSql()): Promise<void> {
  await sql`
    update comment_threads set quote_exact = ${quote.exact}, quote_prefix = ${quote.prefix}, quote_suffix = ${quote.suffix}
    where id = ${threadId}`;
}

/** After an accepted proposal the thread is on its new words (kept as the quote when they fit its 1,000 characters). */
export async function updateThreadQuoteExact(threadId: string, exact: string, sql: Queryable = getSql()): Promise<void> {
  await sql`update comment_threads set quote_exact = ${exact} where id = ${threadId} and char_length(${exact}) <= 1000`;
}

/** Erase a thread with its comments, proposal and mail records (cascade); false when it was already gone. */
export async function deleteThreadRow(threadId: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`delete from comment_threads where id = ${threadId}`;
  return rows.count === 1;
}

/** Set a thread's status; false when it already had it (nothing changed). */
export async function updateThreadStatus(threadId: string, status: ThreadStatusRow, actorId: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows =
    status === "resolved"
      ? await sql`update comment_threads set status = 'resolved', resolved_by = ${actorId}, resolved_at = now()
          where id = ${threadId} and status = 'open'`
      : await sql`update comment_threads set status = 'open', resolved_by = null, resolved_at = null
          where id = ${threadId} and status = 'resolved'`;
  return rows.count === 1;
}

export async function insertProposal(input: { threadId: string; original: string; proposed: string }, sql: Queryable = getSql()): Promise<void> {
  await sql`insert into thread_proposals (thread_id, original, proposed) values (${input.threadId}, ${input.original}, ${input.proposed})`;
}

/** A pending proposal re-attached to other words proposes to replace those words now (an editor chose them). */
export async function updatePendingProposalOriginal(threadId: string, original: string, sql: Queryable = getSql()): Promise<void> {
  await sql`update thread_proposals set original = ${original} where thread_id = ${threadId} and status = 'pending'`;
}

/** The proposal, locked for this transaction (compare-and-swap: one decision wins). */
export async function lockProposal(
  threadId: string,
  tx: Queryable,
): Promise<{ original: string; proposed: string; status: ProposalStatusRow; authorId: string | null } | null> {
  const [row] = await tx<{ original: string; proposed: string; status: ProposalStatusRow; authorId: string | null }[]>`
    select p.original, p.proposed, p.status, t.author_id as "authorId"
    from thread_proposals p join comment_threads t on t.id = p.thread_id
    where p.thread_id = ${threadId} for update of p`;
  return row ?? null;
}

export async function decideProposal(
  input: { threadId: string; status: "accepted" | "rejected"; decidedBy: string; reason: string | null; decidedSeq: number | null },
  tx: Queryable,
): Promise<void> {
  await tx`
    update thread_proposals set status = ${input.status}, decided_by = ${input.decidedBy}, decided_at = now(),
      reason = ${input.reason}, decided_seq = ${input.decidedSeq}
    where thread_id = ${input.threadId} and status = 'pending'`;
}

/** Record an event under the document's thread lock (`lockDocumentThreads`); returns its seq. */
export async function insertThreadEvent(
  input: { documentId: string; type: string; threadId: string; actorId: string | null; logSeq: number },
  tx: Queryable,
): Promise<number> {
  // Numbered and announced in one statement (the NOTIFY is delivered at COMMIT): one round trip.
  const [row] = await tx<{ seq: number }[]>`
    with event as (
      insert into thread_events (document_id, seq, type, thread_id, actor_id, log_seq)
      select ${input.documentId}, coalesce(max(seq), 0) + 1, ${input.type}, ${input.threadId}, ${input.actorId}, ${input.logSeq}
      from thread_events where document_id = ${input.documentId}
      returning seq)
    select seq, pg_notify(${DOCUMENT_UPDATES_CHANNEL}, ${threadsPayloadPrefix(input.documentId)} || seq) from event`;
  return row!.seq;
}

/** The log row a thread event names, when the row it was recorded with went after others' rows (a rebased anchor). */
export async function updateThreadEventLogSeq(documentId: string, seq: number, logSeq: number, tx: Queryable): Promise<void> {
  await tx`update thread_events set log_seq = ${logSeq} where document_id = ${documentId} and seq = ${seq}`;
}

export interface ThreadEventRow {
  seq: number;
  type: string;
  threadId: string;
  logSeq: number;
}

export async function listThreadEventsAfter(documentId: string, afterSeq: number, sql: Queryable = getSql()): Promise<ThreadEventRow[]> {
  return sql<ThreadEventRow[]>`
    select seq, type, thread_id as "threadId", log_seq as "logSeq" from thread_events
    where document_id = ${documentId} and seq > ${afterSeq} order by seq limit 1000`;
}

export async function lastThreadEventSeq(documentId: string, sql: Queryable = getSql()): Promise<number> {
  const [row] = await sql<{ seq: number }[]>`
    select coalesce(max(seq), 0)::bigint as seq from thread_events where document_id = ${documentId}`;
  return Number(row?.seq ?? 0);
}

/** Tell every instance a document has new thread events ("threads <documentId> <seq>"; delivered at COMMIT). */
/**
 * Append one server-written row right after `tail` (which the caller read under `lockDocumentThreads`), with its
 * kind, and announce it to every instance (delivered at COMMIT), in one statement. Returns the new tail, or null when
 * another writer took the place first: `on conflict do nothing` leaves the caller's transaction usable, so it can
 * read the new tail and append after it (or start again).
 */
export async function appendServerRow(
  tx: Queryable,
  input: { documentId: string; tail: LogTail; update: Uint8Array; userId: string | null; kind: "edit" | "annotation"; instanceId: string },
): Promise<LogTail | null> {
  const { documentId, tail } = input;
  const bytes = Buffer.from(input.update.buffer, input.update.byteOffset, input.update.byteLength);
  const hash = chainHash(tail.hash, bytes);
  const seq = tail.seq + 1;
  const predecessor = tail.hash
    ? tx`exists (select 1 from document_updates where document_id = ${documentId} and seq = ${tail.seq} and hash = ${tail.hash})`
    : tx`not exists (select 1 from document_updates where document_id = ${documentId})`;
  const rows = await tx`
    with appended as (
      insert into document_updates (document_id, seq, update, user_id, prev_hash, hash, kind)
      select ${documentId}::uuid, ${seq}::bigint, ${bytes}::bytea, ${input.userId}::uuid, ${tail.hash}::bytea, ${hash}::bytea, ${input.kind}
      where ${predecessor}
      on conflict (document_id, seq) do nothing
      returning seq)
    select pg_notify(${DOCUMENT_UPDATES_CHANNEL}, ${documentUpdatedPayload(documentId, seq, input.instanceId)}) from appended`;
  return rows.count === 1 ? { seq, hash } : null;
}

/** The log's last row now (what a server change that may follow any later row appends after). */
export async function readLogTail(documentId: string, sql: Queryable = getSql()): Promise<LogTail> {
  const [row]: [{ seq: number; hash: Buffer }?] = await sql`
    select seq, hash from document_updates where document_id = ${documentId} order by seq desc limit 1`;
  return row ?? { seq: 0, hash: null };
}

/** The log row that holds a thread's anchor (known once the row is appended, after the thread's own rows). */
export async function updateThreadCreatedSeq(threadId: string, seq: number, sql: Queryable = getSql()): Promise<void> {
  await sql`update comment_threads set created_seq = ${seq} where id = ${threadId}`;
}

/**
 * What is still under discussion on a version: threads started on it (their anchor is in its log: `created_seq` ≤ the
 * version's `log_seq`) and still open, and their pending proposals.
 */
export async function countOpenDiscussion(documentId: string, versionId: string, sql: Queryable = getSql()): Promise<{ openThreads: number; pendingProposals: number }> {
  const [row] = await sql<{ openThreads: number; pendingProposals: number }[]>`
    select count(*) filter (where t.status = 'open')::int as "openThreads",
      count(*) filter (where p.status = 'pending')::int as "pendingProposals"
    from comment_threads t left join thread_proposals p on p.thread_id = t.id
    where t.document_id = ${documentId}
      and t.created_seq <= (select v.log_seq from document_versions v where v.id = ${versionId} and v.document_id = ${documentId})`;
  return row ?? { openThreads: 0, pendingProposals: 0 };
}

/** A document's open threads and their quotes (the anchor watch looks for the ones whose mark an edit took away). */
export async function listOpenThreadQuotes(
  documentId: string,
  sql: Queryable = getSql(),
): Promise<{ id: string; authorId: string | null; quoteExact: string; quotePrefix: string; quoteSuffix: string }[]> {
  return sql`
    select id, author_id as "authorId", quote_exact as "quoteExact", quote_prefix as "quotePrefix", quote_suffix as "quoteSuffix"
    from comment_threads where document_id = ${documentId} and status = 'open' order by created_at, id`;
}
