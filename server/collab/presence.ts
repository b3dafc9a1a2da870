/**
 * A room's presence (y-protocols awareness): who is here and where their caret is, kept to its caps (limits.ts).
 * Each client ID belongs to the connection that first published it; a connection's IDs, states, y-protocols' clock
 * entries ("meta", which the library keeps for ever) and byte counts go when it goes, and its IDs stay unclaimable
 * for RELEASED_PRESENCE_MS (providers echo a departed client's last state back for a moment). The states of one
 * document together stay within a byte budget: a state that would pass it is dropped.
 */
import * as Y from "yjs";
import * as awarenessProtocol from "y-protocols/awareness";
import * as encoding from "lib0/encoding";
import { MESSAGE_AWARENESS } from "../../app/collab/protocol";
import { log } from "../../app/utils/log.server";
import { encodeAwareness, type AwarenessEntry, type PresenceOwner } from "./awareness-filter";
import { RELEASED_PRESENCE_MS } from "./limits";

/** What presence needs of a connection: the client IDs it publishes. */
export interface PresenceHolder {
  awarenessIds: Set<number>;
}

/** Released IDs remembered at most (the oldest are forgotten first). */
const MAX_RELEASED = 4096;

export class Presence<M extends PresenceHolder> {
  readonly awareness: awarenessProtocol.Awareness;
  /** Bytes of each state (as JSON), and their sum. */
  private readonly sizes = new Map<number, number>();
  private total = 0;
  private readonly claims = new Map<number, M>();
  private readonly released = new Map<number, number>();

  /** `changed` gets an awareness message for every change (to relay to everyone). */
  constructor(
    private readonly documentId: string,
    changed: (message: Uint8Array) => void,
  ) {
    // Its own (empty) Y.Doc: the awareness protocol needs one, and the content's may be asleep.
    this.awareness = new awarenessProtocol.Awareness(new Y.Doc());
    this.awareness.setLocalState(null);
    this.awareness.on("update", ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
      const ids = [...added, ...updated, ...removed];
      for (const id of ids) this.recordSize(id);
      changed(this.message(ids)!);
    });
  }

  /** Bytes of all states together. */
  get bytes(): number {
    return this.total;
  }

  /** Client IDs anything is kept for (for tests: they go when their connection goes). */
  get bookkeeping(): number {
    return new Set([...this.awareness.meta.keys(), ...this.awareness.getStates().keys(), ...this.sizes.keys()]).size;
  }

  /** An awareness message with these IDs' states (everyone's by default), or null when there is nobody. */
  message(ids: number[] = [...this.awareness.getStates().keys()]): Uint8Array | null {
    if (ids.length === 0) return null;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
    return encoding.toUint8Array(encoder);
  }

  /** Whose this client ID is, for `member`: its own, another connection's (or one just gone), or nobody's. */
  owner(member: M, clientID: number): PresenceOwner {
    if (member.awarenessIds.has(clientID)) return "mine";
    const claimant = this.claims.get(clientID);
    if (claimant && claimant !== member) return "other";
    const released = this.released.get(clientID);
    if (released !== undefined && Date.now() - released < RELEASED_PRESENCE_MS) return "other";
    return "free";
  }

  /** May `member` publish this ID? Claims it if it is nobody's. */
  claim(member: M, clientID: number): boolean {
    const owner = this.owner(member, clientID);
    if (owner === "other") return false;
    if (owner === "free") {
      member.awarenessIds.add(clientID);
      this.claims.set(clientID, member);
      this.released.delete(clientID);
    }
    return true;
  }

  /** Apply states `member` may publish (claimed, stamped), each only while all stay within `maxBytes`. */
  apply(member: M, entries: AwarenessEntry[], maxBytes: number): void {
    const accepted: AwarenessEntry[] = [];
    let total = this.total;
    for (const e of entries) {
      const bytes = e.state === null ? 0 : Buffer.byteLength(JSON.stringify(e.state));
      const next = total - (this.sizes.get(e.clientID) ?? 0) + bytes;
      if (bytes > 0 && next > maxBytes) {
        log.warn(`collab: presence of document ${this.documentId.slice(0, 8)} is at its cap (${maxBytes} bytes); a state was dropped`);
        continue;
      }
      total = next;
      accepted.push(e);
    }
    if (accepted.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwareness(accepted), member);
  }

  /** `member` left: its states are removed (relayed), and everything kept for its IDs is forgotten. */
  release(member: M): void {
    const shown = [...member.awarenessIds].filter((id) => this.awareness.getStates().has(id));
    if (shown.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, shown, null);
    const now = Date.now();
    for (const id of member.awarenessIds) {
      this.awareness.meta.delete(id);
      this.recordSize(id);
      if (this.claims.get(id) === member) this.claims.delete(id);
      this.released.delete(id);
      this.released.set(id, now);
    }
    for (const [id, at] of this.released) {
      if (now - at < RELEASED_PRESENCE_MS && this.released.size <= MAX_RELEASED) break;
      this.released.delete(id);
    }
  }

  destroy(): void {
    this.awareness.doc.destroy();
    this.awareness.destroy();
  }

  private recordSize(id: number): void {
    const state = this.awareness.getStates().get(id);
    const bytes = state ? Buffer.byteLength(JSON.stringify(state)) : 0;
    this.total += bytes - (this.sizes.get(id) ?? 0);
    if (bytes > 0) this.sizes.set(id, bytes);
    else this.sizes.delete(id);
  }
}
