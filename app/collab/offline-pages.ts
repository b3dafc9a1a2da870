/**
 * Document pages an editor can reopen while offline (issue 16): a service worker (app/collab/offline-worker.ts,
 * served by server/offline-worker.ts at OFFLINE_WORKER_PATH) answers a navigation to `/documents/:id` from the
 * network first and, when the network fails, from a copy of the page kept for this account, with the build's
 * scripts and styles (kept first-hand: their names carry their hash). Nothing else is kept: no API answer, no other
 * page, no answer to anything but a GET of this origin. The device copy (app/collab/device-copy.ts) then restores
 * the text and the changes not yet saved.
 *
 * The names below are shared by the worker, the server and the page, so each rule is written once. Which pages may
 * be kept, and for whom, is the server's to say: an editor's document page carries OFFLINE_PAGE_HEADER, the
 * account's key (the one that names its device copies, app/collab/device-key.server.ts); a page without it is never
 * kept. It also says when the session that loaded it ends (OFFLINE_UNTIL_HEADER): the worker never keeps or shows the
 * page after that, and deletes it. The kept pages are deleted with the device copies (app/collab/device-copies.ts).
 */

/** The worker's address; its scope is the document pages only. */
export const OFFLINE_WORKER_PATH = "/offline-worker.js";
export const OFFLINE_SCOPE = "/documents/";

/** On an editor's own document page: the account key its copy is kept under. */
export const OFFLINE_PAGE_HEADER = "Accord-Offline-Page";

/**
 * On the same page: when the session that loaded it ends (milliseconds since the epoch, the session's expiry as the
 * server had it). The kept page is shown no later than that, by this device's clock; a page without it is never kept.
 */
export const OFFLINE_UNTIL_HEADER = "Accord-Offline-Until";

/** The end a page was marked with: a whole number of milliseconds, else null. */
export function offlineUntil(value: string | null | undefined): number | null {
  if (typeof value !== "string" || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

/** Whether a page marked `until` (the header's value) may be kept or shown at `now`: only before its session ends. */
export function withinSession(until: string | null | undefined, now: number): boolean {
  const end = offlineUntil(until);
  return end !== null && now < end;
}

/** Every cache Accord makes starts with this. */
export const OFFLINE_CACHE_PREFIX = "accord-offline-";
/** One cache per account: its document pages. */
export const PAGE_CACHE_PREFIX = `${OFFLINE_CACHE_PREFIX}pages:`;
/** One cache per build: the scripts and styles of the document page. */
export const ASSET_CACHE_PREFIX = `${OFFLINE_CACHE_PREFIX}assets:`;

/** An account key (22 characters of base64url, app/collab/device-key.server.ts). */
export const ACCOUNT_KEY = /^[\w-]{22}$/;

/** The path of a document's page, the only pages kept (the id a UUID). */
export const DOCUMENT_PAGE = /^\/documents\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function pageCacheName(accountKey: string): string {
  return PAGE_CACHE_PREFIX + accountKey;
}

export function documentPagePath(documentId: string): string {
  return `/documents/${documentId}`;
}

/** What a page may tell the worker: keep this document page (the page was loaded before the worker took control). */
export interface KeepMessage {
  type: "keep";
  path: string;
}

export function isKeepMessage(value: unknown): value is KeepMessage {
  const v = value as Partial<KeepMessage> | null;
  return typeof v === "object" && v !== null && v.type === "keep" && typeof v.path === "string" && DOCUMENT_PAGE.test(v.path);
}

/**
 * Registers the worker from an editor's document page (never elsewhere: public pages carry no script at all). A
 * page the worker did not answer (the first visit, or the first after a sign-out) asks it to keep this page.
 */
export function keepPageOffline(path: string): void {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return;
  const controlled = navigator.serviceWorker.controller !== null;
  navigator.serviceWorker
    .register(OFFLINE_WORKER_PATH, { scope: OFFLINE_SCOPE, updateViaCache: "none" })
    .then(async () => {
      if (controlled) return;
      const { active } = await navigator.serviceWorker.ready;
      active?.postMessage({ type: "keep", path } satisfies KeepMessage);
    })
    // No worker (a browser without one, or refused): the page works as before, without the offline reload.
    .catch(() => undefined);
}
