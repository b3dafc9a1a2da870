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

/**
 * Local updates the server has not yet confirmed as committed, each counting as one or more changes (a keystroke is
 * one; the changes restored from the device copy are kept as one update with their count).
 */
export class UnconfirmedEdits {
  private entries: { update: Uint8Array; changes: number }[] = [];
  private total = 0;

  /** Record a local update (cheap: checked only when a confirmation arrives). */
  add(update: Uint8Array, changes = 1): void {
    this.entries.push({ update, changes });
    this.total += changes;
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** How many changes are not yet confirmed. */
  get count(): number {
    return this.total;
  }

  /** Everything not yet confirmed as one update, with its count (to keep on the device), or null. */
  merged(): { update: Uint8Array; changes: number } | null {
    if (this.entries.length === 0) return null;
    return { update: Y.mergeUpdates(this.entries.map((e) => e.update)), changes: this.total };
  }

  /**
   * Check a `saved` snapshot: the updates it contains (insertions and deletions) are forgotten; true when none is
   * left.
   */
  confirm(encodedSnapshot: Uint8Array): boolean {
    if (this.entries.length === 0) return true;
    const snapshot = Y.decodeSnapshot(encodedSnapshot);
    this.entries = this.entries.filter((e) => !Y.snapshotContainsUpdate(snapshot, e.update));
    this.total = this.entries.reduce((sum, e) => sum + e.changes, 0);
    return this.entries.length === 0;
  }
}

/** How long "Saving…" may wait for a confirmation before it says "Not saved yet — will retry". */
export const SLOW_SAVE_MS = 5000;

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
  /** How many (when known), and whether this device keeps them (IndexedDB) across a reload or a browser restart. */
  unsavedCount?: number;
  keptOnDevice?: boolean;
  /** Online, but nothing was confirmed for a while (SLOW_SAVE_MS): the server cannot commit yet, e.g. PostgreSQL is away. */
  slow?: boolean;
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
  /** Not yet confirmed after a while online: the server could not commit them yet (e.g. PostgreSQL is unreachable). */
  notSavedYet: "Not saved yet — will retry",
  closed: "Disconnected",
  readonly: "Read-only — you can read along live",
  readonlyLive: "Connected",
} as const;

/** "Offline — 3 changes kept on this device": what survives a reload or a browser restart while offline. */
export function keptOnDeviceText(count: number): string {
  return `Offline — ${count} ${count === 1 ? "change" : "changes"} kept on this device`;
}

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
    if (!input.unsaved) return { state: "offline", text: STATUS_TEXT.offline };
    const count = input.unsavedCount ?? 0;
    return { state: "offline", text: input.keptOnDevice && count > 0 ? keptOnDeviceText(count) : STATUS_TEXT.offlineUnsaved };
  }
  if (input.unsaved) return { state: "saving", text: input.slow ? STATUS_TEXT.notSavedYet : STATUS_TEXT.saving };
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
