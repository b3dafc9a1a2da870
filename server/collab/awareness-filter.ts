/**
 * Awareness (presence) as the server accepts it: a connection may only publish states for client IDs it owns,
 * and the server writes the user's name, colour and role into every state (never what the client claims).
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

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

const MAX_STATE_JSON = 16 * 1024;

/** Decode an awareness update; throws on malformed input. */
export function decodeAwareness(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > 1000) throw new Error("too many awareness states");
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientID = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    if (json.length > MAX_STATE_JSON) throw new Error("awareness state too large");
    const state = JSON.parse(json) as unknown;
    if (state !== null && (typeof state !== "object" || Array.isArray(state))) throw new Error("awareness state is not an object");
    entries.push({ clientID, clock, state: state as Record<string, unknown> | null });
  }
  return entries;
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
