/**
 * A document's logged updates applied to a Y.Doc a slice at a time, the event loop served between slices: loading a
 * busy document for its first thread on this process (a snapshot and up to a thousand rows after it) took 20–25 ms in
 * one go on the loop that relays everyone's typing, so every keystroke arriving meanwhile waited for all of it
 * (`npm run bench:comments`: the longest stretches of a run with commenters). Sliced, they wait for one slice.
 * The result is the same document: Yjs updates may be applied in any grouping and order.
 *
 * The loop is served before every slice, the first included: what the caller did just before (applying a snapshot,
 * say) is a stretch of its own too.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import * as Y from "yjs";

/** Rows per slice: ≈ 2 ms of merging and applying for the small updates of typing. */
export const ROWS_PER_SLICE = 100;

/** Let the event loop serve what waits (sockets, timers) before going on. */
export const servePending = (): Promise<void> => nextTurn();

export async function applyInSlices(ydoc: Y.Doc, updates: readonly Uint8Array[], rowsPerSlice = ROWS_PER_SLICE): Promise<void> {
  for (let i = 0; i < updates.length; i += rowsPerSlice) {
    await nextTurn();
    const slice = updates.slice(i, i + rowsPerSlice);
    Y.applyUpdate(ydoc, slice.length === 1 ? slice[0]! : Y.mergeUpdates(slice));
  }
}
