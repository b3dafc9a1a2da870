/**
 * One loaded document on this instance: its committed Y.Doc, its presence, its connections, and its commit
 * pipeline.
 *
 * Commit before relay: an accepted update waits in `pending` and is sent at once as one autocommit statement
 * appending it right after the log's tail, which the room keeps. Updates that arrive while commits are in flight are
 * sent too, chained after the last one, on the same connection (a "lane", so PostgreSQL runs them in order; see
 * commit-lanes.ts), up to MAX_FLIGHTS at once; beyond that they gather and go together (group commit). Answers are
 * taken in the order sent, and only a committed batch is relayed to the other connections (the bytes as committed),
 * applied to the Y.Doc and confirmed to its authors with a "saved" message; then other instances, if any, are told
 * by a NOTIFY of its own (`announce`; not inside the commit, which every edit waits for: ADR 0006), and a periodic
 * comparison of log tails (collab-server.ts) catches whatever a lost NOTIFY did not bring. When another writer took
 * the next place first, the log refuses the batch and every batch chained after it; the room reads the newer rows and
 * sends them again. The Y.Doc therefore only ever holds committed state, and what a joining client receives is
 * committed.
 */
import * as Y from "yjs";
import { applyUpdatesInOrder } from "../../app/collab/apply-updates";
import * as syncProtocol from "y-protocols/sync";
import * as encoding from "lib0/encoding";
import { createHash } from "node:crypto";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { CloseCode, MESSAGE_SYNC, writeSaved, writeThreadEvent } from "../../app/collab/protocol";
import { proseMirrorDocOf } from "../../app/threads/anchoring.server";
import { authoredThreads, seenBy, type AuthoredThread } from "../../app/threads/threads.server";
import { scheduleAnchorCheck } from "../../app/threads/anchor-watch.server";
import type { LogPlace, ReservationOutcome } from "../../app/threads/log-place.server";
import type { ThreadEventType } from "../../app/threads/contract";
import { lastThreadEventSeq, listThreadEventsAfter, type ThreadEventRow } from "../../db/threads";
import type { Role } from "../../app/models/roles";
import { log } from "../../app/utils/log.server";
import { metrics } from "../../app/utils/metrics.server";
import type { Sql } from "../../db/client";
import {
  appendPlanned,
  DOCUMENT_UPDATES_CHANNEL,
  insertSnapshot,
  notifyDocumentUpdated,
  planAppend,
  readDocumentContent,
  readUpdatesAfter,
  type LogTail,
  type PlannedAppend,
} from "../../db/document-log";
import type { CommitLane, CommitLanes } from "./commit-lanes";
import type { PeerInstances } from "./peer-instances";
import { binaryFrame } from "./frames";
import type { DeleteSet } from "./inspect-update";
import { Presence } from "./presence";
import { DOCUMENT_HEADROOM_BYTES, MAX_ECHO_CREDIT, REMEASURE_AFTER_BYTES, SYNC_ANSWER_CACHE_BYTES, SYNC_ANSWER_CACHE_ENTRIES } from "./limits";
import { applyAndCheck } from "./whole-document";

export const NOTIFY_CHANNEL = DOCUMENT_UPDATES_CHANNEL;

/** Tries to append after a tail that others keep moving, before the commit is reported failed. */
const MAX_COMMIT_ATTEMPTS = 20;
/** Tries of a commit that failed (lost connection, database error) before its authors are told… */
const MAX_FAILED_COMMITS = 3;
/** …and the pause before each further try (times the failures so far), while connections are remade. */
const FAILED_COMMIT_PAUSE_MS = 100;
/**
 * How long a server-written change's relay (a thread's mark and event, an accepted proposal) may wait for the room's
 * next write to its sockets, to leave in the same system call (relaySoon).
 */
export const RELAY_SOON_MS = 20;

export interface Member {
  ws: WebSocket;
  /** The connection under `ws`: messages to many members are framed once and written to it directly (frames.ts). */
  socket: Duplex;
  userId: string;
  /** The session or the personal access token the socket was opened with (re-checked every few seconds). */
  sessionId: string | null;
  tokenId: string | null;
  name: string;
  color: string;
  role: Role;
  canWrite: boolean;
  /** Yjs client IDs this connection introduced (it may write only with these). */
  clientIds: Set<number>;
  /** Awareness client IDs it publishes. */
  awarenessIds: Set<number>;
  /** Presence messages sent to it and not yet echoed back (its provider echoes each: limits.ts MESSAGE_RATE). */
  echoCredit: number;
  /**
   * Everything this connection's committed updates deleted: its "saved" messages carry this, not the whole
   * document's delete set (which grows with every deletion anyone ever made: 36 kB and 4 ms per commit for a
   * draft edited 30,000 times). Enough for its client: every local update it waits for was sent on this connection,
   * or, made earlier, is covered by the full delete set the client's sync step 2 carries on connecting.
   */
  deletes: DeleteSet;
  closed: boolean;
}

export interface RoomLimits {
  maxDocumentBytes: number;
  maxBufferedBytes: number;
  maxBatch: number;
  snapshotEvery: number;
  /** After this long without a write, the committed document is kept encoded (one Yjs update) instead of as a Y.Doc. */
  sleepAfterMs: number;
  /** Answers to partial state vectors kept per log position (limits.ts SYNC_ANSWER_CACHE_*). */
  syncAnswerCacheEntries?: number;
  syncAnswerCacheBytes?: number;
  /** Kept free below maxDocumentBytes for updates that only delete (limits.ts DOCUMENT_HEADROOM_BYTES). */
  headroomBytes?: number;
  /** Bytes of updates after which a document past its cap is measured again (limits.ts REMEASURE_AFTER_BYTES). */
  remeasureAfterBytes?: number;
  /** The longest a server-side change may hold the log's next place (`reserve`; RESERVATION_MAX_MS). */
  reservationMaxMs?: number;
  /** The longest a server-written change's relay waits for the room's next write (`relaySoon`; RELAY_SOON_MS). */
  relaySoonMs?: number;
}

/** Why `Room.admit` refused an update. */
export type Admission = { ok: true } | { ok: false; tooLarge: boolean; reason: string; missingDependencies?: true };

interface Pending {
  member: Member;
  update: Uint8Array;
  /** What the update deletes (from its inspection). */
  deletes: DeleteSet;
  /** Commits of it the log refused so far (another writer had taken the place). */
  attempts: number;
  /** Commits of it that failed so far (connection lost, database error). */
  failures: number;
}

/** A batch sent for commit, chained after the flight before it (or the committed tail). */
interface Flight {
  batch: Pending[];
  plan: PlannedAppend;
  outcome: "committed" | "refused" | "failed" | null;
}

/** Joins of clients with part of the document a sleeping room answers from its encoded state before it wakes. */
const DIFFS_BEFORE_WAKE = 3;

/** The longest a server-side change may hold the log's next place (`Room.reserve`) before it is taken back. */
export const RESERVATION_MAX_MS = 10_000;

/** Commits a room may have in flight at once (pipelined on its lane); more updates wait and go together. */
const MAX_FLIGHTS = 4;

export class Room {
  /**
   * The committed document, in one of two forms: `live`, a Y.Doc, while people write; or `encoded`, its state as one
   * Yjs update (~1/7 of the memory), while nobody has written for `sleepAfterMs`, and from load until the first write.
   * Exactly one of them is set. Reading (joins, state vectors, "saved") works on either form.
   */
  private live: Y.Doc | null = null;
  private encoded: Uint8Array | null;
  /**
   * The state vector of `encoded` (what the server's sync step 1 on every join carries), kept with it: worked out from
   * the encoded bytes it cost a decoding of the whole document per join (45 ms for 1 MB: 4.5 s for 100 joins).
   */
  private encodedStateVector: Uint8Array | null;
  /** Joins answered from `encoded` with a diff (clients that had part of the document) since it fell asleep. */
  private diffsWhileAsleep = 0;
  private sleepTimer: NodeJS.Timeout | null = null;
  /** Who is here and where their caret is (presence.ts). */
  readonly presence: Presence<Member>;
  /** Answers to partial state vectors, for log position `answersSeq` (the same request is computed once). */
  private answers = new Map<string, Uint8Array>();
  private answersSeq = -1;
  private answersBytes = 0;
  readonly members = new Set<Member>();
  seq: number;
  approxBytes: number;
  private pending: Pending[] = [];
  private flights: Flight[] = [];
  /** Flights returned after one that was not committed: held until `recover` has read the log. */
  private unsettled: Flight[] = [];
  private recovery: Promise<void> | null = null;
  private lane: CommitLane | null = null;
  private snapshotting = false;
  private idleWaiters: (() => void)[] = [];
  private catchUpRequested = false;
  /** Reads of the log completed (catch-ups), and per user the count when one of theirs waited for one (mayBeBehind). */
  private catchUpsDone = 0;
  private readonly behindFor = new Map<string, number>();
  private liveClaims = new Map<number, Member>();
  /**
   * The committed document plus every update accepted for commit (pending, in flight, set aside): where each new
   * update is tried and checked as a whole (whole-document.ts) before it is queued. Built at the first write after
   * a load or a sleep; dropped (to be built again) when an update tried on it is refused or an accepted one is
   * given up, and when the room sleeps.
   */
  private accepted: Y.Doc | null = null;
  /** `approxBytes` when the document's encoded size was last measured exactly. */
  private measuredBytes = 0;
  private owners = new Map<number, string | null>();
  private fullState: Uint8Array | null = null;
  /** The live document's state vector, as its last transaction left it (Yjs works it out for every transaction). */
  private liveStateVector: Map<number, number> | null = null;
  /** The chain hash of the log's row `seq` (null before the first row). */
  private tailHash: Buffer | null;
  private sinceSnapshot = 0;
  /** The last seq of ours other instances were told of (by NOTIFY), and whether a NOTIFY is on its way. */
  private announcedSeq: number;
  private announcing = false;
  destroyed = false;
  /** The last thread event sent to this room's connections, and the newest one announced. */
  private threadSeq: number;
  private threadTarget = 0;
  private relayingThreads = false;
  /** Relays held back by `relaySoon`, run (in order) before anything else is written to the sockets. */
  private soon: (() => void)[] = [];
  private soonTimer: NodeJS.Timeout | null = null;
  /** Server-side changes of this process holding the log's next place (`reserve`): no commit of ours starts meanwhile. */
  private reservations = 0;
  /** Woken whenever the room may have moved on (a commit settled, a read of the log, a release): each re-checks. */
  private progressWaiters: (() => void)[] = [];

  constructor(
    readonly documentId: string,
    private readonly sql: Sql,
    private readonly lanes: CommitLanes,
    private readonly peers: PeerInstances,
    private readonly limits: RoomLimits,
    loaded: {
      encoded: Uint8Array;
      stateVector: Uint8Array;
      saved: Uint8Array;
      tail: LogTail;
      approxBytes: number;
      owners: Map<number, string | null>;
      sinceSnapshot: number;
      threadSeq?: number;
    },
  ) {
    this.threadSeq = loaded.threadSeq ?? 0;
    this.encoded = loaded.encoded;
    this.encodedStateVector = loaded.stateVector;
    this.seq = loaded.tail.seq;
    this.announcedSeq = this.seq;
    this.savedCache = { seq: this.seq, message: loaded.saved };
    this.tailHash = loaded.tail.hash;
    this.approxBytes = loaded.approxBytes;
    this.measuredBytes = loaded.approxBytes;
    this.owners = loaded.owners;
    this.sinceSnapshot = loaded.sinceSnapshot;
    this.presence = new Presence(documentId, (message) => this.broadcast(message, null, true));
  }

  static async load(documentId: string, sql: Sql, lanes: CommitLanes, peers: PeerInstances, limits: RoomLimits): Promise<Room> {
    // Thread events first: one committed after this read is announced again, and the content read next holds its anchor.
    const threadSeq = await lastThreadEventSeq(documentId, sql);
    const { snapshot, updates, tail } = await readDocumentContent(documentId, sql);
    // Built once as a Y.Doc (which proves the stored state decodes), then kept encoded until someone writes.
    const doc = new Y.Doc({ gc: true });
    let approxBytes = 0;
    try {
      if (snapshot) {
        Y.applyUpdate(doc, snapshot.state);
        approxBytes = snapshot.state.byteLength;
      }
      if (updates.length > 0) {
        applyUpdatesInOrder(doc, updates.map((u) => u.update));
        for (const u of updates) approxBytes += u.update.byteLength;
      }
      const encoded = Y.encodeStateAsUpdate(doc);
      const stateVector = Y.encodeStateVector(doc);
      const saved = savedMessageOf(doc, tail.seq);
      // The log's bytes count what was since deleted; the encoded state is the document's size.
      approxBytes = Math.min(approxBytes, encoded.byteLength);
      return new Room(documentId, sql, lanes, peers, limits, { encoded, stateVector, saved, tail, approxBytes, owners: new Map(), sinceSnapshot: updates.length, threadSeq });
    } finally {
      doc.destroy();
    }
  }

  /** Record which user wrote with which client IDs (from the log) so nobody else can write with them. */
  rememberOwners(rows: { clients: number[]; userId: string | null }[]): void {
    for (const r of rows) for (const c of r.clients) if (!this.owners.has(c)) this.owners.set(c, r.userId);
  }

  join(member: Member): void {
    this.members.add(member);
    // Sync step 1 from us (so the client sends what we lack), then everyone's presence.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(encoder, this.live ? Y.encodeStateVector(this.live) : this.encodedStateVector!);
    this.send(member, encoding.toUint8Array(encoder));
    const presence = this.presence.message();
    if (presence) this.sendPresence(member, presence);
  }

  /** Send a presence message; its echo from the member's provider will not count against its message rate. */
  sendPresence(member: Member, message: Uint8Array): void {
    member.echoCredit = Math.min(MAX_ECHO_CREDIT, member.echoCredit + 1);
    this.send(member, message);
  }

  leave(member: Member): void {
    if (!this.members.delete(member)) return;
    member.closed = true;
    for (const id of member.clientIds) if (this.liveClaims.get(id) === member) this.liveClaims.delete(id);
    this.presence.release(member);
  }

  /**
   * The state a client lacks, given its state vector; joins of fresh clients share one cached encoding. While asleep,
   * a client that has part of the document (it reconnects) is answered from the encoded state, which decodes all of
   * it (14 ms for 1 MB); the document is woken at the DIFFS_BEFORE_WAKE + 1st such join of a quiet spell (97 ms for
   * 1 MB, then 0.7 ms per join), so that everyone reconnecting after a restart does not pay a decoding each.
   */
  stateFor(stateVector: Uint8Array): Uint8Array {
    if (stateVector.length <= 1) return this.live ? (this.fullState ??= Y.encodeStateAsUpdate(this.live)) : this.encoded!;
    // The same partial state vector at the same log position has the same answer: computed once.
    if (this.answersSeq !== this.seq) this.forgetAnswers();
    const key = createHash("sha256").update(stateVector).digest("base64"); // a state vector may be large
    const cached = this.answers.get(key);
    if (cached) return cached;
    if (!this.live && ++this.diffsWhileAsleep > DIFFS_BEFORE_WAKE) this.wake();
    const answer = this.live ? Y.encodeStateAsUpdate(this.live, stateVector) : Y.diffUpdate(this.encoded!, stateVector);
    this.rememberAnswer(key, answer);
    return answer;
  }

  private forgetAnswers(): void {
    this.answers.clear();
    this.answersBytes = 0;
    this.answersSeq = this.seq;
  }

  private rememberAnswer(key: string, answer: Uint8Array): void {
    const maxBytes = this.limits.syncAnswerCacheBytes ?? SYNC_ANSWER_CACHE_BYTES;
    const maxEntries = this.limits.syncAnswerCacheEntries ?? SYNC_ANSWER_CACHE_ENTRIES;
    if (answer.byteLength > maxBytes || maxEntries < 1) return;
    for (const [oldest, bytes] of this.answers) {
      if (this.answers.size < maxEntries && this.answersBytes + answer.byteLength <= maxBytes) break;
      this.answers.delete(oldest);
      this.answersBytes -= bytes.byteLength;
    }
    this.answers.set(key, answer);
    this.answersBytes += answer.byteLength;
  }

  /**
   * May this member write with these client IDs? Claims new ones. A client ID is its account's: another account's
   * connection may never use it (the log's authorship rests on that). Another connection of the same account may: a
   * tab that reconnects before the server saw its earlier connection drop sends with the same ID, and a tab opened
   * from the device copy (IndexedDB) carries the account's other tab's unsent changes, made with that tab's ID. Both
   * send the same structs the first would; Yjs keeps one copy of a struct (client, clock), so nothing is doubled.
   */
  claimClients(member: Member, clients: Iterable<number>): boolean {
    const toClaim: number[] = [];
    for (const id of clients) {
      if (member.clientIds.has(id)) continue;
      const live = this.liveClaims.get(id);
      if (live && live !== member && live.userId !== member.userId) return false;
      const owner = this.owners.get(id);
      if (owner !== undefined && owner !== member.userId) return false;
      toClaim.push(id);
    }
    for (const id of toClaim) {
      member.clientIds.add(id);
      this.liveClaims.set(id, member);
      this.owners.set(id, member.userId);
    }
    return true;
  }

  /**
   * May this update be queued? It is applied to the accepted document and refused when the document it leaves is not
   * one the schema accepts as a whole (whole-document.ts), or, when it adds anything, when the document would pass
   * its size cap less the headroom kept for deletions (limits.ts). Nothing refused is stored or relayed.
   */
  admit(update: Uint8Array, addsContent: boolean): Admission {
    const doc = this.acceptedDoc();
    const checked = applyAndCheck(doc, update);
    if (!checked.ok) {
      this.dropAccepted();
      return { ok: false, tooLarge: false, reason: checked.reason, ...("missingDependencies" in checked ? { missingDependencies: true as const } : {}) };
    }
    const hardCap = this.limits.maxDocumentBytes;
    const cap = addsContent ? hardCap - Math.min(this.limits.headroomBytes ?? DOCUMENT_HEADROOM_BYTES, Math.floor(hardCap / 8)) : hardCap;
    if (this.approxBytes + update.byteLength > cap) {
      // approxBytes only grows (deletions add bytes too): measure the document itself, at most once per
      // REMEASURE_AFTER_BYTES of updates.
      const exact = this.approxBytes - this.measuredBytes >= (this.limits.remeasureAfterBytes ?? REMEASURE_AFTER_BYTES) ? Y.encodeStateAsUpdate(doc).byteLength : null;
      if (exact === null || exact > cap) {
        this.dropAccepted();
        return { ok: false, tooLarge: true, reason: "document too large" };
      }
      this.approxBytes = Math.max(0, exact - update.byteLength);
      this.measuredBytes = this.approxBytes;
    }
    return { ok: true };
  }

  private acceptedDoc(): Y.Doc {
    if (this.accepted) return this.accepted;
    const doc = new Y.Doc({ gc: true });
    Y.applyUpdate(doc, this.live ? Y.encodeStateAsUpdate(this.live) : this.encoded!);
    const queued = [...this.unsettled.flatMap((f) => f.batch), ...this.flights.flatMap((f) => f.batch), ...this.pending].map((p) => p.update);
    applyUpdatesInOrder(doc, queued);
    this.accepted = doc;
    return doc;
  }

  private dropAccepted(): void {
    this.accepted?.destroy();
    this.accepted = null;
  }

  /** Queue an accepted update for the next group commit. */
  enqueue(member: Member, update: Uint8Array, deletes: DeleteSet): void {
    this.pending.push({ member, update, deletes, attempts: 0, failures: 0 });
    this.approxBytes += update.byteLength;
    this.pump();
  }

  /**
   * An update of `userId` depends on changes this room does not hold. Behind a load balancer that is an honest client
   * that moved here from an instance that stopped, holding commits this instance has not read yet (ADR 0008): the
   * first time, the room reads the log and the answer is true (the client should resend after reconnecting). Only when
   * the user sends such an update again after a read of the log has completed is it refused (false).
   */
  mayBeBehind(userId: string): boolean {
    const askedAt = this.behindFor.get(userId);
    if (askedAt !== undefined && this.catchUpsDone > askedAt) {
      this.behindFor.delete(userId);
      return false;
    }
    if (askedAt === undefined) this.behindFor.set(userId, this.catchUpsDone);
    this.requestCatchUp();
    return true;
  }

  /** The user's update was admitted: a later one that waits for unread changes gets a read of the log again. */
  admitted(userId: string): void {
    if (this.behindFor.size > 0) this.behindFor.delete(userId);
  }

  /**
   * Thread events up to `seq` were committed (NOTIFY "threads"): send each, in order, to every connection, with the
   * thread as it is now. An event waits until the room holds the log row it names (the anchor of a new thread, an
   * accepted proposal's change), so that its anchor state is read from a document that has it.
   */
  async relayThreadEvents(seq: number): Promise<void> {
    this.threadTarget = Math.max(this.threadTarget, seq);
    if (this.relayingThreads) return;
    this.relayingThreads = true;
    try {
      // A change of this process holding the log's place hands its events over with its rows (`reserve`): no read.
      await this.until(() => this.reservations === 0 && this.soon.length === 0, 2000);
      while (!this.destroyed && this.threadSeq < this.threadTarget) {
        const read = await listThreadEventsAfter(this.documentId, this.threadSeq, this.sql);
        if (read.length === 0) break;
        const needed = Math.max(...read.map((e) => e.logSeq));
        // A row of this process's may be on its way (`reserve`); otherwise, or if that did not bring it, read the log.
        await this.until(() => this.seq >= needed, 5000);
        for (let tries = 0; this.seq < needed && tries < 5 && !this.destroyed; tries++) {
          this.requestCatchUp();
          await this.until(() => this.seq >= needed, 5000);
        }
        if (this.destroyed) return;
        const events = read.filter((e) => e.seq > this.threadSeq); // those handed over meanwhile were sent
        if (events.length === 0) continue;
        const threads = await authoredThreads(this.documentId, proseMirrorDocOf(this.wake()), [...new Set(events.map((e) => e.threadId))], this.sql);
        this.corked(() => this.sendThreadEvents(events.filter((e) => e.seq > this.threadSeq), threads));
      }
    } catch (error) {
      log.warn(`collab: thread events of ${this.documentId} could not be relayed (clients reload on the next one): ${(error as Error).message}`);
    } finally {
      this.relayingThreads = false;
    }
  }

  /**
   * Send thread events, in order, each with its thread as `threads` has it. Each person sees `mine` on what they
   * wrote: one message for each person who wrote in the thread, and one shared by everyone else (all `mine: false`);
   * each message framed once, the same bytes written to every socket it is for. Called inside `corked` (or by a relay
   * `flushSoon` runs), so a relay held back by `relaySoon` has left before these.
   */
  private sendThreadEvents(events: ThreadEventRow[], threads: AuthoredThread[]): void {
    const byId = new Map(threads.map((t) => [t.thread.id, t]));
    const frames = new Map<Uint8Array, Buffer>();
    for (const event of events) {
      const entry = byId.get(event.threadId);
      const writers = new Set(entry ? [entry.authorId, ...entry.commentAuthorIds].filter((id): id is string => id !== null) : []);
      const messages = new Map<string, Uint8Array>();
      const messageFor = (viewer: string): Uint8Array => {
        const key = writers.has(viewer) ? viewer : "";
        let message = messages.get(key);
        if (!message) {
          const encoder = encoding.createEncoder();
          const thread = entry ? seenBy(entry, key) : null;
          writeThreadEvent(encoder, { seq: event.seq, type: event.type as ThreadEventType, threadId: event.threadId, thread });
          message = encoding.toUint8Array(encoder);
          messages.set(key, message);
        }
        return message;
      };
      for (const m of this.members) {
        if (!this.ready(m)) continue;
        const message = messageFor(m.userId);
        let frame = frames.get(message);
        if (!frame) frames.set(message, (frame = binaryFrame(message)));
        m.socket.write(frame);
      }
      this.threadSeq = event.seq;
      this.threadTarget = Math.max(this.threadTarget, event.seq);
    }
  }

  /**
   * Thread events a change of this process committed with the rows it handed over: sent at once when they are the
   * very next ones and the room holds the rows they name; otherwise left to `relayThreadEvents` (the NOTIFY).
   */
  private sendHandedThreadEvents(handed: { events: ThreadEventRow[]; threads: AuthoredThread[] }): void {
    const { events } = handed;
    if (events.length === 0 || this.destroyed) return;
    const inOrder = events.every((e, i) => e.seq === this.threadSeq + 1 + i);
    if (!inOrder || events.some((e) => e.logSeq > this.seq)) return;
    this.sendThreadEvents(events, handed.threads);
  }

  /** Another instance committed: read its rows (once nothing of ours is in flight). */
  requestCatchUp(): void {
    this.catchUpRequested = true;
    this.pump();
  }

  /** Nothing waiting, in flight, being recovered, announced or snapshotted. */
  get idle(): boolean {
    return (
      this.pending.length === 0 &&
      this.flights.length === 0 &&
      this.unsettled.length === 0 &&
      !this.recovery &&
      !this.announcing &&
      !this.snapshotting &&
      this.reservations === 0 &&
      this.soon.length === 0
    );
  }

  /** The log position this room has reached or has commits on their way to (a log tail beyond it is news). */
  get knownSeq(): number {
    return Math.max(this.seq, this.flights[this.flights.length - 1]?.plan.tail.seq ?? 0);
  }

  /** Resolves when every queued update has been committed (or failed). */
  async drained(): Promise<void> {
    while (!this.idle && !this.destroyed) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private wakeIdleWaiters(): void {
    if (!this.idle && !this.destroyed) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /**
   * Send what is pending as a new commit, chained after the last one in flight, while fewer than
   * MAX_FLIGHTS are in flight; or, once nothing is in flight, recover or catch up if that is due.
   */
  private pump(): void {
    if (this.destroyed) return this.wakeIdleWaiters();
    const held = this.catchUpRequested || this.unsettled.length > 0 || this.recovery !== null || this.reservations > 0;
    while (!held && this.pending.length > 0 && this.flights.length < MAX_FLIGHTS) this.launch(this.pending.splice(0, this.limits.maxBatch));
    if (this.flights.length === 0 && !this.recovery && (this.catchUpRequested || this.unsettled.length > 0)) this.recover();
    this.wakeIdleWaiters();
    this.wakeProgressWaiters();
  }

  private wakeProgressWaiters(): void {
    for (const resolve of this.progressWaiters.splice(0)) resolve();
  }

  /** Resolves once `ready()` holds, or nothing more will happen without news (the room is idle), or after `waitMs`. */
  private async until(ready: () => boolean, waitMs: number): Promise<boolean> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.wakeProgressWaiters();
    }, waitMs);
    timer.unref();
    while (!ready() && !this.idle && !this.destroyed && !timedOut) await new Promise<void>((resolve) => this.progressWaiters.push(resolve));
    clearTimeout(timer);
    return ready();
  }

  /**
   * Hold the log's next place for a server-side change made in this process (a thread's anchor, an accepted
   * proposal: app/threads/log-place.server.ts). Resolves, once no commit of ours is in flight and no read of the log
   * is due, with the tail this room holds; from then until `release` no commit of ours starts, so the editors'
   * updates wait in the queue for that one append and its COMMIT instead of colliding with it, being refused, and
   * going through a read of the log and a second try. `release` with the committed rows makes the room hold them at
   * once and relay them (with the thread events handed along) right after (their NOTIFY names this instance, which
   * therefore does not read them back); without, the room reads the log if a row may have been written. Null when the
   * place did not come free within `waitMs`.
   */
  async reserve(waitMs: number): Promise<LogPlace | null> {
    if (this.destroyed) return null;
    this.reservations += 1;
    let released = false;
    let expiry: NodeJS.Timeout | null = null;
    let endHold: (() => void) | null = null;
    const release = (outcome: ReservationOutcome) => {
      if (released) {
        // Given back late (the place was taken back): whatever it wrote is read from the log.
        if (outcome.committed || outcome.mayHaveWritten) this.requestCatchUp();
        return;
      }
      released = true;
      endHold?.();
      if (expiry) clearTimeout(expiry);
      this.reservations -= 1;
      if (outcome.committed) {
        // The room holds the rows at once (its next commits go after them); they are relayed, with the thread events
        // that came with them, in one write to each socket, with the room's next writes (relaySoon).
        const relayed = outcome.committed.filter((row) => this.takeServerRow(row)).map((row) => row.update);
        const handed = outcome.threadEvents ?? null;
        if (relayed.length > 0 || handed) {
          this.relaySoon(() => {
            for (const update of relayed) this.broadcast(syncMessage(update), null);
            if (handed) this.sendHandedThreadEvents(handed);
          });
        }
      } else if (outcome.mayHaveWritten) this.catchUpRequested = true;
      this.pump();
    };
    const free = () => this.flights.length === 0 && !this.recovery && this.unsettled.length === 0 && !this.catchUpRequested;
    if (!(await this.until(free, waitMs)) || this.destroyed) {
      release({ committed: null, mayHaveWritten: false });
      return null;
    }
    // A change that never ends (a connection that hangs) must not hold the editors for ever: after RESERVATION_MAX_MS
    // the place is taken back as if a row may have been written (the room reads the log; a row the change commits
    // later finds its place taken and goes after, or is read when it is given back, as between instances).
    expiry = setTimeout(() => release({ committed: null, mayHaveWritten: true }), this.limits.reservationMaxMs ?? RESERVATION_MAX_MS);
    expiry.unref();
    endHold = metrics().logPlaceHold.startTimer();
    return { tail: { seq: this.seq, hash: this.tailHash }, release };
  }

  /** A row a server-side change of this process committed while it held the place: held (the caller relays it); false if it does not follow our tail. */
  private takeServerRow(row: { after: LogTail; tail: LogTail; update: Uint8Array }): boolean {
    if (this.destroyed || this.catchUpRequested) return false; // a row before it was missed: the read brings them all
    const follows =
      row.after.seq === this.seq &&
      (row.after.hash === null ? this.tailHash === null : this.tailHash !== null && Buffer.from(row.after.hash).equals(this.tailHash));
    if (!follows || row.tail.seq !== this.seq + 1 || !row.tail.hash) {
      this.catchUpRequested = true; // it went after rows we have not read: read them all from the log
      return false;
    }
    this.holdRow(row.update, row.tail.seq, Buffer.from(row.tail.hash));
    this.announcedSeq = Math.max(this.announcedSeq, row.tail.seq); // its own NOTIFY told the others
    return true;
  }

  private launch(batch: Pending[]): void {
    const after = this.flights[this.flights.length - 1]?.plan.tail ?? { seq: this.seq, hash: this.tailHash };
    const plan = planAppend(this.documentId, after, batch.map((p) => ({ update: p.update, userId: p.member.userId })));
    const lane = (this.lane ??= this.lanes.pick());
    const flight: Flight = { batch, plan, outcome: null };
    this.flights.push(flight);
    lane.inFlight += 1;
    const { commitDuration, commitsInFlight } = metrics();
    const timer = commitDuration.startTimer();
    commitsInFlight.inc();
    appendPlanned(this.documentId, plan, lane.sql).then(
      (result) => (flight.outcome = result.ok ? "committed" : "refused"),
      (error: unknown) => {
        log.warn(`collab: commit of ${batch.length} update(s) to ${this.documentId} failed (to be tried again): ${(error as Error).message}`);
        flight.outcome = "failed";
      },
    ).finally(() => {
      commitsInFlight.dec();
      timer({ outcome: flight.outcome ?? "failed" });
      lane.inFlight -= 1;
      this.settle();
    });
  }

  /**
   * Take the flights that have returned, in the order they were sent. A committed one is relayed and confirmed. From
   * the first one that was not committed on, every later one is set aside until all have returned (a refused
   * commit's successors wrote nothing; after a failure we cannot know), then `recover` reads what the log holds.
   */
  private settle(): void {
    while (this.flights[0]?.outcome) {
      const flight = this.flights.shift()!;
      if (flight.outcome === "committed" && this.unsettled.length === 0) this.applyCommitted(flight);
      else this.unsettled.push(flight);
    }
    if (this.flights.length === 0) this.lane = null;
    this.pump();
  }

  /** Relay a committed batch (the bytes as committed), then apply it to the document and confirm it to its authors. */
  private applyCommitted(flight: Flight): void {
    if (this.destroyed) return;
    const doc = this.wake();
    // Each member's frames of the batch and its "saved" leave in one system call (a batch under load holds several).
    this.corked(() => {
      for (const p of flight.batch) this.broadcast(syncMessage(p.update), p.member);
      applyUpdatesInOrder(doc, flight.batch.map((p) => p.update));
      this.seq = flight.plan.tail.seq;
      this.tailHash = flight.plan.tail.hash;
      this.confirmAuthors(doc, flight.batch);
    });
    this.announce();
    // An edit that deleted something may have taken a thread's mark with it (a concurrent structural change).
    if (flight.batch.some((p) => p.deletes.clients.size > 0)) scheduleAnchorCheck(this.documentId);
    this.sinceSnapshot += flight.batch.length;
    if (this.sinceSnapshot >= this.limits.snapshotEvery && !this.snapshotting) {
      this.snapshotting = true;
      void this.snapshot().finally(() => {
        this.snapshotting = false;
        this.wakeIdleWaiters();
      });
    }
  }

  /**
   * With nothing in flight: read what the log holds after our tail (other instances' rows, and ours whose answer
   * was lost) and apply it, relayed as it applies. Then every set-aside update the log holds, byte for byte, is
   * confirmed to its author — whatever its answer said: committed, or failed when only the answer was lost (sending
   * that again would store the same update twice) — and the others go back to the front of the queue, to be planned
   * again after the new tail: refused ones up to MAX_COMMIT_ATTEMPTS times, failed ones (a lost connection, an error) up
   * to MAX_FAILED_COMMITS times, after a pause. A failed batch that commits only after we read the log (its
   * statement was still running) cannot be stored twice either: the position it names is taken by then, by the
   * rows we read or by its own new try, so the primary key lets one in; when that refuses the new try, the next
   * read finds the first. Past those limits, or when the log cannot be read, the authors' connections
   * close (StorageFailed): they resync on reconnect, and whatever did commit is in the log.
   */
  private recover(): void {
    const unsettled = this.unsettled;
    this.catchUpRequested = false;
    this.recovery = this.catchUp()
      .catch((error: unknown) => {
        log.error(`collab: catch-up of ${this.documentId} failed: ${(error as Error).message}`);
        return null;
      })
      .then(async (read) => {
        const caughtUp = read !== null;
        if (caughtUp) this.catchUpsDone += 1;
        const landed = new UpdateSet(read ?? []);
        this.unsettled = [];
        const retry: Pending[] = [];
        const confirmed = new Set<Member>();
        const failed = new Set<Member>();
        for (const flight of unsettled) {
          for (const p of flight.batch) {
            if (landed.has(p.update)) {
              confirmed.add(p.member);
              if (p.deletes.clients.size > 0) p.member.deletes = Y.mergeDeleteSets([p.member.deletes, p.deletes]);
              continue;
            }
            const again = caughtUp && (flight.outcome === "refused" || flight.outcome === "failed") ? retryOf(p, flight.outcome) : null;
            if (again) retry.push(again);
            else {
              this.approxBytes -= p.update.byteLength;
              failed.add(p.member);
              this.dropAccepted(); // it holds an update that will not be committed
            }
          }
        }
        if (confirmed.size > 0) {
          // A snapshot of the committed document: each author's client confirms exactly the edits it contains.
          const saved = this.savedMessage();
          for (const member of confirmed) if (!failed.has(member)) this.send(member, saved);
          this.announce(); // ours whose answer was lost: nobody was told of them yet
        }
        if (failed.size > 0) log.error(`collab: gave up committing to ${this.documentId}; closing ${failed.size} author connection(s)`);
        for (const member of failed) closeMember(member, CloseCode.StorageFailed, "storage failed");
        this.pending.unshift(...retry);
        const failures = Math.max(0, ...retry.map((p) => p.failures));
        if (failures > 0) await new Promise((resolve) => setTimeout(resolve, FAILED_COMMIT_PAUSE_MS * failures).unref());
      })
      .finally(() => {
        this.recovery = null;
        this.pump();
      });
  }

  /**
   * Tell other instances the log has grown (NOTIFY, on the shared pool, after the commit: never on a commit's path),
   * when another instance has this document loaded (peer-instances.ts): a lone instance announces nothing, nor one
   * whose documents' sockets all reach it (a load balancer that routes by document). One at a time per room; commits
   * made meanwhile are announced together by the next. A NOTIFY that fails is logged and not retried: the others find
   * the rows at their next comparison of log tails (collab-server.ts).
   */
  private announce(): void {
    if (this.announcing || this.destroyed || this.seq <= this.announcedSeq) return;
    const seq = this.seq;
    if (!this.peers.heldElsewhere(this.documentId)) {
      // Nobody else has this document loaded: an instance that loads it later reads the log itself, and one loading it
      // now hears of our position when we hear of its holding it (`reannounce`).
      this.announcedSeq = seq;
      return;
    }
    this.announcing = true;
    notifyDocumentUpdated(this.sql, this.documentId, seq, this.peers.ownId)
      .catch((error: unknown) => log.warn(`collab: NOTIFY for ${this.documentId} failed (others catch up by polling): ${(error as Error).message}`))
      .finally(() => {
        this.announcedSeq = Math.max(this.announcedSeq, seq);
        this.announcing = false;
        this.announce();
        this.wakeIdleWaiters();
      });
  }

  /** Another instance has just loaded this document: tell it where the log is, even if that was announced (or skipped). */
  reannounce(): void {
    this.announcedSeq = Math.min(this.announcedSeq, this.seq - 1);
    this.announce();
  }

  /** Apply the rows committed after our tail (relayed to our clients as they apply); returns the updates read. */
  private async catchUp(): Promise<Uint8Array[]> {
    const rows = await readUpdatesAfter(this.documentId, this.seq, this.sql);
    if (rows.length === 0 || this.destroyed) return [];
    for (const row of rows) this.applyRow(row.update, row.seq, row.hash);
    return rows.map((row) => row.update);
  }

  /** A row committed by others (or ours whose answer was lost): applied, and relayed to everyone. */
  private applyRow(update: Uint8Array, seq: number, hash: Buffer): void {
    this.broadcast(syncMessage(update), null);
    this.holdRow(update, seq, hash);
  }

  /** The committed document (and the accepted one) take a committed row; the log position moves to it. */
  private holdRow(update: Uint8Array, seq: number, hash: Buffer): void {
    const doc = this.wake();
    Y.applyUpdate(doc, update);
    if (this.accepted) Y.applyUpdate(this.accepted, update);
    this.seq = seq;
    this.tailHash = hash;
  }

  /**
   * Tell each author of a committed batch it is saved: the committed document's state vector and everything that
   * author's committed updates on this connection deleted (`Member.deletes`), not the document's whole delete set.
   */
  private confirmAuthors(doc: Y.Doc, batch: Pending[]): void {
    const authors = new Map<Member, DeleteSet[]>();
    for (const p of batch) {
      const deletes = authors.get(p.member) ?? [];
      if (p.deletes.clients.size > 0) deletes.push(p.deletes);
      authors.set(p.member, deletes);
    }
    const stateVector = this.liveStateVector ?? Y.decodeStateVector(Y.encodeStateVector(doc));
    for (const [member, deletes] of authors) {
      if (deletes.length > 0) member.deletes = Y.mergeDeleteSets([member.deletes, ...deletes]);
      this.send(member, savedMessageFor(this.seq, Y.createSnapshot(member.deletes, stateVector)));
    }
  }

  /** The "saved" message for the committed state as it is now (snapshot = state vector + delete set). */
  private savedMessage(): Uint8Array {
    // The committed document only changes when seq does: reuse the encoded message until then.
    if (this.savedCache?.seq === this.seq) return this.savedCache.message;
    const message = savedMessageOf(this.wake(), this.seq);
    this.savedCache = { seq: this.seq, message };
    return message;
  }
  private savedCache: { seq: number; message: Uint8Array } | null = null;

  /**
   * Does the committed document already hold everything in this update, its structs and its deletions? A client's
   * sync step 2 on connecting carries its whole delete set even when it has nothing new: committing that wrote a row
   * of the document's every deletion per join, and made it this connection's to confirm in every "saved".
   */
  holds(update: Uint8Array): boolean {
    if (this.heldSnapshot?.seq !== this.seq) this.heldSnapshot = { seq: this.seq, snapshot: Y.snapshot(this.wake()) };
    return Y.snapshotContainsUpdate(this.heldSnapshot.snapshot, update);
  }
  private heldSnapshot: { seq: number; snapshot: Y.Snapshot } | null = null;

  /**
   * An update that carried nothing new (an empty sync step 2 after reconnecting): confirm at once, unless this
   * member still has updates waiting for commit (their confirmation follows that commit).
   */
  confirmNothingPending(member: Member): void {
    const waiting = (batch: Pending[]) => batch.some((p) => p.member === member);
    if (waiting(this.pending) || this.flights.some((f) => waiting(f.batch)) || this.unsettled.some((f) => waiting(f.batch))) return;
    this.send(member, this.savedMessage());
  }

  private async snapshot(): Promise<void> {
    const covered = this.sinceSnapshot;
    try {
      await insertSnapshot(this.documentId, this.seq, this.live ? Y.encodeStateAsUpdate(this.live) : this.encoded!, this.sql);
      this.sinceSnapshot -= covered;
    } catch (error) {
      log.warn(`collab: snapshot of ${this.documentId} failed (the log is intact): ${(error as Error).message}`);
    }
  }

  /** Run `work`, holding back every member's socket writes until it returns, then each socket writes them at once. */
  private corked(work: () => void): void {
    if (this.members.size < 2) {
      this.flushSoon();
      return work();
    }
    const sockets: Member["socket"][] = [];
    for (const m of this.members) {
      if (m.closed) continue;
      m.socket.cork();
      sockets.push(m.socket);
    }
    try {
      this.flushSoon();
      work();
    } finally {
      for (const socket of sockets) socket.uncork();
    }
  }

  /**
   * Relay a change written by the server (a thread's mark and its event, an accepted proposal) with the room's next
   * write to its sockets — an editor's relayed edit, a presence update, a "saved" — or after RELAY_SOON_MS at most:
   * on a busy document it then costs no system call of its own per socket (25 sockets: ≈ 2 ms of the loop that relays
   * the typing; bench:comments). It is written first, before that write, so that every socket receives everything in
   * the log's order (a "saved" names a log position: what precedes it has been sent).
   */
  private relaySoon(relay: () => void): void {
    this.soon.push(relay);
    this.soonTimer ??= setTimeout(() => this.corked(() => {}), this.limits.relaySoonMs ?? RELAY_SOON_MS);
  }

  /** Write the relays `relaySoon` held back; every write to the sockets calls this first. */
  private flushSoon(): void {
    if (this.soon.length === 0) return;
    const relays = this.soon;
    this.soon = [];
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.soonTimer = null;
    for (const relay of relays) relay();
    this.wakeProgressWaiters();
    this.wakeIdleWaiters();
  }

  send(member: Member, message: Uint8Array): void {
    if (this.soon.length > 0) return this.corked(() => this.send(member, message));
    // No per-send callback (it costs a closure and a tick per delivery under fan-out): a failed write errors the
    // socket, ws closes it, and the connection's close handler takes the member out of the room.
    if (this.ready(member)) member.ws.send(message, { binary: true });
  }

  /** Send one message to every member but `except`: framed once, the same bytes written to each socket. */
  private broadcast(message: Uint8Array, except: Member | null, presence = false): void {
    if (this.soon.length > 0) return this.corked(() => this.broadcast(message, except, presence));
    let frame: Buffer | null = null;
    for (const m of this.members) {
      if (m === except || !this.ready(m)) continue;
      if (presence) m.echoCredit = Math.min(MAX_ECHO_CREDIT, m.echoCredit + 1);
      frame ??= binaryFrame(message);
      // ws sends nothing of its own in between (no compression, no fragments): its frames and these stay in order.
      m.socket.write(frame);
    }
  }

  /** Open and keeping up; a member whose unsent data passed the cap is closed (it resyncs on reconnect). */
  private ready(member: Member): boolean {
    if (member.closed) return false;
    const ws = member.ws;
    if (ws.readyState !== ws.OPEN) return false;
    if (ws.bufferedAmount > this.limits.maxBufferedBytes) {
      closeMember(member, CloseCode.TryAgainLater, "too far behind; resync");
      return false;
    }
    return true;
  }

  /** The document as a Y.Doc, built from its encoded form if it was asleep; it falls asleep again after quiet. */
  private wake(): Y.Doc {
    let doc = this.live;
    if (!doc) {
      doc = new Y.Doc({ gc: true });
      // No "update" listener: Yjs would encode every transaction again for it. What is relayed is what was
      // committed (applyCommitted) or read from the log (catchUp), as those bytes.
      doc.on("afterTransaction", (transaction: Y.Transaction) => {
        this.fullState = null;
        this.liveStateVector = transaction.afterState;
      });
      Y.applyUpdate(doc, this.encoded!);
      this.live = doc;
      this.encoded = null;
      this.encodedStateVector = null;
    }
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.sleepTimer = setTimeout(() => this.sleep(), this.limits.sleepAfterMs);
    this.sleepTimer.unref();
    return doc;
  }

  /** Keep the document encoded (if nothing is being committed; otherwise try again after the next quiet spell). */
  private sleep(): void {
    this.sleepTimer = null;
    const doc = this.live;
    if (!doc || this.destroyed) return;
    if (!this.idle) {
      this.wake();
      return;
    }
    this.savedMessage(); // cached for this seq, so a sleeping room can still confirm "nothing pending"
    this.dropAccepted();
    this.encoded = this.fullState ?? Y.encodeStateAsUpdate(doc);
    this.approxBytes = this.measuredBytes = this.encoded.byteLength; // idle: nothing is pending
    this.encodedStateVector = Y.encodeStateVector(doc);
    this.diffsWhileAsleep = 0;
    this.fullState = null;
    this.heldSnapshot = null;
    this.liveStateVector = null;
    this.live = null;
    doc.destroy();
  }

  /** Is the document kept encoded right now? (for tests) */
  get asleep(): boolean {
    return this.live === null;
  }

  destroy(): void {
    this.destroyed = true;
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.soonTimer = null;
    this.soon = [];
    this.forgetAnswers();
    this.wakeIdleWaiters();
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.presence.destroy();
    this.live?.destroy();
    this.live = null;
    this.dropAccepted();
  }
}

/** Updates read from the log, to tell whether one we sent is among them (byte for byte). */
class UpdateSet {
  private readonly byLength = new Map<number, Uint8Array[]>();

  constructor(updates: Uint8Array[]) {
    for (const u of updates) {
      const same = this.byLength.get(u.byteLength);
      if (same) same.push(u);
      else this.byLength.set(u.byteLength, [u]);
    }
  }

  has(update: Uint8Array): boolean {
    return this.byLength.get(update.byteLength)?.some((u) => Buffer.compare(u, update) === 0) ?? false;
  }
}

/** The same update for one more try after it was refused or failed, or null when it has had its tries. */
function retryOf(p: Pending, outcome: "refused" | "failed"): Pending | null {
  if (outcome === "refused") return p.attempts + 1 < MAX_COMMIT_ATTEMPTS ? { ...p, attempts: p.attempts + 1 } : null;
  return p.failures + 1 < MAX_FAILED_COMMITS ? { ...p, failures: p.failures + 1 } : null;
}

/** The "saved" message confirming `doc` as committed up to `seq`. */
function savedMessageOf(doc: Y.Doc, seq: number): Uint8Array {
  return savedMessageFor(seq, Y.snapshot(doc));
}

/** A "saved" message: the log seq it confirms and a snapshot (state vector + delete set). */
function savedMessageFor(seq: number, snapshot: Y.Snapshot): Uint8Array {
  const encoder = encoding.createEncoder();
  writeSaved(encoder, { seq, snapshot: Y.encodeSnapshot(snapshot) });
  return encoding.toUint8Array(encoder);
}

export function syncMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function closeMember(member: Member, code: number, reason: string): void {
  if (member.closed) return;
  member.closed = true;
  // Every close the server decides, with its code: what a person saw ("closed", "reconnecting") can be traced.
  log.info(`collab: closing a connection of user ${member.userId.slice(0, 8)} with ${code}: ${reason}`);
  try {
    if (member.ws.isPaused) member.ws.resume(); // paused while its document loads: it must read the close reply
    member.ws.close(code, reason.slice(0, 120));
  } catch {
    member.ws.terminate();
  }
}
