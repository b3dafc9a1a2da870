/**
 * Awareness (presence) as the server accepts it: a connection may only publish states for client IDs it owns,
 * and the server writes the user's name, colour and role into every state (never what the client claims).
 * A connection publishes at most MAX_PRESENCE_IDS_PER_CONNECTION client IDs, each state at most
 * MAX_PRESENCE_STATE_BYTES (limits.ts): more is not an editor tab, and the connection is closed (4400).
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { MAX_PRESENCE_ENTRIES_PER_MESSAGE, MAX_PRESENCE_STATE_BYTES } from "./limits";

export interface PresenceIdentity {
  name: string;
  color: string;
  role: string;
}

export interface AwarenessEntry {
  clientID: number;
  clock: number;
  state: Record<string, unknown> | null;
}

export class PresenceRefused extends Error {}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const NULL_STATE = new Uint8Array([0x6e, 0x75, 0x6c, 0x6c]); // "null"

/** Whose a presence client ID is, seen from one connection: its own, another's (or just gone), or nobody's. */
export type PresenceOwner = "mine" | "other" | "free";

export interface PresenceCapsForDecoding {
  /** Entries one message may carry (a provider echoes everyone's presence back, so this is the room's size). */
  entries: number;
  /** Bytes of one state this connection publishes. */
  stateBytes: number;
}

const DEFAULT_DECODING_CAPS: PresenceCapsForDecoding = { entries: MAX_PRESENCE_ENTRIES_PER_MESSAGE, stateBytes: MAX_PRESENCE_STATE_BYTES };

/**
 * Decode an awareness update; throws on malformed input, PresenceRefused over the caps. y-websocket's provider sends
 * back every presence change it receives, so a message holds others' states too: those (and removals of IDs that
 * are not this connection's) are skipped unread; only what the connection may publish is size-checked and parsed.
 */
export function decodeAwareness(update: Uint8Array, caps = DEFAULT_DECODING_CAPS, owner: (clientID: number) => PresenceOwner = () => "free"): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > caps.entries) throw new PresenceRefused(`presence with more than ${caps.entries} states`);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientID = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const bytes = decoding.readVarUint8Array(decoder);
    const whose = owner(clientID);
    if (whose === "other" || (whose === "free" && isNull(bytes))) continue;
    if (bytes.byteLength > caps.stateBytes) throw new PresenceRefused(`a presence state over ${caps.stateBytes} bytes`);
    const state = JSON.parse(utf8.decode(bytes)) as unknown;
    if (state !== null && (typeof state !== "object" || Array.isArray(state))) throw new Error("awareness state is not an object");
    entries.push({ clientID, clock, state: state as Record<string, unknown> | null });
  }
  return entries;
}

function isNull(bytes: Uint8Array): boolean {
  return bytes.byteLength === 4 && bytes.every((b, i) => b === NULL_STATE[i]);
}

export function encodeAwareness(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientID);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, JSON.stringify(e.state));
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Keep the entries this connection may publish (client IDs it owns, or new ones it may claim), stamped with
 * the server's identity. `claim(id)` returns whether the ID is (now) this connection's.
 */
export function filterAndStamp(entries: AwarenessEntry[], claim: (clientID: number) => boolean, who: PresenceIdentity): AwarenessEntry[] {
  const kept: AwarenessEntry[] = [];
  for (const e of entries) {
    if (!claim(e.clientID)) continue;
    kept.push({ ...e, state: e.state === null ? null : { ...e.state, user: { name: who.name, color: who.color, role: who.role } } });
  }
  return kept;
}
