/**
 * The device copy of a document an editor writes in: its Yjs state in IndexedDB (`y-indexeddb`), so that changes
 * made offline survive a reload or a browser restart and are sent when the tab reconnects (Yjs merges them with
 * whatever the server has since; nothing is overwritten). One database per account and document
 * (`accord-device-copy:<account key>:<document id>`, the key a hash of the account, app/collab/device-key.server.ts),
 * holding the document's updates and, under `pending`, the local changes the server has not yet confirmed as
 * committed (one merged update and how many changes it holds), so the status can say how many are kept. That record
 * alone restores them (it is applied on opening too, whatever became of y-indexeddb's own update writes). A change
 * counts as kept only once the transaction that wrote it completed (`keep`'s `written`, durability "strict": on disk,
 * not just queued); until then the status says it is being saved on the device and leaving the page warns.
 *
 * Deleted on sign-out (every account's, app/root.tsx), when the server says access to the document was lost
 * (close 4403, or the document page answering 404), and for readers, who never write (device-copies.ts, which the
 * pages without the editor load: it never imports Yjs). y-indexeddb is loaded only when an editor opens a
 * document.
 * y-indexeddb weighs 1 kB gzipped (with lib0/indexeddb): imported statically, since a lazy chunk of it would split
 * Yjs out of the editor's chunk and cost more than it saves. Browser-only.
 */
import type * as Y from "yjs";
import { IndexeddbPersistence } from "y-indexeddb";

const PENDING_KEY = "pending";
/** How long after a failed write the device copy tries again. */
const RETRY_MS = 2000;
/** y-indexeddb's store for values other than updates. */
const CUSTOM_STORE = "custom";
export interface PendingChanges {
  update: Uint8Array;
  changes: number;
}

export interface DeviceCopy {
  /** The origin of the updates restored from the device (they are not new local changes). */
  origin: IndexeddbPersistence;
  /** The unconfirmed changes kept last time, or null. */
  pending: PendingChanges | null;
  /**
   * Keep these as the unconfirmed changes (writes are coalesced: computed when written, the latest wins); `written`
   * is called once a write begun after this call has completed (its IndexedDB transaction committed). A failed write
   * calls nothing yet: it is tried again RETRY_MS later (or at the next `keep`).
   */
  keep(pending: () => PendingChanges | null, written?: () => void): void;
}

/** Written only by `keep` below; checked all the same (an older or damaged copy): an update and a count. */
function isPending(value: unknown): value is PendingChanges {
  const v = value as Partial<PendingChanges> | undefined;
  return v?.update instanceof Uint8Array && v.changes! > 0;
}

/** Opens (or creates) the device copy and applies what it holds to `doc`; rejects when IndexedDB is unavailable. */
export async function openDeviceCopy(name: string, doc: Y.Doc): Promise<DeviceCopy> {
  const persistence = new IndexeddbPersistence(name, doc);
  // IndexedDB unavailable (its open fails) or stuck: the tab goes on without a device copy after 3 s.
  await Promise.race([persistence.whenSynced, new Promise((_, fail) => setTimeout(fail, 3000))]);
  // Deleted elsewhere (sign-out in another tab): stop writing to it (y-indexeddb would throw on a closed database).
  persistence.db!.onversionchange = () => void persistence.destroy();
  const stored: unknown = await persistence.get(PENDING_KEY).catch(() => undefined);
  let writing = false;
  let dirty = false;
  let latest: () => PendingChanges | null = () => null;
  let waiting: (() => void)[] = [];
  let retry: ReturnType<typeof setTimeout> | undefined;
  const write = () => {
    if (writing || !dirty || persistence._destroyed) return;
    const value = latest();
    const batch = waiting;
    dirty = false;
    waiting = [];
    writing = true;
    commit(persistence.db!, value).then(
      () => {
        writing = false;
        for (const written of batch) written();
        write();
      },
      () => {
        // Failed (a full disk, an aborted transaction): its changes are still unwritten; tried again in a moment
        // with the latest ones (or at once by the next `keep`).
        writing = false;
        dirty = true;
        waiting = [...batch, ...waiting];
        clearTimeout(retry);
        retry = setTimeout(write, RETRY_MS);
      },
    );
  };
  return {
    origin: persistence,
    pending: isPending(stored) ? stored : null,
    keep(pending, written) {
      latest = pending;
      dirty = true;
      if (written) waiting.push(written);
      write();
    },
  };
}

/** Writes (or deletes) the pending record and resolves once its transaction completed, rejects if it failed. */
function commit(db: IDBDatabase, value: PendingChanges | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const transaction = db.transaction([CUSTOM_STORE], "readwrite", { durability: "strict" });
    const store = transaction.objectStore(CUSTOM_STORE);
    if (value) store.put(value, PENDING_KEY);
    else store.delete(PENDING_KEY);
    transaction.oncomplete = () => resolve();
    transaction.onerror = transaction.onabort = () => reject(transaction.error ?? new Error("IndexedDB write aborted"));
  });
}
