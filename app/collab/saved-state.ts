/**
 * Whether an author's edits are saved, and the words the editor shows for it.
 *
 * The server sends the author a `saved` message (app/collab/protocol.ts) after PostgreSQL committed the author's
 * updates; it carries a snapshot (state vector and delete set) of the committed document. The author keeps every
 * local update not yet confirmed; they are saved when the snapshot contains all of them — insertions and deletions.
 *
 * Pure and browser-safe: no React, no provider.
 */
import type { Translate } from "../i18n/instance";
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
  /** Some of them are not yet confirmed written to the device copy: they are being saved there, not kept yet. */
  deviceBehind?: boolean;
  /** Online, but nothing was confirmed for a while (SLOW_SAVE_MS): the server cannot commit yet, e.g. PostgreSQL is away. */
  slow?: boolean;
  /** The close code of a final close (4400–4499), or null. */
  closedCode: number | null;
}

export interface SaveStatus {
  state: SaveState;
  text: string;
}

/** The status words, translated by the caller's `t` (the editor's: `useT()`); keys in app/locales/<locale>/editor.json. */
export function statusWords(t: Translate) {
  return {
    connecting: t("editor:status.connecting"),
    saving: t("editor:status.saving"),
    saved: t("editor:status.saved"),
    offlineUnsaved: t("editor:status.offlineUnsaved"),
    offline: t("editor:status.offline"),
    /** Not yet confirmed after a while online: the server could not commit them yet (e.g. PostgreSQL is unreachable). */
    notSavedYet: t("editor:status.notSavedYet"),
    closed: t("editor:status.closed"),
    readonly: t("editor:status.readonly"),
    readonlyLive: t("editor:status.readonlyLive"),
  };
}

/** "Offline — 3 changes kept on this device": what survives a reload or a browser restart while offline. */
export function keptOnDeviceText(t: Translate, count: number): string {
  return t("editor:status.keptOnDevice", { count });
}

/** "Offline — saving 3 changes on this device…": counted, but the device copy has not confirmed writing them all yet. */
export function savingOnDeviceText(t: Translate, count: number): string {
  return t("editor:status.savingOnDevice", { count });
}

/** The same states in a word or two, for the toolbar that stays in view while someone writes. */
export function shortStatusText(t: Translate, state: SaveState): string {
  switch (state) {
    case "connecting":
      return t("editor:status.short.connecting");
    case "saving":
      return t("editor:status.short.saving");
    case "saved":
      return t("editor:status.short.saved");
    case "offline":
      return t("editor:status.short.offline");
    case "closed":
      return t("editor:status.short.closed");
    case "readonly":
      return t("editor:status.short.readonly");
  }
}

function connectionText(input: SaveStatusInput, words: ReturnType<typeof statusWords>): string {
  if (input.online) return words.readonlyLive;
  if (!input.everSynced && !input.dropped) return words.connecting;
  return words.offline;
}

/** The status line: one state (for `data-state`) and its words in the page's language. */
export function saveStatus(input: SaveStatusInput, t: Translate): SaveStatus {
  const words = statusWords(t);
  if (input.closedCode !== null) return { state: "closed", text: words.closed };
  if (!input.canEdit) return { state: "readonly", text: `${words.readonly} · ${connectionText(input, words)}` };
  if (!input.online) {
    if (!input.everSynced && !input.dropped) return { state: "connecting", text: words.connecting };
    if (!input.unsaved) return { state: "offline", text: words.offline };
    const count = input.unsavedCount ?? 0;
    if (!input.keptOnDevice || count === 0) return { state: "offline", text: words.offlineUnsaved };
    return { state: "offline", text: input.deviceBehind ? savingOnDeviceText(t, count) : keptOnDeviceText(t, count) };
  }
  if (input.unsaved) return { state: "saving", text: input.slow ? words.notSavedYet : words.saving };
  return { state: "saved", text: words.saved };
}

/** Close codes of a transient close worth explaining while the provider reconnects (others read as plain "Offline"). */
const EXPLAINED_TRANSIENT_CODES: readonly number[] = [
  CloseCode.MessageTooLarge,
  CloseCode.RateLimited,
  CloseCode.LoadFailed,
  CloseCode.StorageFailed,
];

/** Words for a transient close (the provider reconnects by itself), or null when "Offline" says enough. */
export function transientCloseNote(t: Translate, code: number | null): string | null {
  return code !== null && EXPLAINED_TRANSIENT_CODES.includes(code) ? describeClose(t, code) : null;
}
