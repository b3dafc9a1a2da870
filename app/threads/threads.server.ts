/**
 * Discussion threads and amendment proposals (issue 13): the one place of their rules, used by the JSON API
 * (app/routes/api.*threads*, api.comments.$id, api.proposals.$id.$decision) and by the collaboration server (which
 * relays thread events to connected clients).
 *
 * - Roles: viewers read; commenters and up create threads, reply and propose; a comment's author edits or deletes it,
 *   and so do editors and organisers; a commenter resolves or reopens their own threads, editors and organisers any;
 *   editors and organisers decide proposals.
 * - Every anchor mark is written by the server, in the same transaction as the thread row: the document's log gets
 *   one row of kind "annotation" attributed to the requester, after the tail read under the document's lock (a row
 *   another writer slipped in first makes the whole transaction run again). Accepting a proposal is a
 *   compare-and-swap: the proposal row is locked (FOR UPDATE), the marked words must still equal the original, and
 *   the replacement is one row of kind "edit". Either way NOTIFY tells every instance's open room to read the row
 *   and relay it, after COMMIT.
 * - Every change records a thread event (numbered per document) and NOTIFYs it; rooms send it to their clients.
 */
import * as Y from "yjs";
import { getSql, type Queryable, type TransactionSql } from "../../db/client";
import { readDocumentContent, readUpdatesAfter, type LogTail } from "../../db/document-log";
import {
  appendServerRow,
  countOpenDiscussion,
  countOpenThreads,
  countThreadsAtVersions,
  deleteComment as deleteCommentRow,
  deleteThreadRow,
  decideProposal,
  findCommentForUser,
  findThreadForUser,
  insertComment,
  insertProposal,
  insertThread,
  insertThreadEvent,
  lastThreadEventSeq,
  listOpenThreadQuotes,
  listThreadRows,
  listThreadRowsAtVersion,
  lockDocumentThreads,
  lockProposal,
  lockThread,
  updateCommentBody,
  readLogTail,
  updateThreadCreatedSeq,
  updateThreadEventLogSeq,
  updateThreadQuote,
  updateThreadQuoteExact,
  updatePendingProposalOriginal,
  updateThreadStatus,
  type ThreadEventRow,
  type ThreadRow,
  type ThreadRows,
} from "../../db/threads";
import type { DocumentWithRole, Role } from "../../db/access";
import { canChangeOwnOrModerate, canDiscuss, canModerateThreads } from "../models/roles";
import {
  MAX_OPEN_THREADS,
  type EncodedRange,
  type OutdatedAnswer,
  type Quote,
  type QuoteSelector,
  type Thread,
  type ThreadAtVersion,
  type ThreadEventType,
} from "./contract";
import {
  anchorSpans,
  anchorStateOf,
  indexText,
  locateInContext,
  locateQuote,
  locateRange,
  proseMirrorDocOf,
  proseMirrorOf,
  sameWords,
  withAnchor,
  withReplacement,
  withoutAnchor,
  writeAsServer,
  type AnchorSpan,
} from "./anchoring.server";
import type { Node as PMNode } from "@tiptap/pm/model";
import type { Translate } from "../i18n/instance";
import { reserveLogPlace, type LogPlace, type ReservationOutcome } from "./log-place.server";
import { getEditorSchema } from "../editor/extensions";
import { queueThreadMails } from "./thread-mails.server";
import { refusal, REFUSALS, type RefusalCode } from "./refusals";
import { setImmediate as nextTurn } from "node:timers/promises";
import { applyUpdatesInOrder } from "../collab/apply-updates";


/** A refusal the API answers with `status` and `body`. */
export class ThreadError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error: string } & Record<string, unknown>,
  ) {
    super(body.error);
  }
}

const NOT_FOUND = () => new ThreadError(404, { error: "No such thread, or you are not a member of its workshop." });

class LogRace extends Error {}

/* ---------------------------------------------------------------------------------------------------------------- */
/* Reading                                                                                                          */
/* ---------------------------------------------------------------------------------------------------------------- */

/**
 * The committed state of the documents whose threads changed lately in this process, encoded, at a log position: the
 * next thread change of the document reads only the rows after it instead of the snapshot and every row since (on a
 * busy document, thousands: rebuilding from them cost 0.2–1.4 s per new thread, see bench/comments.ts). An entry is
 * used only when the log still has its row with the same hash (a later transaction snapshot, a rewritten log or a
 * deleted document falls back to the full read).
 */
const committedStates = new Map<string, { seq: number; hash: Buffer; state: Uint8Array }>();
const MAX_COMMITTED_STATES = 64;

function remember(documentId: string, tail: LogTail, ydoc: Y.Doc): void {
  if (tail.seq === 0 || !tail.hash) return;
  committedStates.delete(documentId);
  committedStates.set(documentId, { seq: tail.seq, hash: Buffer.from(tail.hash), state: Y.encodeStateAsUpdate(ydoc) });
  if (committedStates.size > MAX_COMMITTED_STATES) committedStates.delete(committedStates.keys().next().value!);
}

async function committedDoc(documentId: string, sql: Queryable): Promise<{ ydoc: Y.Doc; tail: LogTail }> {
  const cached = committedStates.get(documentId);
  if (cached) {
    // From the remembered row on: it must still be there, with the same hash, for the rows after it to follow it.
    const rows = await readUpdatesAfter(documentId, cached.seq - 1, sql);
    const first = rows[0];
    if (first && first.seq === cached.seq && Buffer.from(first.hash).equals(cached.hash)) {
      const ydoc = new Y.Doc({ gc: true });
      Y.applyUpdate(ydoc, cached.state);
      const after = rows.slice(1);
      applyUpdatesInOrder(ydoc, after.map((u) => u.update));
      const last = rows[rows.length - 1]!;
      const tail = { seq: last.seq, hash: last.hash };
      if (after.length > 0) {
        await nextTurn();
        remember(documentId, tail, ydoc);
      }
      return { ydoc, tail };
    }
    committedStates.delete(documentId);
  }
  const { snapshot, updates, tail } = await readDocumentContent(documentId, sql);
  const ydoc = new Y.Doc({ gc: true });
  if (snapshot) Y.applyUpdate(ydoc, snapshot.state);
  applyUpdatesInOrder(ydoc, updates.map((u) => u.update));
  // Encoding the state to remember is a stretch of its own on the event loop, not added to the reading's.
  await nextTurn();
  remember(documentId, tail, ydoc);
  return { ydoc, tail };
}

/**
 * The committed Y.Doc of the documents whose threads changed last on this instance, kept live between the changes
 * (issue 13's thread creation: decoding and re-encoding a 300-paragraph state cost more than the rest of the change).
 * Used only under the document's thread lock (`inDocumentTransaction`), taken out of the map while in use, and put
 * back only after COMMIT (a rollback drops it), at the log position it was loaded at: it holds everything up to there
 * plus its own committed changes, which the log holds later on.
 */
const liveDocs = new Map<string, { seq: number; hash: Buffer; ydoc: Y.Doc }>();
const MAX_LIVE_DOCS = 8;

async function liveDoc(documentId: string, sql: Queryable): Promise<{ ydoc: Y.Doc; tail: LogTail }> {
  const kept = liveDocs.get(documentId);
  if (kept) {
    liveDocs.delete(documentId);
    const rows = await readUpdatesAfter(documentId, kept.seq - 1, sql);
    const first = rows[0];
    if (first && first.seq === kept.seq && Buffer.from(first.hash).equals(kept.hash)) {
      applyUpdatesInOrder(kept.ydoc, rows.slice(1).map((u) => u.update));
      const last = rows[rows.length - 1]!;
      return { ydoc: kept.ydoc, tail: { seq: last.seq, hash: last.hash } };
    }
    kept.ydoc.destroy();
  }
  return committedDoc(documentId, sql);
}

/**
 * Documents a transaction of this process has taken out of `liveDocs`, until it has put them back (after COMMIT) or
 * dropped them. The next transaction of the document gets its lock as soon as PostgreSQL has committed the first,
 * which is often before the first's code has run on to put the document back: it waits for that (a turn or two of
 * the event loop) instead of rebuilding the document from the log (the remembered state and a garbage collection:
 * a stretch of 10 ms on the loop that relays the typing, for one thread in ten in bench:comments).
 */
const liveDocsOut = new Map<string, Promise<void>>();

/** Wait until no other transaction of this process has the live document out, then take the turn; call the result when done. */
async function takeLiveDocTurn(documentId: string): Promise<() => void> {
  for (let out = liveDocsOut.get(documentId); out; out = liveDocsOut.get(documentId)) await out;
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  liveDocsOut.set(documentId, mine);
  return () => {
    if (liveDocsOut.get(documentId) === mine) liveDocsOut.delete(documentId);
    done();
  };
}

function keepLiveDoc(documentId: string, tail: LogTail, ydoc: Y.Doc): void {
  if (tail.seq === 0 || !tail.hash) return;
  liveDocs.get(documentId)?.ydoc.destroy();
  liveDocs.delete(documentId);
  liveDocs.set(documentId, { seq: tail.seq, hash: Buffer.from(tail.hash), ydoc });
  if (liveDocs.size > MAX_LIVE_DOCS) {
    const [oldest, entry] = liveDocs.entries().next().value!;
    liveDocs.delete(oldest);
    entry.ydoc.destroy();
  }
}

const personName = (name: string | null) => ({ name: name ?? "Former member" });

/** A thread with the ids of the people who wrote it, to be shown to one reader (`seenBy`). */
export interface AuthoredThread {
  thread: Thread;
  authorId: string | null;
  /** The author of each comment, in the order of `thread.comments`. */
  commentAuthorIds: (string | null)[];
}

/** The thread as `viewerId` sees it: `mine` on the thread and on each comment they wrote. */
export function seenBy(entry: AuthoredThread, viewerId: string): Thread {
  return {
    ...entry.thread,
    mine: entry.authorId === viewerId,
    comments: entry.thread.comments.map((c, i) => ({ ...c, mine: entry.commentAuthorIds[i] === viewerId })),
  };
}

/** Threads as the API and the socket show them (before `seenBy`), with each anchor's state read from `doc`. */
export async function authoredThreads(documentId: string, doc: PMNode, threadIds?: string[], sql: Queryable = getSql()): Promise<AuthoredThread[]> {
  return threadsFromRows(await listThreadRows(documentId, threadIds ? { threadIds } : {}, sql), doc);
}

/** The threads of `rows`, each anchor's state read from `doc` (or from `spans`, the anchors already read from it). */
export function threadsFromRows(rows: ThreadRows, doc: PMNode, spans: Map<string, AnchorSpan> = anchorSpans(doc)): AuthoredThread[] {
  const comments = new Map<string, { list: Thread["comments"]; authors: (string | null)[] }>();
  for (const c of rows.comments) {
    const entry = comments.get(c.threadId) ?? { list: [], authors: [] };
    entry.list.push({ id: c.id, author: personName(c.authorName), mine: false, body: c.body, createdAt: c.createdAt.toISOString(), editedAt: c.editedAt?.toISOString() ?? null });
    entry.authors.push(c.authorId);
    comments.set(c.threadId, entry);
  }
  const proposals = new Map(rows.proposals.map((p) => [p.threadId, p]));
  const threads = rows.threads.map((t): AuthoredThread & { position: number } => {
    const span: AnchorSpan | undefined = spans.get(t.id);
    const p = proposals.get(t.id);
    const own = comments.get(t.id);
    const thread: Thread = {
      id: t.id,
      kind: t.kind,
      status: t.status,
      anchorState: anchorStateOf(span, t.quoteExact),
      quote: { exact: t.quoteExact, prefix: t.quotePrefix, suffix: t.quoteSuffix },
      author: personName(t.authorName),
      mine: false,
      createdAt: t.createdAt.toISOString(),
      comments: own?.list ?? [],
    };
    if (p) {
      thread.proposal = { original: p.original, proposed: p.proposed, status: p.status };
      if (p.decidedAt) {
        thread.proposal.decidedBy = personName(p.decidedByName);
        thread.proposal.decidedAt = p.decidedAt.toISOString();
      }
      if (p.reason) thread.proposal.reason = p.reason;
    }
    return { thread, authorId: t.authorId, commentAuthorIds: own?.authors ?? [], position: span?.from ?? Number.MAX_SAFE_INTEGER };
  });
  // Document order (orphaned ones last, oldest first).
  threads.sort((a, b) => a.position - b.position);
  return threads.map(({ position: _position, ...entry }) => entry);
}

/**
 * The threads a named version shows, read-only, as they were when it was saved (`listThreadRowsAtVersion`), in the
 * version's document order, each anchor's state read from the version's own text (`doc`, its saved content), each
 * comment with the body it had then and whether it was edited later.
 */
export async function threadsAtVersion(documentId: string, version: { logSeq: number; createdAt: Date }, doc: PMNode | null): Promise<ThreadAtVersion[]> {
  const rows = await listThreadRowsAtVersion(documentId, { logSeq: version.logSeq, at: version.createdAt });
  const empty = getEditorSchema().topNodeType.createAndFill()!;
  const editedLater = new Map(rows.comments.map((c) => [c.id, c.editedLater]));
  return threadsFromRows(rows, doc ?? empty).map((entry) => {
    const thread = seenBy(entry, "");
    return { ...thread, comments: thread.comments.map((c) => ({ ...c, editedLater: editedLater.get(c.id) ?? null })) };
  });
}

/** How many threads each named version of the document shows (and how many were open then): the history lists them. */
export function threadCountsAtVersions(documentId: string): Promise<Map<string, { threads: number; open: number }>> {
  return countThreadsAtVersions(documentId);
}

/** The threads shown beside a named version: `threadsAtVersion` on its saved content (none readable: no anchors). */
export function versionThreads(documentId: string, version: { logSeq: number; createdAt: Date; tiptapJson: unknown }): Promise<ThreadAtVersion[]> {
  let doc: PMNode | null = null;
  try {
    doc = getEditorSchema().nodeFromJSON(version.tiptapJson);
  } catch {
    doc = null;
  }
  return threadsAtVersion(documentId, version, doc);
}

/**
 * The content of a version being restored, with the anchors the document's threads should have in it: marks of
 * threads that no longer exist are taken off; a thread the version does not mark (started later, or its mark lost)
 * is marked where its quote is found exactly once (with its prefix and suffix, else alone); the others stay without
 * a mark, so they show as orphaned with their quote. Marks the version has for existing threads stay.
 */
export async function withRestoredAnchors(documentId: string, target: PMNode, sql: Queryable = getSql()): Promise<PMNode> {
  const { threads } = await listThreadRows(documentId, {}, sql);
  const existing = new Set(threads.map((t) => t.id));
  const marked = anchorSpans(target);
  let doc = target;
  for (const id of marked.keys()) if (!existing.has(id)) doc = withoutAnchor(doc, id);
  const index = indexText(doc);
  for (const t of threads) {
    if (marked.has(t.id)) continue;
    let found = locateQuote(index, { exact: t.quoteExact, prefix: t.quotePrefix, suffix: t.quoteSuffix });
    if (!found.ok) found = locateQuote(index, { exact: t.quoteExact });
    if (found.ok) doc = withAnchor(doc, found.from, found.to, t.id);
  }
  return doc;
}

/** Threads as `viewerId` sees them, with each anchor's state read from `doc`. */
export async function threadsJson(documentId: string, doc: PMNode, viewerId: string, threadIds?: string[], sql: Queryable = getSql()): Promise<Thread[]> {
  return (await authoredThreads(documentId, doc, threadIds, sql)).map((entry) => seenBy(entry, viewerId));
}

/**
 * `GET /api/documents/:id/threads` (any member): the threads as `viewerId` sees them, and the seq of the latest
 * thread event they include (the answer's `X-Thread-Seq`: a client takes socket events from the next one).
 */
export async function listThreads(document: DocumentWithRole, viewerId: string): Promise<{ threads: Thread[]; seq: number }> {
  // One snapshot: the events, the rows and the document read in one repeatable-read transaction agree.
  return (await getSql().begin("isolation level repeatable read read only", async (tx) => {
    const seq = await lastThreadEventSeq(document.id, tx);
    const { ydoc } = await committedDoc(document.id, tx);
    try {
      return { threads: await threadsJson(document.id, proseMirrorDocOf(ydoc), viewerId, undefined, tx), seq };
    } finally {
      ydoc.destroy();
    }
  })) as { threads: Thread[]; seq: number };
}

/** Open threads and pending proposals on a named version: the publish page shows them. */
export function discussionOnVersion(documentId: string, versionId: string): Promise<{ openThreads: number; pendingProposals: number }> {
  return countOpenDiscussion(documentId, versionId);
}

/** "2 open threads and 1 pending proposal" in the page's language, or null when there is nothing under discussion. */
export function discussionSentence(t: Translate, counts: { openThreads: number; pendingProposals: number }): string | null {
  const threads = counts.openThreads > 0 ? t("workshop:discussion.openThreads", { count: counts.openThreads }) : null;
  const proposals = counts.pendingProposals > 0 ? t("workshop:discussion.pendingProposals", { count: counts.pendingProposals }) : null;
  if (threads && proposals) return t("workshop:discussion.both", { threads, proposals });
  return threads ?? proposals;
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* Writing                                                                                                          */
/* ---------------------------------------------------------------------------------------------------------------- */

interface Change {
  tx: TransactionSql;
  /**
   * Append a server-written document change after the tail read under the lock; returns its log seq. A change that
   * only adds or removes anchor marks may `rebase`: when an edit took the log's next place meanwhile (the editors'
   * rows arrive every few ms on a busy document), it goes after the new tail instead of the whole transaction being
   * tried again — a Yjs update stays valid after later ones, and the marks land on the same characters. A change
   * of the text (an accepted proposal: a compare-and-swap) never rebases.
   */
  append(update: Uint8Array, kind: "edit" | "annotation", options?: { rebase?: boolean }): Promise<number>;
  /**
   * The seq the next rebasing append takes unless a writer of another instance is faster: holds the log's next place
   * from this process's room of the document, if it has one (log-place.server.ts), until the transaction ends.
   */
  nextSeq(): Promise<number>;
  /**
   * Hold the log's next place now, before the document is read: a change of the text (which never rebases) then
   * finds the tail it read still the last, however fast this instance's editors type (another instance's may still
   * be faster: the transaction is tried again).
   */
  holdPlace(): Promise<void>;
  /**
   * The threads this change's events are about as committed (rows read in the transaction, anchors read from the
   * change's own document): handed to the room with the log rows (log-place.server.ts), so that it need not read them
   * after COMMIT, nor build its own ProseMirror view of the document for them.
   */
  handThreads(threads: AuthoredThread[]): void;
  /**
   * Record a thread event, announced at COMMIT; returns its number. It names the log row its change is in: the
   * last one appended, unless `logSeq` is given (a change not appended yet, whose event is sent along with it).
   */
  event(type: ThreadEventType, threadId: string, logSeq?: number): Promise<number>;
  tail(): LogTail;
}

/**
 * Run `work` in one transaction holding the document's lock; the log tail it appends after is the one `loadDoc`
 * read under that lock. Tried again when another writer took the log's next place first.
 */
async function inDocumentTransaction<T>(
  documentId: string,
  /** Who the log rows and events are in the name of (null: the system, when a thread's author account is gone). */
  actorId: string | null,
  work: (change: Change, loadDoc: () => Promise<Y.Doc>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const docs: Y.Doc[] = [];
    // The log position the loaded document holds everything up to. Its changes appended since (writeAsServer's, each
    // also in the log once committed, after that position, even when rebased past others' rows) do not move it: the
    // next use reads the rows after it and applies them — its own again, which Yjs ignores, and the others'.
    let reflects: LogTail | null = null;
    // The log's next place, held by this process's room of the document if it has one (log-place.server.ts), from
    // the first append until the transaction's end; and the rows appended in it, handed to that room after COMMIT.
    let held: { place: LogPlace; instanceId: string } | null = null;
    let reserved = false;
    const rows: NonNullable<ReservationOutcome["committed"]> = [];
    const events: ThreadEventRow[] = [];
    let handedThreads: AuthoredThread[] | null = null;
    let outcome: ReservationOutcome = { committed: null, mayHaveWritten: false };
    let endTurn: (() => void) | null = null;
    try {
      const result = (await getSql().begin(async (tx) => {
        await lockDocumentThreads(tx, documentId);
        let tail: LogTail | null = null;
        const loadDoc = async () => {
          endTurn ??= await takeLiveDocTurn(documentId);
          const loaded = await liveDoc(documentId, tx);
          tail = loaded.tail;
          docs.push(loaded.ydoc);
          reflects = docs.length === 1 ? loaded.tail : null;
          return loaded.ydoc;
        };
        const currentTail = async (): Promise<LogTail> => tail ?? (await readDocumentContent(documentId, tx)).tail;
        const holdPlace = async (): Promise<void> => {
          if (reserved) return;
          reserved = true;
          held = await reserveLogPlace(documentId);
        };
        /** The tail the next append goes after: the loaded one, or the room's when newer and the change may follow it. */
        const placeAfter = async (rebase: boolean): Promise<LogTail> => {
          const after = await currentTail();
          await holdPlace();
          const roomTail = (held as { place: LogPlace } | null)?.place.tail;
          return roomTail && rebase && roomTail.seq > after.seq ? roomTail : after;
        };
        const change: Change = {
          tx,
          append: async (update, kind, options = {}) => {
            let after = await placeAfter(options.rebase ?? false);
            for (let tries = 1; ; tries++) {
              // Losing the race to the log's next place writes nothing and leaves the transaction usable.
              const appended = await appendServerRow(tx, { documentId, tail: after, update, userId: actorId, kind, instanceId: held?.instanceId ?? "http" });
              if (appended) {
                rows.push({ after, tail: appended, update });
                tail = appended;
                return appended.seq;
              }
              if (!options.rebase || tries >= 50) throw new LogRace();
              after = await readLogTail(documentId, tx);
            }
          },
          nextSeq: async () => (await placeAfter(true)).seq + 1,
          holdPlace,
          event: async (type, threadId, logSeq) => {
            const at = logSeq ?? (await currentTail()).seq;
            const seq = await insertThreadEvent({ documentId, type, threadId, actorId, logSeq: at }, tx);
            events.push({ seq, type, threadId, logSeq: at });
            return seq;
          },
          handThreads: (threads) => (handedThreads = threads),
          tail: () => tail ?? { seq: 0, hash: null },
        };
        const result = await work(change, loadDoc);
        // From here on a row may be committed without our knowing (the COMMIT's answer lost): the room reads the log.
        outcome = { committed: null, mayHaveWritten: rows.length > 0 };
        return result;
      })) as T;
      const handed = handedThreads as AuthoredThread[] | null;
      outcome = {
        committed: rows.length > 0 ? rows : null,
        mayHaveWritten: false,
        threadEvents: handed && events.every((e) => handed.some((t) => t.thread.id === e.threadId)) ? { events, threads: handed } : null,
      };
      // Committed: the document, if it still reflects the log, serves the next change of this document.
      if (reflects && docs.length === 1) keepLiveDoc(documentId, reflects, docs.pop()!);
      return result;
    } catch (error) {
      if (error instanceof LogRace && attempt < 20) continue;
      throw error;
    } finally {
      (held as { place: LogPlace } | null)?.place.release(outcome);
      for (const d of docs) d.destroy();
      (endTurn as (() => void) | null)?.();
    }
  }
}

export type Anchoring = { quote: QuoteSelector } | { range: EncodedRange };

async function openThread(input: {
  document: DocumentWithRole;
  userId: string;
  anchoring: Anchoring;
  body: string | null;
  proposed: string | null;
}): Promise<{ id: string }> {
  const { document, userId } = input;
  if (!canDiscuss(document.role)) throw new ThreadError(403, refusal("viewerCannotStart"));
  const { id, sendMails } = await inDocumentTransaction(document.id, userId, async (change, loadDoc) => {
    // One round trip (pipelined on the transaction's connection, after the lock).
    const [open, ydoc] = await Promise.all([countOpenThreads(document.id, change.tx), loadDoc()]);
    if (open >= MAX_OPEN_THREADS) throw new ThreadError(409, refusal("tooManyOpenThreads"));
    const { doc, mapping, meta } = proseMirrorOf(ydoc);
    const index = indexText(doc);
    const located = "quote" in input.anchoring ? locateQuote(index, input.anchoring.quote) : locateRange(ydoc, mapping, index, input.anchoring.range);
    if (!located.ok) throw new ThreadError(409, { error: located.error, code: located.code });
    if (located.quote.exact.length > 1000) throw new ThreadError(400, { ...refusal("selectionTooLong"), fields: { quote: REFUSALS.selectionTooLong } });
    const id = crypto.randomUUID();
    const marked = withAnchor(doc, located.from, located.to, id);
    const update = writeAsServer(ydoc, doc, marked, meta);
    if (!update) throw new ThreadError(409, refusal("notMarked"));
    // The thread's own rows first (one round trip), the log row last: from the moment the row is written until
    // COMMIT, the editors' next rows wait for this transaction (the log's next place), so that moment is kept short.
    const loadedSeq = change.tail().seq + 1;
    await Promise.all([
      insertThread(
        { id, documentId: document.id, kind: input.proposed === null ? "comment" : "proposal", authorId: userId, quote: located.quote, createdSeq: loadedSeq },
        change.tx,
      ),
      input.proposed !== null ? insertProposal({ threadId: id, original: located.quote.exact, proposed: input.proposed }, change.tx) : null,
      input.body ? insertComment({ threadId: id, authorId: userId, body: input.body }, change.tx) : null,
    ]);
    // The mails, and the thread as this instance's room will send it (its rows, its anchor read from its own range):
    // ready before the log's next place is held, which then lasts only for the event, the row and COMMIT.
    const noMails = () => {};
    const [sendMails, rows] = await Promise.all([
      input.body ? queueThreadMails(change.tx, { documentId: document.id, threadId: id, authorId: userId, body: input.body, reply: false }) : noMails,
      listThreadRows(document.id, { threadIds: [id] }, change.tx),
    ]);
    const created = threadsFromRows(rows, marked, anchorSpans(marked, { from: located.from, to: located.to }));
    // The event and the log row in one round trip (postgres.js pipelines them on the transaction's connection), then
    // COMMIT: nothing else waits between the row and the commit. The row goes after the editors' rows committed since
    // the document was read (the room's tail, when it holds the place); a row that still went elsewhere moves the
    // thread's and the event's seq (and the room reads them after the NOTIFY).
    const expectedSeq = await change.nextSeq();
    const [eventSeq, seq] = await Promise.all([
      change.event("thread-created", id, expectedSeq),
      change.append(update, "annotation", { rebase: true }),
      expectedSeq !== loadedSeq ? updateThreadCreatedSeq(id, expectedSeq, change.tx) : null,
    ]);
    if (seq !== expectedSeq) {
      await Promise.all([updateThreadCreatedSeq(id, seq, change.tx), updateThreadEventLogSeq(document.id, eventSeq, seq, change.tx)]);
    } else change.handThreads(created);
    return { id, sendMails };
  });
  sendMails();
  return { id };
}

/** `POST /api/documents/:id/threads`. */
export function createThread(input: { document: DocumentWithRole; userId: string; anchoring: Anchoring; body: string }): Promise<{ id: string }> {
  return openThread({ ...input, proposed: null });
}

/** `POST /api/documents/:id/proposals`. */
export function createProposal(input: { document: DocumentWithRole; userId: string; anchoring: Anchoring; proposed: string; body: string | null }): Promise<{ id: string }> {
  return openThread(input);
}

async function threadFor(threadId: string, userId: string): Promise<{ thread: ThreadRow; role: Role }> {
  const found = await findThreadForUser(threadId, userId);
  if (!found) throw NOT_FOUND();
  return found;
}

async function replyable(threadId: string, userId: string) {
  const found = await threadFor(threadId, userId);
  if (!canDiscuss(found.role)) throw new ThreadError(403, refusal("viewerCannotReply"));
  return found;
}

/** May this user reply to this thread? Throws the refusal (routes ask before reading the body). */
export async function checkReply(threadId: string, userId: string): Promise<void> {
  await replyable(threadId, userId);
}

/** `POST /api/threads/:id/comments`. */
export async function addComment(input: { threadId: string; userId: string; body: string }): Promise<{ id: string }> {
  const { thread } = await replyable(input.threadId, input.userId);
  const { id, sendMails } = await inDocumentTransaction(thread.documentId, input.userId, async (change) => {
    const id = await insertComment({ threadId: thread.id, authorId: input.userId, body: input.body }, change.tx);
    const sendMails = await queueThreadMails(change.tx, { documentId: thread.documentId, threadId: thread.id, authorId: input.userId, body: input.body, reply: true });
    await change.event("comment-added", thread.id);
    return { id, sendMails };
  });
  sendMails();
  return { id };
}

async function commentFor(commentId: string, userId: string) {
  const found = await findCommentForUser(commentId, userId);
  if (!found) throw new ThreadError(404, { error: "No such comment, or you are not a member of its workshop." });
  const mayChange = canChangeOwnOrModerate(found.role, found.comment.authorId === userId);
  if (!mayChange) throw new ThreadError(403, refusal("notYourComment"));
  return found;
}

/** May this user change or delete this comment? Throws the refusal (routes ask before reading the body). */
export async function checkCommentChange(commentId: string, userId: string): Promise<void> {
  await commentFor(commentId, userId);
}

/** `PATCH /api/comments/:id` (its author, or an editor or organiser); members newly mentioned get an e-mail. */
export async function editComment(input: { commentId: string; userId: string; body: string }): Promise<void> {
  const { comment, documentId } = await commentFor(input.commentId, input.userId);
  const sendMails = await inDocumentTransaction(documentId, input.userId, async (change) => {
    const previous = await updateCommentBody(comment.id, input.body, input.userId, change.tx);
    if (previous === null) throw new ThreadError(404, refusal("commentDeleted"));
    // Members the edit newly mentions are told, as for a new comment (by the person who edited it); those the body
    // already mentioned were told then.
    const sendMails = await queueThreadMails(change.tx, { documentId, threadId: comment.threadId, authorId: input.userId, body: input.body, reply: false, mentionedBefore: previous });
    await change.event("comment-edited", comment.threadId);
    return sendMails;
  });
  sendMails();
}

/** `DELETE /api/comments/:id` (its author, or an editor or organiser). The body is erased. */
export async function deleteComment(input: { commentId: string; userId: string }): Promise<void> {
  const { comment, documentId } = await commentFor(input.commentId, input.userId);
  await inDocumentTransaction(documentId, input.userId, async (change) => {
    if (!(await deleteCommentRow(comment.id, change.tx))) throw new ThreadError(404, refusal("commentAlreadyDeleted"));
    await change.event("comment-deleted", comment.threadId);
  });
}

/** `POST /api/threads/:id/resolve|reopen`: a commenter their own threads, editors and organisers any. */
export async function setThreadStatus(input: { threadId: string; userId: string; status: "open" | "resolved" }): Promise<{ changed: boolean }> {
  const { thread, role } = await threadFor(input.threadId, input.userId);
  const mayChange = canChangeOwnOrModerate(role, thread.authorId === input.userId);
  if (!mayChange) throw new ThreadError(403, refusal("notYourThread"));
  return inDocumentTransaction(thread.documentId, input.userId, async (change) => {
    const changed = await updateThreadStatus(thread.id, input.status, input.userId, change.tx);
    if (changed) await change.event(input.status === "resolved" ? "thread-resolved" : "thread-reopened", thread.id);
    return { changed };
  });
}

/**
 * `DELETE /api/threads/:id` (editors and organisers): the thread, its comments and its proposal are erased, and its
 * anchor mark is taken off the words in the same transaction (one log row of kind "annotation" attributed to the
 * person deleting; none when no mark was left). The event "thread-deleted" tells every client to drop it.
 */
export async function deleteThread(input: { threadId: string; userId: string }): Promise<void> {
  const { thread, role } = await threadFor(input.threadId, input.userId);
  if (!canModerateThreads(role)) throw new ThreadError(403, refusal("moderatorsDelete"));
  await inDocumentTransaction(thread.documentId, input.userId, async (change, loadDoc) => {
    // Locked first, so that two deletions (or a deletion and a decision) take turns and the second finds it gone.
    if (!(await lockThread(thread.id, change.tx))) throw new ThreadError(404, refusal("threadAlreadyDeleted"));
    const ydoc = await loadDoc();
    const { doc, meta } = proseMirrorOf(ydoc);
    const update = anchorSpans(doc).has(thread.id) ? writeAsServer(ydoc, doc, withoutAnchor(doc, thread.id), meta) : null;
    await deleteThreadRow(thread.id, change.tx);
    if (update) await change.append(update, "annotation", { rebase: true });
    await change.event("thread-deleted", thread.id);
  });
}

async function moderated(threadId: string, userId: string, refused: RefusalCode) {
  const found = await threadFor(threadId, userId);
  if (!canModerateThreads(found.role)) throw new ThreadError(403, refusal(refused));
  return found.thread;
}

const REATTACH_REFUSAL = "moderatorsReattach";

/** May this user re-attach this thread? Throws the refusal (the route asks before reading the body). */
export async function checkReattach(threadId: string, userId: string): Promise<void> {
  await moderated(threadId, userId, REATTACH_REFUSAL);
}

/**
 * `POST /api/threads/:id/reattach` (editors and organisers): an orphaned thread — none of its words are marked any
 * more — is anchored to new words, found as when a thread is started (a quote found exactly once, or the editor's
 * selection), in one transaction: the mark (one log row of kind "annotation"), the thread's new quote, and the event
 * "thread-reattached". A thread whose words are still marked answers 409 (it is not orphaned).
 */
export async function reattachThread(input: { threadId: string; userId: string; anchoring: Anchoring }): Promise<{ quote: Quote }> {
  const thread = await moderated(input.threadId, input.userId, REATTACH_REFUSAL);
  return inDocumentTransaction(thread.documentId, input.userId, async (change, loadDoc) => {
    if (!(await lockThread(thread.id, change.tx))) throw new ThreadError(404, refusal("threadDeleted"));
    const ydoc = await loadDoc();
    const { doc, mapping, meta } = proseMirrorOf(ydoc);
    if (anchorStateOf(anchorSpans(doc).get(thread.id), thread.quoteExact) !== "orphaned") {
      throw new ThreadError(409, refusal("stillAttached"));
    }
    const index = indexText(doc);
    const located = "quote" in input.anchoring ? locateQuote(index, input.anchoring.quote) : locateRange(ydoc, mapping, index, input.anchoring.range);
    if (!located.ok) throw new ThreadError(409, { error: located.error, code: located.code });
    if (located.quote.exact.length > 1000) throw new ThreadError(400, { ...refusal("selectionTooLong"), fields: { quote: REFUSALS.selectionTooLong } });
    const update = writeAsServer(ydoc, doc, withAnchor(doc, located.from, located.to, thread.id), meta);
    if (!update) throw new ThreadError(409, refusal("notMarked"));
    await updateThreadQuote(thread.id, located.quote, change.tx);
    // A pending proposal now proposes to replace the words it was re-attached to: accepting compares with those.
    if (thread.kind === "proposal") await updatePendingProposalOriginal(thread.id, located.quote.exact, change.tx);
    await change.append(update, "annotation", { rebase: true });
    await change.event("thread-reattached", thread.id);
    return { quote: located.quote };
  });
}

async function proposalFor(threadId: string, userId: string) {
  const { thread, role } = await threadFor(threadId, userId);
  if (thread.kind !== "proposal") throw new ThreadError(404, { error: "No such proposal, or you are not a member of its workshop." });
  if (!canModerateThreads(role)) throw new ThreadError(403, refusal("moderatorsDecide"));
  return thread;
}

/** May this user decide this proposal? Throws the refusal (routes ask before reading the body). */
export async function checkDecision(threadId: string, userId: string): Promise<void> {
  await proposalFor(threadId, userId);
}

const ALREADY: Record<string, RefusalCode> = { accepted: "alreadyAccepted", rejected: "alreadyRejected", withdrawn: "alreadyWithdrawn" };
const alreadyDecided = (status: string) =>
  new ThreadError(409, ALREADY[status] ? { ...refusal(ALREADY[status]), status } : { error: `This proposal was already ${status}.`, status });

/**
 * `POST /api/proposals/:id/accept`: a compare-and-swap on the live document. The proposal is locked; if the words
 * its anchor marks are still the original, they are replaced by the proposed words in one committed change (log
 * kind "edit", attributed to the person accepting; the proposal records its author and who decided), the anchor
 * covers the new words and the thread is resolved. Otherwise 409 outdated with original, current and proposed.
 */
export async function acceptProposal(input: { threadId: string; userId: string }): Promise<void> {
  const thread = await proposalFor(input.threadId, input.userId);
  await inDocumentTransaction(thread.documentId, input.userId, async (change, loadDoc) => {
    const proposal = await lockProposal(thread.id, change.tx);
    if (!proposal) throw NOT_FOUND();
    if (proposal.status !== "pending") throw alreadyDecided(proposal.status);
    await change.holdPlace();
    const ydoc = await loadDoc();
    const { doc, meta } = proseMirrorOf(ydoc);
    const span = anchorSpans(doc).get(thread.id);
    const current = span?.text ?? "";
    // The marked words, and everything between the first and the last of them, must still read as the original.
    if (!span || !sameWords(current, proposal.original) || !sameWords(doc.textBetween(span.from, span.to, "\n"), proposal.original)) {
      const answer: OutdatedAnswer = { error: "outdated", original: proposal.original, current, proposed: proposal.proposed };
      throw new ThreadError(409, answer as unknown as { error: string });
    }
    const update = writeAsServer(ydoc, doc, withReplacement(doc, span.from, span.to, proposal.proposed), meta);
    const seq = update ? await change.append(update, "edit") : change.tail().seq;
    await decideProposal({ threadId: thread.id, status: "accepted", decidedBy: input.userId, reason: null, decidedSeq: seq }, change.tx);
    if (proposal.proposed !== "") {
      await updateThreadQuoteExact(thread.id, proposal.proposed, change.tx);
    }
    await updateThreadStatus(thread.id, "resolved", input.userId, change.tx);
    await change.event("proposal-decided", thread.id);
  });
}

/** `POST /api/proposals/:id/reject`: a row change only; the thread is resolved. */
export async function rejectProposal(input: { threadId: string; userId: string; reason: string | null }): Promise<void> {
  const thread = await proposalFor(input.threadId, input.userId);
  await inDocumentTransaction(thread.documentId, input.userId, async (change) => {
    const proposal = await lockProposal(thread.id, change.tx);
    if (!proposal) throw NOT_FOUND();
    if (proposal.status !== "pending") throw alreadyDecided(proposal.status);
    await decideProposal({ threadId: thread.id, status: "rejected", decidedBy: input.userId, reason: input.reason, decidedSeq: null }, change.tx);
    await updateThreadStatus(thread.id, "resolved", input.userId, change.tx);
    await change.event("proposal-decided", thread.id);
  });
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* Lost anchors                                                                                                     */
/* ---------------------------------------------------------------------------------------------------------------- */

/** The open threads `doc` no longer marks whose exact words still stand in place (app/threads/anchoring.server.ts `locateInContext`). */
function lostButInPlace(doc: PMNode, threads: Awaited<ReturnType<typeof listOpenThreadQuotes>>): { id: string; authorId: string | null; from: number; to: number }[] {
  if (threads.length === 0) return [];
  const spans = anchorSpans(doc);
  const lost = threads.filter((t) => !spans.has(t.id));
  if (lost.length === 0) return [];
  const index = indexText(doc);
  const found: { id: string; authorId: string | null; from: number; to: number }[] = [];
  for (const t of lost) {
    const at = locateInContext(index, { exact: t.quoteExact, prefix: t.quotePrefix, suffix: t.quoteSuffix });
    if (at.ok) found.push({ id: t.id, authorId: t.authorId, from: at.from, to: at.to });
  }
  return found;
}

/**
 * After edits that deleted something (issue 13): an open thread whose mark an edit took away — a concurrent
 * structural change can drop the formatting of words it moves — is marked again, by the server, only where its exact
 * words stand with their quote's context, once; otherwise it stays orphaned (its words deleted, cut and pasted
 * elsewhere, rewritten). Each re-anchoring is one committed annotation in the thread author's name, checked again
 * under the document's lock, and a "thread-reattached" event. Returns the threads marked again.
 */
export async function reanchorLostThreads(documentId: string): Promise<string[]> {
  const threads = await listOpenThreadQuotes(documentId);
  if (threads.length === 0) return [];
  // A first look without the lock: most checks find nothing to do and write nothing.
  const { ydoc } = await committedDoc(documentId, getSql());
  let candidates: ReturnType<typeof lostButInPlace>;
  try {
    candidates = lostButInPlace(proseMirrorDocOf(ydoc), threads);
  } finally {
    ydoc.destroy();
  }
  const done: string[] = [];
  for (const candidate of candidates) {
    const marked = await inDocumentTransaction(documentId, candidate.authorId, async (change, loadDoc) => {
      if (!(await lockThread(candidate.id, change.tx))) return false;
      const current = await loadDoc();
      const { doc, meta } = proseMirrorOf(current);
      const still = lostButInPlace(doc, (await listOpenThreadQuotes(documentId, change.tx)).filter((t) => t.id === candidate.id))[0];
      if (!still) return false;
      const update = writeAsServer(current, doc, withAnchor(doc, still.from, still.to, still.id), meta);
      if (!update) return false;
      await change.append(update, "annotation", { rebase: true });
      await change.event("thread-reattached", still.id);
      return true;
    });
    if (marked) done.push(candidate.id);
  }
  return done;
}
