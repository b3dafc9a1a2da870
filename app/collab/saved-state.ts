/**
 * Whether an author's edits are saved, and the words the editor shows for it.
 *
 * The server sends the author a `saved` message (app/collab/protocol.ts) after PostgreSQL committed the author's
 * updates; it carries a snapshot (state vector and delete set) of the committed document. The author keeps every
 * local update not yet confirmed; they are saved when the snapshot contains all of them — insertions and deletions.
 *
 * Pure and browser-safe: no React, no provider.
 */
import * as Y from "yjs";
import { CloseCode, describeClose } from "./protocol";

/** The author's own clock: how many structs this client has written into `doc`. */
export function localClock(doc: Y.Doc): number {
  return Y.getState(doc.store, doc.clientID);
}

/** Local updates the server has not yet confirmed as committed. */
export class UnconfirmedEdits {
  private updates: Uint8Array[] = [];

  /** Record a local update (cheap: merged only when a confirmation is checked). */
  add(update: Uint8Array): void {
    this.updates.push(update);
  }

  get empty(): boolean {
    return this.updates.length === 0;
  }

  /** Check a `saved` snapshot; true when it contains every recorded update (they are then forgotten). */
  confirm(encodedSnapshot: Uint8Array): boolean {
    if (this.updates.length === 0) return true;
    const merged = this.updates.length === 1 ? this.updates[0]! : Y.mergeUpdates(this.updates);
    if (Y.snapshotContainsUpdate(Y.decodeSnapshot(encodedSnapshot), merged)) {
      this.updates = [];
      return true;
    }
    this.updates = [merged];
    return false;
  }
}

export type SaveState = "connecting" | "saving" | "saved" | "offline" | "closed" | "readonly";

export interface SaveStatusInput {
  canEdit: boolean;
  /** The provider synced at least once since the page loaded. */
  everSynced: boolean;
  /** The provider is connected and synced right now. */
  online: boolean;
  /** A connection attempt closed since the last sync (so "Connecting…" would be too hopeful). */
  dropped: boolean;
  /** Local changes not yet confirmed by a `saved` message. */
  unsaved: boolean;
  /** The close code of a final close (4400–4499), or null. */
  closedCode: number | null;
}

export interface SaveStatus {
  state: SaveState;
  text: string;
}

export const STATUS_TEXT = {
  connecting: "Connecting…",
  saving: "Saving…",
  saved: "All changes saved",
  offlineUnsaved: "Offline — your changes are kept and will be saved when you reconnect",
  offline: "Offline — reconnecting…",
  closed: "Disconnected",
  readonly: "Read-only — you can read along live",
  readonlyLive: "Connected",
} as const;

/** The same states in a word or two, for the toolbar that stays in view while someone writes. */
export const SHORT_STATUS_TEXT: Record<SaveState, string> = {
  connecting: "Connecting…",
  saving: "Saving…",
  saved: "Saved",
  offline: "Offline",
  closed: "Disconnected",
  readonly: "Read-only",
};

function connectionText(input: SaveStatusInput): string {
  if (input.online) return STATUS_TEXT.readonlyLive;
  if (!input.everSynced && !input.dropped) return STATUS_TEXT.connecting;
  return STATUS_TEXT.offline;
}

/** The status line: one state (for `data-state`) and its words. */
export function saveStatus(input: SaveStatusInput): SaveStatus {
  if (input.closedCode !== null) return { state: "closed", text: STATUS_TEXT.closed };
  if (!input.canEdit) return { state: "readonly", text: `${STATUS_TEXT.readonly} · ${connectionText(input)}` };
  if (!input.online) {
    if (!input.everSynced && !input.dropped) return { state: "connecting", text: STATUS_TEXT.connecting };
    return { state: "offline", text: input.unsaved ? STATUS_TEXT.offlineUnsaved : STATUS_TEXT.offline };
  }
  if (input.unsaved) return { state: "saving", text: STATUS_TEXT.saving };
  return { state: "saved", text: STATUS_TEXT.saved };
}

/** Close codes of a transient close worth explaining while the provider reconnects (others read as plain "Offline"). */
const EXPLAINED_TRANSIENT_CODES: readonly number[] = [
  CloseCode.MessageTooLarge,
  CloseCode.RateLimited,
  CloseCode.LoadFailed,
  CloseCode.StorageFailed,
];

/** Words for a transient close (the provider reconnects by itself), or null when "Offline" says enough. */
export function transientCloseNote(code: number | null): string | null {
  return code !== null && EXPLAINED_TRANSIENT_CODES.includes(code) ? describeClose(code) : null;
}
