/**
 * The JSON contract of discussion threads (issue 13): what `GET /api/documents/:id/threads` answers, what the
 * state-changing calls take, and the thread events sent on the document's socket (app/collab/protocol.ts,
 * MESSAGE_THREADS). Shared by the server (app/threads/*.server.ts, the api.* routes) and the editor's side panel.
 *
 * Browser-safe: types and constants only.
 */

/** Characters of context kept before and after the quoted words (as in the W3C TextQuoteSelector). */
export const QUOTE_CONTEXT_CHARS = 32;
/** Longest quoted span. */
export const MAX_QUOTE_CHARS = 1_000;
/** Longest comment body (plain text; mentions written `@Name`). */
export const MAX_COMMENT_CHARS = 10_000;
/** Longest proposed replacement (plain text). */
export const MAX_PROPOSAL_CHARS = 20_000;
/** Longest rejection reason. */
export const MAX_REASON_CHARS = 2_000;
/** Open threads one document may hold at once. */
export const MAX_OPEN_THREADS = 500;

export type ThreadKind = "comment" | "proposal";
export type ThreadStatus = "open" | "resolved";
/** active: the marked words equal the quote; edited: they differ (show both); orphaned: no marked words left. */
export type AnchorState = "active" | "edited" | "orphaned";
export type ProposalStatus = "pending" | "accepted" | "rejected" | "withdrawn";

export interface Person {
  name: string;
}

export interface Quote {
  exact: string;
  prefix: string;
  suffix: string;
}

export interface Comment {
  id: string;
  author: Person;
  /** The caller wrote it. */
  mine: boolean;
  body: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601, or null when never edited. */
  editedAt: string | null;
}

export interface Proposal {
  /** The words the proposal replaces, as they were when it was made. */
  original: string;
  /** The replacement (empty: delete the words). */
  proposed: string;
  status: ProposalStatus;
  decidedBy?: Person;
  decidedAt?: string;
  /** The reason given with a rejection, if any. */
  reason?: string;
}

export interface Thread {
  /** Also the id of its proposal (`/api/proposals/:id/…`) when kind is "proposal". */
  id: string;
  kind: ThreadKind;
  status: ThreadStatus;
  anchorState: AnchorState;
  quote: Quote;
  author: Person;
  /** The caller started it. */
  mine: boolean;
  createdAt: string;
  /** In the order written; the first is the thread's opening comment (a proposal's may be absent). */
  comments: Comment[];
  proposal?: Proposal;
}

/** Not part of the API: a comment as the read-only discussion of a named version shows it, as it read then. */
export interface CommentAtVersion extends Comment {
  /**
   * Changed since the version was saved: "kept" (`body` is the one it had then), "notKept" (its earlier wording was
   * not kept, `body` is today's); null when it reads the same now.
   */
  editedLater: "kept" | "notKept" | null;
}

/** Not part of the API: a thread on a named version's page (app/components/version-threads.tsx). */
export interface ThreadAtVersion extends Omit<Thread, "comments"> {
  comments: CommentAtVersion[];
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* Request bodies                                                                                                    */
/* ---------------------------------------------------------------------------------------------------------------- */

export interface QuoteSelector {
  exact: string;
  prefix?: string;
  suffix?: string;
}

/**
 * A selection in the editor as two Yjs relative positions (y-tiptap's `absolutePositionToRelativePosition`, then
 * `Y.encodeRelativePosition`), each base64-encoded. The server resolves them on the committed document.
 */
export interface EncodedRange {
  from: string;
  to: string;
}

/** `POST /api/documents/:id/threads`: a quote or a range. */
export type CreateThreadBody = { body: string; quote: QuoteSelector } | { body: string; range: EncodedRange };
/** `POST /api/documents/:id/proposals`. */
export type CreateProposalBody = ({ quote: QuoteSelector } | { range: EncodedRange }) & { proposed: string; body?: string };
/** `POST /api/threads/:id/comments` and `PATCH /api/comments/:id`. */
export interface CommentBody {
  body: string;
}
/** `POST /api/proposals/:id/reject`. */
export interface RejectBody {
  reason?: string;
}

/** `409` from `POST /api/proposals/:id/accept` when the marked words changed since the proposal was made. */
export interface OutdatedAnswer {
  error: "outdated";
  original: string;
  /** The words marked now ("" when they are gone). */
  current: string;
  proposed: string;
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* Socket events                                                                                                     */
/* ---------------------------------------------------------------------------------------------------------------- */

/** Response header of `GET /api/documents/:id/threads`: the seq of the latest thread event the list includes. */
export const THREAD_SEQ_HEADER = "X-Thread-Seq";

export type ThreadEventType =
  | "thread-created"
  | "comment-added"
  | "comment-edited"
  | "comment-deleted"
  | "thread-resolved"
  | "thread-reopened"
  | "thread-deleted"
  | "proposal-decided"
  | "thread-reattached";

/**
 * One thread event, sent to every connection of the document after its transaction committed. `seq` counts the
 * document's thread events from 1 without gaps: a client that sees a gap (or reconnects) reloads the threads with
 * `GET /api/documents/:id/threads`, whose `X-Thread-Seq` header (THREAD_SEQ_HEADER) is the seq of the latest event
 * the list includes: the next event to expect is that plus one. `thread` is the thread as it is after the event (null once deleted).
 */
export interface ThreadEvent {
  seq: number;
  type: ThreadEventType;
  threadId: string;
  thread: Thread | null;
}
