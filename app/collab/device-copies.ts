/**
 * Deletion of the device copies of documents (app/collab/device-copy.ts), without Yjs: the root route loads this on
 * every page with JavaScript (signing out deletes them). One account's copy of one document is the IndexedDB
 * database `<the account's prefix><document id>` (the prefix: app/collab/device-key.server.ts).
 */
export const DEVICE_COPY_PREFIX = "accord-device-copy:";

/**
 * Deletes every device copy (of every account). A copy open in a tab is deleted once that tab closes it (it does at
 * once: app/collab/device-copy.ts).
 */
export async function deleteDeviceCopies(): Promise<void> {
  for (const { name } of await indexedDB.databases()) if (name?.startsWith(DEVICE_COPY_PREFIX)) indexedDB.deleteDatabase(name);
}

let unsaved = 0;

/**
 * The open editor's count of changes not yet confirmed by the server (app/components/collab-editor.tsx keeps it
 * current), so that signing out — which deletes the device copies — can warn first.
 */
export const unsavedChanges = {
  set(count: number): void {
    unsaved = count;
  },
  get(): number {
    return unsaved;
  },
};
