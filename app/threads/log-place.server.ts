/**
 * The log's next place, held for a server-side change of the document (a thread's anchor, an accepted proposal, a
 * re-attached mark) by the room of this process that has the document loaded, if any (server/collab/room.ts
 * `reserve`): its editors' commits wait for that one append and its COMMIT instead of colliding with it, and the
 * committed row is handed to the room instead of being read back from the log. The collaboration server installs
 * the way to reach its rooms; without one (a process with no collaboration server, or no room loaded) every change
 * appends as before and the rooms learn of it by NOTIFY.
 */
import type { LogTail } from "../../db/document-log";
import type { ThreadEventRow } from "../../db/threads";
import type { AuthoredThread } from "./threads.server";

export interface ReservationOutcome {
  /** The rows committed in the place, in order: each with the tail it was appended after, the tail it made, its update. */
  committed: { after: LogTail; tail: LogTail; update: Uint8Array }[] | null;
  /** Nothing known committed, but a row may have been (the COMMIT's answer was lost): the room reads the log. */
  mayHaveWritten: boolean;
  /**
   * The thread events committed with those rows and their threads as the transaction left them: the room sends them
   * with the rows, in the same write to each socket, instead of reading them after the NOTIFY.
   */
  threadEvents?: { events: ThreadEventRow[]; threads: AuthoredThread[] } | null;
}

export interface LogPlace {
  /** The log's tail as the room holds it (every row up to it committed). */
  tail: LogTail;
  /** Give the place back; always called exactly once. */
  release(outcome: ReservationOutcome): void;
}

export interface LogPlaces {
  /** The instance whose rooms take the rows handed back (a row's NOTIFY names it, so that instance does not read it back). */
  instanceId: string;
  reserve(documentId: string): Promise<LogPlace | null>;
}

// On globalThis, like the database client: the Remix server build carries its own copy of this module, and the
// HTTP routes (that copy) must reach the rooms the collaboration server (the other) installed. A set: tests run
// several instances in one process, each with its own rooms.
const KEY = Symbol.for("accord.logPlaces");
const holder = globalThis as unknown as { [KEY]?: Set<LogPlaces> };
const installed = (holder[KEY] ??= new Set());

/** Install the collaboration server's rooms; returns the way to take them out again (when that server closes). */
export function installLogPlaces(places: LogPlaces): () => void {
  installed.add(places);
  return () => void installed.delete(places);
}

/** Hold the document's next log place in this process, with the instance id its row's NOTIFY must name; or null. */
export async function reserveLogPlace(documentId: string): Promise<{ place: LogPlace; instanceId: string } | null> {
  for (const places of installed) {
    const place = await places.reserve(documentId);
    if (place) return { place, instanceId: places.instanceId };
  }
  return null;
}
