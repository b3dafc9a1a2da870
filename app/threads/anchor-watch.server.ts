/**
 * The anchor watch (issue 13): after a committed edit that deleted something, look — once the document has been
 * quiet for a moment, and at least every few seconds while people keep typing — for open threads whose mark the edit
 * took away while their words stayed in place, and mark them again (threads.server.ts `reanchorLostThreads`). One
 * timer per document on this instance; a check never overlaps another of the same document; errors are logged, never
 * thrown at the editing path.
 */
import { log } from "../utils/log.server";
import { reanchorLostThreads } from "./threads.server";

/** Quiet time after the last deleting edit before the check runs. */
export const ANCHOR_CHECK_QUIET_MS = 1_000;
/** While deletions keep coming, the longest a check waits. */
export const ANCHOR_CHECK_MAX_WAIT_MS = 5_000;

interface Watch {
  timer: NodeJS.Timeout | null;
  firstAt: number;
  running: boolean;
  again: boolean;
}

const watches = new Map<string, Watch>();

/** An edit of `documentId` that deleted something was committed: check its threads' anchors soon. */
export function scheduleAnchorCheck(documentId: string): void {
  const now = Date.now();
  let watch = watches.get(documentId);
  if (!watch) watches.set(documentId, (watch = { timer: null, firstAt: now, running: false, again: false }));
  if (watch.running) {
    watch.again = true;
    return;
  }
  if (watch.timer) clearTimeout(watch.timer);
  else watch.firstAt = now;
  const wait = Math.max(0, Math.min(ANCHOR_CHECK_QUIET_MS, watch.firstAt + ANCHOR_CHECK_MAX_WAIT_MS - now));
  watch.timer = setTimeout(() => void run(documentId), wait);
  watch.timer.unref();
}

async function run(documentId: string): Promise<void> {
  const watch = watches.get(documentId);
  if (!watch) return;
  watch.timer = null;
  watch.running = true;
  try {
    const marked = await reanchorLostThreads(documentId);
    if (marked.length > 0) log.info(`threads: marked ${marked.length} thread(s) of ${documentId} again after an edit took their anchor away`);
  } catch (error) {
    log.warn(`threads: checking the anchors of ${documentId} failed: ${(error as Error).message}`);
  } finally {
    watch.running = false;
    if (watch.again) {
      watch.again = false;
      scheduleAnchorCheck(documentId);
    } else {
      watches.delete(documentId);
    }
  }
}

/** Resolves once no check is waiting or running (tests; a clean shutdown). */
export async function anchorChecksSettled(): Promise<void> {
  while (watches.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}
