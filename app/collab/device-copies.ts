/**
 * Deletion of the device copies of documents (app/collab/device-copy.ts) and of the pages kept to reopen them offline
 * (app/collab/offline-pages.ts), together and in one place, without Yjs: the root route loads this on every page with
 * JavaScript (signing out deletes them). One account's copy of one document is the IndexedDB database `<the account's
 * prefix><document id>` (the prefix: app/collab/device-key.server.ts); its page is kept in the Cache Storage cache
 * named after the same account key.
 */
import { documentPagePath, OFFLINE_CACHE_PREFIX, OFFLINE_SCOPE, PAGE_CACHE_PREFIX, pageCacheName } from "./offline-pages";

export const DEVICE_COPY_PREFIX = "accord-device-copy:";

/** The account key in a device-copy prefix (`accord-device-copy:<key>:`). */
function accountKeyOf(prefix: string): string {
  return prefix.slice(DEVICE_COPY_PREFIX.length, -1);
}

/** Cache Storage and service workers exist only in secure contexts (https, or this machine). */
const hasCaches = () => typeof caches !== "undefined";

/**
 * Deletes every device copy (of every account), every kept page and the worker that answers with them. A copy open in
 * a tab is deleted once that tab closes it (it does at once: app/collab/device-copy.ts).
 */
export async function deleteDeviceCopies(): Promise<void> {
  for (const { name } of await indexedDB.databases()) if (name?.startsWith(DEVICE_COPY_PREFIX)) indexedDB.deleteDatabase(name);
  if (hasCaches()) await Promise.all((await caches.keys()).filter((name) => name.startsWith(OFFLINE_CACHE_PREFIX)).map((name) => caches.delete(name)));
  if ("serviceWorker" in navigator) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      if (new URL(registration.scope).pathname === OFFLINE_SCOPE) await registration.unregister();
    }
  }
}

/**
 * Deletes one account's copy of one document and its kept page: the server said access to it changed (close 4403),
 * its page answered 404, or the account only reads it.
 */
export async function deleteDeviceCopy(prefix: string, documentId: string): Promise<void> {
  indexedDB.deleteDatabase(prefix + documentId);
  const name = pageCacheName(accountKeyOf(prefix));
  // `caches.open` would create the cache: a reader must not get one.
  if (hasCaches() && (await caches.has(name))) await (await caches.open(name)).delete(documentPagePath(documentId));
}

/**
 * The kept pages are shown offline to the account signed in on this browser only: every page with JavaScript
 * deletes those of other accounts (and all when nobody is signed in). Their device copies stay (they hold changes
 * not yet saved; signing in again sends them).
 */
export async function forgetOtherAccountsPages(prefix: string | null): Promise<void> {
  if (!hasCaches()) return;
  const mine = prefix ? pageCacheName(accountKeyOf(prefix)) : null;
  const others = (await caches.keys()).filter((name) => name.startsWith(PAGE_CACHE_PREFIX) && name !== mine);
  await Promise.all(others.map((name) => caches.delete(name)));
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
