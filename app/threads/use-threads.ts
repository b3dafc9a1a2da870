/**
 * The document's threads in the browser: loaded once the socket first synced (GET /api/documents/:id/threads),
 * then kept current by the thread events the server relays on the document's socket after each commit. Events
 * carry a per-document sequence number: the list's answer says the latest it includes (X-Thread-Seq), so events up
 * to it are skipped and the next one is expected; one that does not follow the last seen (a gap), a reconnection,
 * or an event this client cannot read makes it load the list again. Nothing polls.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { WebsocketProvider } from "y-websocket";
import { threadsApi } from "./api";
import { installThreadEvents, type ThreadEvent } from "./live";
import { eventStep } from "./panel-model";
import type { Thread } from "./types";

export interface ThreadsState {
  threads: Thread[] | null;
  /** Why the list could not be loaded (translated by the panel: `threadErrorText`), or null. */
  error: unknown;
  reload: () => void;
}

export function useThreads(documentId: string, provider: WebsocketProvider): ThreadsState {
  const [threads, setThreads] = useState<Thread[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const lastSeq = useRef<number | null>(null);
  const loading = useRef<Promise<void> | null>(null);
  const again = useRef(false);

  const reload = useCallback(() => {
    if (loading.current) {
      again.current = true;
      return;
    }
    const run = async (): Promise<void> => {
      try {
        const { threads: list, seq } = await threadsApi.list(documentId);
        setThreads(list);
        if (!again.current) lastSeq.current = seq;
        setError(null);
      } catch (caught) {
        setError(caught ?? new Error("load"));
      }
    };
    // Events that arrive while loading may or may not be in the answer: forget the sequence, load once more if asked.
    lastSeq.current = null;
    loading.current = run().finally(() => {
      loading.current = null;
      if (again.current) {
        again.current = false;
        reload();
      }
    });
  }, [documentId]);

  useEffect(() => {
    let synced = false;
    const onSync = (isSynced: boolean) => {
      if (!isSynced) return;
      // The first sync and every reconnection: events may have been missed meanwhile.
      synced = true;
      reload();
    };
    const onEvent = (event: ThreadEvent | null) => {
      if (!synced) return;
      const step = eventStep(lastSeq.current, event, loading.current !== null);
      if (step === "skip") return; // already in the list
      if (step === "reload" || event === null) {
        reload();
        return;
      }
      lastSeq.current = event.seq;
      const changed = event.thread;
      if (!changed) {
        // Deleted: the event carries no thread any more.
        setThreads((list) => list?.filter((t) => t.id !== event.threadId) ?? list);
        return;
      }
      setThreads((list) => {
        if (!list) return list;
        const at = list.findIndex((t) => t.id === changed.id);
        if (at === -1) return [...list, changed];
        const next = list.slice();
        next[at] = changed;
        return next;
      });
    };
    provider.on("sync", onSync);
    const uninstall = installThreadEvents(provider, onEvent);
    if (provider.synced) onSync(true);
    return () => {
      provider.off("sync", onSync);
      uninstall();
    };
  }, [provider, reload]);

  return { threads, error, reload };
}
