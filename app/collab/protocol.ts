/**
 * The collaboration protocol Accord speaks on `/collab/<documentId>`: y-websocket's messages plus one of ours.
 * Shared by the server (server/collab) and the browser (the editor's WebsocketProvider).
 *
 *   0 sync       y-protocols/sync: step 1 (state vector), step 2 (missing updates), update
 *   1 awareness  y-protocols/awareness update (the server stamps name, colour and role into each state)
 *   2 auth       y-protocols/auth: "permission denied" with a reason, sent to read-only clients that write
 *   3 query awareness
 *   100 saved    ours, server → author only, sent after PostgreSQL COMMITTED the author's updates (and in answer
 *                to an update that carried nothing new): varUint seq (the last committed log sequence) +
 *                varUint8Array Yjs snapshot (`Y.encodeSnapshot`): the committed document's state vector, and as
 *                delete set everything this connection's committed updates deleted (the whole document's when
 *                answering an update with nothing new, e.g. on connecting). The author's edits are saved when
 *                the snapshot contains every local update it made (`Y.snapshotContainsUpdate`), so deletions are
 *                confirmed too, not only insertions.
 *   101 threads  ours, server → every connection of the document, after a thread change committed: varString, the
 *                JSON of one ThreadEvent (app/threads/contract.ts) — `{seq, type, threadId, thread}`. `seq` numbers the
 *                document's thread events without gaps; a client that sees a gap, or reconnects, reloads the threads
 *                (`GET /api/documents/:id/threads`). Clients never send it (the server closes with BadMessage).
 *
 * Close codes follow y-websocket 3's convention: 4400–4499 are final (the provider does not reconnect),
 * everything else is transient (it reconnects and resyncs; nothing the client holds is lost).
 */
import type { Translate } from "../i18n/instance";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { ThreadEvent } from "../threads/contract";

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
export const MESSAGE_SAVED = 100;
export const MESSAGE_THREADS = 101;

export const COLLAB_PATH = "/collab";

export const CloseCode = {
  /** Service restarting (server shutdown): reconnect. */
  ServiceRestart: 1012,
  /** The socket fell too far behind (slow reader), or sent an update that waits for commits this instance is still reading: reconnect and resync. */
  TryAgainLater: 1013,
  /** A message above the size cap (ws maxPayload). The browser treats it as final: resending would loop. */
  MessageTooLarge: 1009,
  /**
   * A malformed, truncated or unknown message, an update the server refuses (schema, whole-document validity, client
   * ID), or presence over its caps (more client IDs or a larger state than one editor tab sends).
   */
  BadMessage: 4400,
  /** The session ended (signed out, expired). */
  Unauthenticated: 4401,
  /** Access removed or changed while connected. */
  AccessChanged: 4403,
  /** The document would grow past its size cap. */
  DocumentTooLarge: 4413,
  /** This user opened more sockets (tabs) on this document, or on this server, than allowed: the oldest is closed. */
  TooManyConnections: 4429,
  /** Too many messages per second from this connection. Transient: the provider reconnects after a pause. */
  RateLimited: 4529,
  /** The document could not be loaded. Transient. */
  LoadFailed: 4500,
  /** PostgreSQL refused or failed a commit. Transient: the client still holds its edits and resends them. */
  StorageFailed: 4503,
} as const;
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** Words for people, by close code, in the page's language (the server sends codes only). */
export function describeClose(t: Translate, code: number): string {
  switch (code) {
    case CloseCode.AccessChanged:
      return t("editor:close.accessChanged");
    case CloseCode.Unauthenticated:
      return t("editor:close.unauthenticated");
    case CloseCode.BadMessage:
      return t("editor:close.badMessage");
    case CloseCode.DocumentTooLarge:
      return t("editor:close.documentTooLarge");
    case CloseCode.TooManyConnections:
      return t("editor:close.tooManyConnections");
    case CloseCode.MessageTooLarge:
      return t("editor:close.messageTooLarge");
    case CloseCode.RateLimited:
      return t("editor:close.rateLimited");
    case CloseCode.LoadFailed:
      return t("editor:close.loadFailed");
    case CloseCode.StorageFailed:
      return t("editor:close.storageFailed");
    default:
      return t("editor:close.lost");
  }
}

export interface SavedMessage {
  seq: number;
  /** `Y.encodeSnapshot(Y.snapshot(committedDoc))`. */
  snapshot: Uint8Array;
}

export function writeSaved(encoder: encoding.Encoder, saved: SavedMessage): void {
  encoding.writeVarUint(encoder, MESSAGE_SAVED);
  encoding.writeVarUint(encoder, saved.seq);
  encoding.writeVarUint8Array(encoder, saved.snapshot);
}

/** Reads a saved message's body (after the message type). */
export function readSaved(decoder: decoding.Decoder): SavedMessage {
  const seq = decoding.readVarUint(decoder);
  const snapshot = decoding.readVarUint8Array(decoder);
  return { seq, snapshot };
}

export function writeThreadEvent(encoder: encoding.Encoder, event: ThreadEvent): void {
  encoding.writeVarUint(encoder, MESSAGE_THREADS);
  encoding.writeVarString(encoder, JSON.stringify(event));
}

/** Reads a threads message's body (after the message type). */
export function readThreadEvent(decoder: decoding.Decoder): ThreadEvent {
  return JSON.parse(decoding.readVarString(decoder)) as ThreadEvent;
}

/** Server-chosen caret colours (never taken from the client). */
export const PRESENCE_COLOURS = ["#1d4e5f", "#a1261b", "#6b4e00", "#1f6a3b", "#5b3a8c", "#b0406f", "#2d5fa8", "#7a4b1f"] as const;

export function colourFor(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return PRESENCE_COLOURS[h % PRESENCE_COLOURS.length]!;
}

/** y-websocket's `shouldReconnect`: 4400–4499 are final, and so is 1009 (the same oversized update would be resent). */
export function shouldReconnect(event: { code: number }): boolean {
  return !(event.code >= 4400 && event.code < 4500) && event.code !== CloseCode.MessageTooLarge;
}
