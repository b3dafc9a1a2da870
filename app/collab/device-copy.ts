/**
 * The device copy of a document an editor writes in: its Yjs state in IndexedDB (`y-indexeddb`), so that changes
 * made offline survive a reload or a browser restart and are sent when the tab reconnects (Yjs merges them with
 * whatever the server has since; nothing is overwritten). One database per account and document
 * (`accord-device-copy:<account key>:<document id>`, the key a hash of the account, app/collab/device-key.server.ts),
 * holding the document's updates and, under `pending`, the local changes the server has not yet confirmed as
 * committed (one merged update and how many changes it holds), so the status can say how many are kept.
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
export interface PendingChanges {
  update: Uint8Array;
  changes: number;
}

export interface DeviceCopy {
  /** The origin of the updates restored from the device (they are not new local changes). */
  origin: IndexeddbPersistence;
  /** The unconfirmed changes kept last time, or null. */
  pending: PendingChanges | null;
  /** Keep these as the unconfirmed changes (writes are coalesced: computed when written, the latest wins). */
  keep(pending: () => PendingChanges | null): void;
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
  let next: (() => PendingChanges | null) | undefined;
  const write = () => {
    if (writing || !next || persistence._destroyed) return;
    const value = next();
    next = undefined;
    writing = true;
    const done = () => {
      writing = false;
      write();
    };
    (value ? persistence.set(PENDING_KEY, value as unknown as ArrayBuffer) : persistence.del(PENDING_KEY)).then(done, done);
  };
  return {
    origin: persistence,
    pending: isPending(stored) ? stored : null,
    keep(pending) {
      next = pending;
      write();
    },
  };
}
