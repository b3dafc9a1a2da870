/**
 * Every cap of the collaboration socket, in one place (docs/security.md, "Collaboration socket", lists each with its
 * close code). A reader (viewer, commenter, read-only token) may send presence and ask for state, so every one of
 * these holds for readers too; none is reached by a person using the editor in a few tabs.
 *
 * Over a cap: the connection is closed with a typed code (app/collab/protocol.ts), except where said otherwise
 * (presence over its rate is coalesced, presence over the document's budget is dropped, an instance that is full
 * refuses the upgrade with 503).
 */

export interface Rate {
  perSecond: number;
  burst: number;
}

/** Largest websocket message (ws maxPayload); above: 1009. */
export const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
/**
 * Messages of any kind per connection; above: 4529 (transient). Each presence message the server sends a
 * connection adds one to its allowance (the provider echoes each back), up to MAX_ECHO_CREDIT.
 */
export const MESSAGE_RATE: Rate = { perSecond: 200, burst: 400 };
export const MAX_ECHO_CREDIT = 2000;

/** A document's size (its update log since the last snapshot, or its encoded state): above, every update is 4413. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
/**
 * Kept free below MAX_DOCUMENT_BYTES: an update that adds content is refused (4413) once the document would pass
 * MAX_DOCUMENT_BYTES − DOCUMENT_HEADROOM_BYTES; updates that only delete still go through, and so do restoring a version
 * and saving one, so a full document can always be cut down again.
 */
export const DOCUMENT_HEADROOM_BYTES = 2 * 1024 * 1024;
/** The document's size is counted from its updates' bytes; past the cap, it is measured exactly after this many more. */
export const REMEASURE_AFTER_BYTES = 256 * 1024;
/** Unsent bytes queued to one socket; above: 1013 (transient, the client resyncs). */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** Presence (awareness) client IDs one connection may publish (y-websocket's provider uses exactly one); above: 4400. */
export const MAX_PRESENCE_IDS_PER_CONNECTION = 2;
/**
 * States in one presence message. y-websocket's provider sends every presence change it receives back to the server
 * (others' states are skipped unread), so a message may list a whole room; above: 4400.
 */
export const MAX_PRESENCE_ENTRIES_PER_MESSAGE = 5000;
/** A client ID a connection published stays unclaimable this long after it went (late echoes of it are ignored). */
export const RELEASED_PRESENCE_MS = 60_000;
/** One presence state as JSON, in bytes (a name, a colour and a caret are ~300); above: 4400. */
export const MAX_PRESENCE_STATE_BYTES = 2 * 1024;
/** Presence updates applied per connection; faster ones are coalesced (the latest state wins), never refused. */
export const PRESENCE_RATE: Rate = { perSecond: 10, burst: 20 };
/** All presence states of one document together, in bytes; a state that would pass it is dropped (not shown). */
export const MAX_PRESENCE_BYTES_PER_DOCUMENT = 1024 * 1024;

/**
 * Requests that make the server compute an answer from the whole document: a sync step 1 carrying a partial state
 * vector (a client that has part of the document), and a presence query. A provider sends one per connection; above:
 * 4529 (transient).
 */
export const SYNC_REQUEST_RATE: Rate = { perSecond: 0.2, burst: 5 };
/** Answers to partial state vectors a room keeps for its current log position (the same request is answered once). */
export const SYNC_ANSWER_CACHE_ENTRIES = 16;
export const SYNC_ANSWER_CACHE_BYTES = 1024 * 1024;

/** Sockets of one user on one document on this instance; one more closes that user's oldest there with 4429. */
export const MAX_SOCKETS_PER_USER_PER_DOCUMENT = 8;
/** Sockets of one user on this instance (all documents); one more closes that user's oldest with 4429. */
export const MAX_SOCKETS_PER_USER = 32;
/** Sockets on this instance; beyond, upgrades are refused with 503 (the provider retries). */
export const MAX_SOCKETS = 10_000;

/** While a document loads, the socket is paused; of what was already read, at most this much is held… */
export const MAX_EARLY_MESSAGES = 16;
/** …and at most these bytes; beyond either: 4529 (transient). */
export const MAX_EARLY_BYTES = 4 * 1024 * 1024;

export interface SocketCaps {
  perUserPerDocument: number;
  perUser: number;
  total: number;
}

export interface PresenceCaps {
  idsPerConnection: number;
  entriesPerMessage: number;
  stateBytes: number;
  rate: Rate;
  bytesPerDocument: number;
}

export const DEFAULT_SOCKET_CAPS: SocketCaps = { perUserPerDocument: MAX_SOCKETS_PER_USER_PER_DOCUMENT, perUser: MAX_SOCKETS_PER_USER, total: MAX_SOCKETS };
export const DEFAULT_PRESENCE_CAPS: PresenceCaps = {
  idsPerConnection: MAX_PRESENCE_IDS_PER_CONNECTION,
  entriesPerMessage: MAX_PRESENCE_ENTRIES_PER_MESSAGE,
  stateBytes: MAX_PRESENCE_STATE_BYTES,
  rate: PRESENCE_RATE,
  bytesPerDocument: MAX_PRESENCE_BYTES_PER_DOCUMENT,
};

/** A token bucket: `allow()` takes a token if there is one; `waitMs()` says how long until the next. */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = rate.burst;
    this.refilledAt = now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rate.perSecond);
    this.refilledAt = now;
  }

  allow(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate.perSecond) * 1000);
  }
}
