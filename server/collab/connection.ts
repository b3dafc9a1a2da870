/**
 * One accepted socket: reads y-websocket messages, enforces the rate caps, refuses writes from read-only roles,
 * checks every update (client IDs, schema) before it is queued for commit, and filters presence.
 * A malformed message closes this connection only, with a typed code and a log line. The caps (limits.ts): every
 * message counts against MESSAGE_RATE; requests that make the server work on the whole document (a sync step 1
 * with a partial state vector, a presence query) against SYNC_REQUEST_RATE too (over either: 4529); presence is
 * capped in IDs and bytes (over: 4400) and applied at most PRESENCE_RATE times a second (faster: coalesced).
 */
import * as Y from "yjs";
import * as authProtocol from "y-protocols/auth";
import * as syncProtocol from "y-protocols/sync";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { RawData } from "ws";
import { CloseCode, MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from "../../app/collab/protocol";
import { log } from "../../app/utils/log.server";
import { decodeAwareness, filterAndStamp, PresenceRefused, type AwarenessEntry } from "./awareness-filter";
import { inspectUpdate } from "./inspect-update";
import { DEFAULT_PRESENCE_CAPS, SYNC_REQUEST_RATE, TokenBucket, type PresenceCaps, type Rate } from "./limits";
import { closeMember, type Member, type Room } from "./room";

export interface ConnectionCaps {
  rate: Rate;
  syncRequests?: Rate;
  presence?: PresenceCaps;
}

class BadMessage extends Error {}

export class Connection {
  private readonly messages: TokenBucket;
  private readonly syncRequests: TokenBucket;
  private readonly presenceUpdates: TokenBucket;
  private readonly presence: PresenceCaps;
  /** Presence waiting for the rate: the latest state per client ID. */
  private readonly deferredPresence = new Map<number, AwarenessEntry>();
  private presenceTimer: NodeJS.Timeout | null = null;
  /**
   * The client's sync step 2 (its answer to the room's sync step 1, sent on joining) has arrived. Before it, a provider
   * sends an edit typed the moment its socket opened as a plain update, and that edit may follow edits it typed while
   * disconnected, which only that answer carries (see onWrite).
   */
  private answeredSyncStep1 = false;

  constructor(
    readonly member: Member,
    private readonly room: Room,
    private readonly caps: ConnectionCaps,
  ) {
    this.messages = new TokenBucket(caps.rate);
    this.syncRequests = new TokenBucket(caps.syncRequests ?? SYNC_REQUEST_RATE);
    this.presence = caps.presence ?? DEFAULT_PRESENCE_CAPS;
    this.presenceUpdates = new TokenBucket(this.presence.rate);
  }

  handle(data: RawData, isBinary: boolean): void {
    if (this.member.closed) return;
    if (!this.messages.allow() && !this.echo(data)) {
      log.warn(`collab: ${this.tag()} exceeded ${this.caps.rate.perSecond} messages/s; closing`);
      closeMember(this.member, CloseCode.RateLimited, "rate limited");
      return;
    }
    try {
      if (!isBinary) throw new BadMessage("text frame");
      const buf = toUint8(data);
      this.dispatch(buf);
    } catch (error) {
      const why = error instanceof BadMessage || error instanceof PresenceRefused ? error.message : `malformed message (${(error as Error).message})`;
      log.warn(`collab: ${this.tag()} sent a bad message: ${why}; closing`);
      closeMember(this.member, CloseCode.BadMessage, why);
    }
  }

  /** A presence message the member's provider may be echoing back: allowed once per presence message it was sent. */
  private echo(data: RawData): boolean {
    if (this.member.echoCredit < 1 || firstByte(data) !== MESSAGE_AWARENESS) return false;
    this.member.echoCredit -= 1;
    return true;
  }

  private dispatch(buf: Uint8Array): void {
    const decoder = decoding.createDecoder(buf);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MESSAGE_SYNC:
        return this.onSync(decoder);
      case MESSAGE_AWARENESS:
        return this.onAwareness(decoding.readVarUint8Array(decoder));
      case MESSAGE_QUERY_AWARENESS: {
        if (!this.allowSyncRequest("presence queries")) return;
        const presence = this.room.presence.message();
        if (presence) this.room.sendPresence(this.member, presence);
        return;
      }
      default:
        throw new BadMessage(`unknown message type ${type}`);
    }
  }

  private onSync(decoder: decoding.Decoder): void {
    const step = decoding.readVarUint(decoder);
    if (step === syncProtocol.messageYjsSyncStep1) {
      const stateVector = decoding.readVarUint8Array(decoder);
      Y.decodeStateVector(stateVector); // throws on garbage
      // An empty state vector is answered from one cached encoding; a partial one costs a diff of the whole document.
      if (stateVector.length > 1 && !this.allowSyncRequest("sync requests")) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
      encoding.writeVarUint8Array(encoder, this.room.stateFor(stateVector));
      this.room.send(this.member, encoding.toUint8Array(encoder));
      return;
    }
    if (step !== syncProtocol.messageYjsSyncStep2 && step !== syncProtocol.messageYjsUpdate) throw new BadMessage(`unknown sync step ${step}`);
    const update = decoding.readVarUint8Array(decoder);
    if (step === syncProtocol.messageYjsSyncStep2) this.answeredSyncStep1 = true;
    if (!this.member.canWrite) {
      // Every provider answers the server's sync step 1 with what it has; for a reader that is nothing new, and
      // refusing it would log a permission error in every reader's console on every visit.
      if (this.bringsNothing(update, step === syncProtocol.messageYjsSyncStep2)) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_AUTH);
      authProtocol.writePermissionDenied(encoder, "You can read this document but not change it.");
      this.room.send(this.member, encoding.toUint8Array(encoder));
      return;
    }
    this.onWrite(update, step === syncProtocol.messageYjsSyncStep2);
  }

  /** An empty update, or a sync step 2 (on connecting) whose structs and deletions the document already holds. */
  private bringsNothing(update: Uint8Array, syncStep2: boolean): boolean {
    const inspection = inspectUpdate(update);
    return inspection.ok && (inspection.empty || (syncStep2 && this.room.holds(update)));
  }

  private onWrite(update: Uint8Array, syncStep2: boolean): void {
    const inspection = inspectUpdate(update);
    if (!inspection.ok) throw new BadMessage(`update refused: ${inspection.reason}`);
    if (inspection.empty || (syncStep2 && this.room.holds(update))) return this.room.confirmNothingPending(this.member);
    if (!this.room.claimClients(this.member, inspection.clients)) throw new BadMessage("update refused: it uses a client ID another account writes with");
    const admitted = this.room.admit(update, inspection.inserts);
    if (!admitted.ok && admitted.tooLarge) {
      log.warn(`collab: ${this.tag()} would grow the document past its cap; closing`);
      closeMember(this.member, CloseCode.DocumentTooLarge, "document too large");
      return;
    }
    if (!admitted.ok && admitted.missingDependencies && !syncStep2 && !this.answeredSyncStep1) {
      // An honest provider that typed while disconnected and again as it reconnected (a rolling restart): its answer
      // to our sync step 1 would have carried what this edit follows. It reconnects at once and sends that answer
      // first unless it types in the same instant again; never final here (after the answer, ADR 0008's rule holds).
      log.info(`collab: ${this.tag()} sent an update that follows changes it has not sent yet, before answering the sync step; the client reconnects and resends`);
      closeMember(this.member, CloseCode.TryAgainLater, "answer the sync step first; resync");
      return;
    }
    if (!admitted.ok && admitted.missingDependencies && this.room.mayBeBehind(this.member.userId)) {
      log.info(`collab: ${this.tag()} sent an update that depends on changes this instance has not read yet; reading the log, the client resends`);
      closeMember(this.member, CloseCode.TryAgainLater, "catching up; resync");
      return;
    }
    if (!admitted.ok) throw new BadMessage(`update refused: ${admitted.reason}`);
    this.room.admitted(this.member.userId);
    this.room.enqueue(this.member, update, inspection.deletes);
  }

  /** Counts a request that costs the server work on the whole document; over the rate, closes (4529). */
  private allowSyncRequest(what: string): boolean {
    if (this.syncRequests.allow()) return true;
    log.warn(`collab: ${this.tag()} sent too many ${what}; closing`);
    closeMember(this.member, CloseCode.RateLimited, `too many ${what}`);
    return false;
  }

  private onAwareness(update: Uint8Array): void {
    const caps = this.presence;
    const entries = decodeAwareness(update, { entries: caps.entriesPerMessage, stateBytes: caps.stateBytes }, (id) => this.room.presence.owner(this.member, id));
    const fresh = new Set(entries.map((e) => e.clientID).filter((id) => !this.member.awarenessIds.has(id)));
    if (this.member.awarenessIds.size + fresh.size > caps.idsPerConnection) {
      throw new PresenceRefused(`presence for more than ${caps.idsPerConnection} client IDs on one connection`);
    }
    const kept = filterAndStamp(entries, (id) => this.room.presence.claim(this.member, id), {
      name: this.member.name,
      color: this.member.color,
      role: this.member.role,
    });
    for (const e of kept) this.deferredPresence.set(e.clientID, e);
    this.flushPresence();
  }

  /** Apply the waiting presence now if the rate allows, or when it next does (the latest state per ID wins). */
  private flushPresence(): void {
    if (this.presenceTimer || this.deferredPresence.size === 0) return;
    if (this.member.closed) return this.deferredPresence.clear();
    if (!this.presenceUpdates.allow()) {
      this.presenceTimer = setTimeout(() => {
        this.presenceTimer = null;
        this.flushPresence();
      }, this.presenceUpdates.waitMs());
      this.presenceTimer.unref();
      return;
    }
    const entries = [...this.deferredPresence.values()];
    this.deferredPresence.clear();
    this.room.presence.apply(this.member, entries, this.presence.bytesPerDocument);
  }

  private tag(): string {
    return `connection of user ${this.member.userId.slice(0, 8)} on document ${this.room.documentId.slice(0, 8)}`;
  }
}

function firstByte(data: RawData): number | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)[0];
  if (Array.isArray(data)) return data[0]?.[0];
  return data[0];
}

function toUint8(data: RawData): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
