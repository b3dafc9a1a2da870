/**
 * One loaded document on this instance: its committed Y.Doc, its presence, its connections, and its commit
 * pipeline.
 *
 * Commit before relay: an accepted update waits in `pending`; one loop appends every pending update in one
 * autocommit statement right after the log's tail, which the room keeps (group commit: while a commit runs, newer
 * updates gather for the next one; another instance that took the next place first makes us read its rows and
 * retry), and only after COMMIT applies them to the Y.Doc, relays them to the other connections, tells other
 * instances (NOTIFY, delivered at commit) and sends each author a "saved" message. The Y.Doc therefore only ever holds committed state, and what
 * a joining client receives is committed.
 */
import * as Y from "yjs";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as encoding from "lib0/encoding";
import type { WebSocket } from "ws";
import { CloseCode, MESSAGE_AWARENESS, MESSAGE_SYNC, writeSaved } from "../../app/collab/protocol";
import type { Role } from "../../app/models/roles";
import { log } from "../../app/utils/log.server";
import type { Sql } from "../../db/client";
import { appendAfterTail, DOCUMENT_UPDATES_CHANNEL, insertSnapshot, readDocumentContent, readUpdatesAfter, type LogTail } from "../../db/document-log";

export const NOTIFY_CHANNEL = DOCUMENT_UPDATES_CHANNEL;

/** Tries to append after a tail that others keep moving, before the commit is reported failed. */
const MAX_COMMIT_ATTEMPTS = 20;

export interface Member {
  ws: WebSocket;
  userId: string;
  sessionId: string | null;
  name: string;
  color: string;
  role: Role;
  canWrite: boolean;
  /** Yjs client IDs this connection introduced (it may write only with these). */
  clientIds: Set<number>;
  /** Awareness client IDs it publishes. */
  awarenessIds: Set<number>;
  closed: boolean;
}

export interface RoomLimits {
  maxDocumentBytes: number;
  maxBufferedBytes: number;
  maxBatch: number;
  snapshotEvery: number;
  /** After this long without a write, the committed document is kept encoded (one Yjs update) instead of as a Y.Doc. */
  sleepAfterMs: number;
}

interface Pending {
  member: Member;
  update: Uint8Array;
}

export class Room {
  /**
   * The committed document, in one of two forms: `live`, a Y.Doc, while people write; or `encoded`, its state as one
   * Yjs update (~1/7 of the memory), while nobody has written for `sleepAfterMs`, and from load until the first write.
   * Exactly one of them is set. Reading (joins, state vectors, "saved") works on either form.
   */
  private live: Y.Doc | null = null;
  private encoded: Uint8Array | null;
  private sleepTimer: NodeJS.Timeout | null = null;
  readonly awareness: awarenessProtocol.Awareness;
  readonly members = new Set<Member>();
  seq: number;
  approxBytes: number;
  private pending: Pending[] = [];
  private catchUpRequested = false;
  private running: Promise<void> | null = null;
  private liveClaims = new Map<number, Member>();
  private owners = new Map<number, string | null>();
  private fullState: Uint8Array | null = null;
  /** The chain hash of the log's row `seq` (null before the first row). */
  private tailHash: Buffer | null;
  private sinceSnapshot = 0;
  destroyed = false;

  constructor(
    readonly documentId: string,
    private readonly sql: Sql,
    private readonly instanceId: string,
    private readonly limits: RoomLimits,
    loaded: { encoded: Uint8Array; saved: Uint8Array; tail: LogTail; approxBytes: number; owners: Map<number, string | null>; sinceSnapshot: number },
  ) {
    this.encoded = loaded.encoded;
    this.seq = loaded.tail.seq;
    this.savedCache = { seq: this.seq, message: loaded.saved };
    this.tailHash = loaded.tail.hash;
    this.approxBytes = loaded.approxBytes;
    this.owners = loaded.owners;
    this.sinceSnapshot = loaded.sinceSnapshot;
    // Presence has its own (empty) Y.Doc: the awareness protocol needs one, and the content's may be asleep.
    this.awareness = new awarenessProtocol.Awareness(new Y.Doc());
    this.awareness.setLocalState(null);
    this.awareness.on("update", ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
      const changed = [...added, ...updated, ...removed];
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
      const message = encoding.toUint8Array(encoder);
      for (const m of this.members) this.send(m, message);
    });
  }

  static async load(documentId: string, sql: Sql, instanceId: string, limits: RoomLimits): Promise<Room> {
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
        Y.applyUpdate(doc, Y.mergeUpdates(updates.map((u) => u.update)));
        for (const u of updates) approxBytes += u.update.byteLength;
      }
      const encoded = Y.encodeStateAsUpdate(doc);
      const saved = savedMessageOf(doc, tail.seq);
      return new Room(documentId, sql, instanceId, limits, { encoded, saved, tail, approxBytes, owners: new Map(), sinceSnapshot: updates.length });
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
    encoding.writeVarUint8Array(encoder, this.live ? Y.encodeStateVector(this.live) : Y.encodeStateVectorFromUpdate(this.encoded!));
    this.send(member, encoding.toUint8Array(encoder));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) {
      const a = encoding.createEncoder();
      encoding.writeVarUint(a, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(a, awarenessProtocol.encodeAwarenessUpdate(this.awareness, states));
      this.send(member, encoding.toUint8Array(a));
    }
  }

  leave(member: Member): void {
    if (!this.members.delete(member)) return;
    member.closed = true;
    for (const id of member.clientIds) if (this.liveClaims.get(id) === member) this.liveClaims.delete(id);
    const mine = [...member.awarenessIds].filter((id) => this.awareness.getStates().has(id));
    if (mine.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, mine, null);
  }

  /** The state a client lacks, given its state vector; joins of fresh clients share one cached encoding. */
  stateFor(stateVector: Uint8Array): Uint8Array {
    if (!this.live) return stateVector.length <= 1 ? this.encoded! : Y.diffUpdate(this.encoded!, stateVector);
    if (stateVector.length <= 1) return (this.fullState ??= Y.encodeStateAsUpdate(this.live));
    return Y.encodeStateAsUpdate(this.live, stateVector);
  }

  /** May this member write with these client IDs? Claims new ones. */
  claimClients(member: Member, clients: Iterable<number>): boolean {
    const toClaim: number[] = [];
    for (const id of clients) {
      if (member.clientIds.has(id)) continue;
      const live = this.liveClaims.get(id);
      if (live && live !== member) return false;
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

  claimAwareness(member: Member, clientID: number): boolean {
    if (member.awarenessIds.has(clientID)) return true;
    for (const m of this.members) if (m !== member && m.awarenessIds.has(clientID)) return false;
    member.awarenessIds.add(clientID);
    return true;
  }

  /** Queue an accepted update for the next group commit. */
  enqueue(member: Member, update: Uint8Array): void {
    this.pending.push({ member, update });
    this.approxBytes += update.byteLength;
    this.kick();
  }

  /** Another instance committed: read its rows. */
  requestCatchUp(): void {
    this.catchUpRequested = true;
    this.kick();
  }

  limitBytes(): number {
    return this.limits.maxDocumentBytes;
  }

  get idle(): boolean {
    return this.running === null && this.pending.length === 0;
  }

  /** Resolves when every queued update has been committed (or failed). */
  async drained(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.pending.length > 0 || this.catchUpRequested) this.kick();
    });
  }

  private async run(): Promise<void> {
    while (!this.destroyed && (this.pending.length > 0 || this.catchUpRequested)) {
      if (this.catchUpRequested) {
        this.catchUpRequested = false;
        await this.catchUp().catch((e: unknown) => log.error(`collab: catch-up of ${this.documentId} failed: ${String(e)}`));
      }
      if (this.pending.length > 0) await this.commit(this.pending.splice(0, this.limits.maxBatch));
    }
  }

  /** Apply rows other writers committed after our tail (relayed to our clients as they apply). */
  private async catchUp(): Promise<void> {
    const rows = await readUpdatesAfter(this.documentId, this.seq, this.sql);
    if (rows.length === 0) return;
    const doc = this.wake();
    for (const row of rows) {
      Y.applyUpdate(doc, row.update, "database");
      this.seq = row.seq;
      this.tailHash = row.hash;
    }
  }

  /**
   * Commit a batch in one statement right after our tail; when another instance (or a server-side change) took
   * that place first, read its rows and try again. Only after the commit is the batch applied and relayed.
   */
  private async commit(batch: Pending[]): Promise<void> {
    const updates = batch.map((p) => ({ update: p.update, userId: p.member.userId }));
    let committed: LogTail | null = null;
    try {
      for (let attempt = 1; !committed; attempt++) {
        const result = await appendAfterTail(this.documentId, { seq: this.seq, hash: this.tailHash }, updates, this.instanceId, this.sql);
        if (result.ok) committed = result.tail;
        else if (attempt >= MAX_COMMIT_ATTEMPTS) throw new Error(`the log kept moving: ${attempt} attempts lost the race`);
        else await this.catchUp();
      }
    } catch (error) {
      log.error(`collab: commit of ${batch.length} update(s) to ${this.documentId} failed: ${(error as Error).message}`);
      for (const p of batch) this.approxBytes -= p.update.byteLength;
      for (const member of new Set(batch.map((p) => p.member))) closeMember(member, CloseCode.StorageFailed, "storage failed");
      return;
    }
    const doc = this.wake();
    for (const p of batch) Y.applyUpdate(doc, p.update, p.member);
    this.seq = committed.seq;
    this.tailHash = committed.hash;
    const saved = this.savedMessage();
    for (const member of new Set(batch.map((p) => p.member))) this.send(member, saved);
    this.sinceSnapshot += batch.length;
    if (this.sinceSnapshot >= this.limits.snapshotEvery) await this.snapshot();
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
   * An update that carried nothing new (an empty sync step 2 after reconnecting): confirm at once, unless this
   * member still has updates waiting for commit (their confirmation follows that commit).
   */
  confirmNothingPending(member: Member): void {
    if (this.pending.some((p) => p.member === member)) return;
    this.send(member, this.savedMessage());
  }

  private async snapshot(): Promise<void> {
    try {
      await insertSnapshot(this.documentId, this.seq, this.live ? Y.encodeStateAsUpdate(this.live) : this.encoded!, this.sql);
      this.sinceSnapshot = 0;
    } catch (error) {
      log.warn(`collab: snapshot of ${this.documentId} failed (the log is intact): ${(error as Error).message}`);
    }
  }

  send(member: Member, message: Uint8Array): void {
    if (member.closed) return;
    const ws = member.ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.limits.maxBufferedBytes) {
      closeMember(member, CloseCode.TryAgainLater, "too far behind; resync");
      return;
    }
    // No per-send callback (it costs a closure and a tick per delivery under fan-out): a failed write errors the
    // socket, ws closes it, and the connection's close handler takes the member out of the room.
    ws.send(message, { binary: true });
  }

  /** The document as a Y.Doc, built from its encoded form if it was asleep; it falls asleep again after quiet. */
  private wake(): Y.Doc {
    let doc = this.live;
    if (!doc) {
      doc = new Y.Doc({ gc: true });
      Y.applyUpdate(doc, this.encoded!);
      doc.on("update", (update: Uint8Array, origin: unknown) => {
        this.fullState = null;
        const message = syncMessage(update);
        for (const m of this.members) if (m !== origin) this.send(m, message);
      });
      this.live = doc;
      this.encoded = null;
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
    this.encoded = this.fullState ?? Y.encodeStateAsUpdate(doc);
    this.fullState = null;
    this.live = null;
    doc.destroy();
  }

  /** Is the document kept encoded right now? (for tests) */
  get asleep(): boolean {
    return this.live === null;
  }

  destroy(): void {
    this.destroyed = true;
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.awareness.doc.destroy();
    this.awareness.destroy();
    this.live?.destroy();
    this.live = null;
  }
}

/** The "saved" message confirming `doc` as committed up to `seq`. */
function savedMessageOf(doc: Y.Doc, seq: number): Uint8Array {
  const encoder = encoding.createEncoder();
  writeSaved(encoder, { seq, snapshot: Y.encodeSnapshot(Y.snapshot(doc)) });
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
  try {
    member.ws.close(code, reason.slice(0, 120));
  } catch {
    member.ws.terminate();
  }
}
