/**
 * One accepted socket: reads y-websocket messages, enforces the rate cap, refuses writes from read-only roles,
 * checks every update (client IDs, schema) before it is queued for commit, and filters presence.
 * A malformed message closes this connection only, with a typed code and a log line.
 */
import * as Y from "yjs";
import * as awarenessProtocol from "y-protocols/awareness";
import * as authProtocol from "y-protocols/auth";
import * as syncProtocol from "y-protocols/sync";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { RawData } from "ws";
import { CloseCode, MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from "../../app/collab/protocol";
import { log } from "../../app/utils/log.server";
import { decodeAwareness, encodeAwareness, filterAndStamp } from "./awareness-filter";
import { inspectUpdate } from "./inspect-update";
import { closeMember, type Member, type Room } from "./room";

export interface RateLimit {
  perSecond: number;
  burst: number;
}

class BadMessage extends Error {}

export class Connection {
  private tokens: number;
  private refilledAt = Date.now();

  constructor(
    readonly member: Member,
    private readonly room: Room,
    private readonly rate: RateLimit,
  ) {
    this.tokens = rate.burst;
  }

  private allow(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rate.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  handle(data: RawData, isBinary: boolean): void {
    if (this.member.closed) return;
    if (!this.allow()) {
      log.warn(`collab: ${this.tag()} exceeded ${this.rate.perSecond} messages/s; closing`);
      closeMember(this.member, CloseCode.RateLimited, "rate limited");
      return;
    }
    try {
      if (!isBinary) throw new BadMessage("text frame");
      const buf = toUint8(data);
      this.dispatch(buf);
    } catch (error) {
      const why = error instanceof BadMessage ? error.message : `malformed message (${(error as Error).message})`;
      log.warn(`collab: ${this.tag()} sent a bad message: ${why}; closing`);
      closeMember(this.member, CloseCode.BadMessage, why);
    }
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
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
        encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, [...this.room.awareness.getStates().keys()]));
        this.room.send(this.member, encoding.toUint8Array(encoder));
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
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
      encoding.writeVarUint8Array(encoder, this.room.stateFor(stateVector));
      this.room.send(this.member, encoding.toUint8Array(encoder));
      return;
    }
    if (step !== syncProtocol.messageYjsSyncStep2 && step !== syncProtocol.messageYjsUpdate) throw new BadMessage(`unknown sync step ${step}`);
    const update = decoding.readVarUint8Array(decoder);
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
    if (!this.room.claimClients(this.member, inspection.clients)) throw new BadMessage("update refused: it uses another connection's client ID");
    if (this.room.approxBytes + update.byteLength > this.room.limitBytes()) {
      log.warn(`collab: ${this.tag()} would grow the document past its cap; closing`);
      closeMember(this.member, CloseCode.DocumentTooLarge, "document too large");
      return;
    }
    this.room.enqueue(this.member, update, inspection.deletes);
  }

  private onAwareness(update: Uint8Array): void {
    const entries = decodeAwareness(update);
    const kept = filterAndStamp(entries, (id) => this.room.claimAwareness(this.member, id), {
      name: this.member.name,
      color: this.member.color,
      role: this.member.role,
    });
    if (kept.length > 0) awarenessProtocol.applyAwarenessUpdate(this.room.awareness, encodeAwareness(kept), this.member);
  }

  private tag(): string {
    return `connection of user ${this.member.userId.slice(0, 8)} on document ${this.room.documentId.slice(0, 8)}`;
  }
}

function toUint8(data: RawData): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
