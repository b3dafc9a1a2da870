/**
 * The service worker that reopens an editor's document page offline (issue 16; the rules: app/collab/offline-pages.ts).
 * Bundled and served by server/offline-worker.ts, which puts OFFLINE_BUILD (this build's version and the files the
 * document page loads, lazy chunks included) before it, so a new build is a new worker: it installs beside the old
 * one, keeps the new files, then takes over, deletes the old build's files and fetches the kept pages anew.
 *
 * - A navigation to `/documents/:id`: the network first (a kept page never hides the server's newer one); the
 *   answer is kept when the server marked it as an editor's page (OFFLINE_PAGE_HEADER, the account's key). When the
 *   network fails (or a gateway says the server is away: 502, 503, 504), the kept page of the account signed in here
 *   (the only one whose pages exist: app/collab/device-copies.ts), if any and only until the session that loaded it
 *   ends (OFFLINE_UNTIL_HEADER, kept with the page; past it the page is deleted); otherwise the browser's own error.
 * - A GET of one of the build's files: the kept file, else the network (kept only if it is one of the list).
 * - Everything else (API, other pages, other origins, anything but GET) goes to the network untouched.
 * - A page the worker did not answer asks it to keep it (`{ type: "keep", path }`); anything else is ignored.
 *
 * Browser-only (a ServiceWorkerGlobalScope); the few types it needs are declared here (the DOM library has none).
 */
import {
  ACCOUNT_KEY,
  ASSET_CACHE_PREFIX,
  DOCUMENT_PAGE,
  isKeepMessage,
  OFFLINE_PAGE_HEADER,
  OFFLINE_UNTIL_HEADER,
  PAGE_CACHE_PREFIX,
  pageCacheName,
  withinSession,
} from "./offline-pages";

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface WorkerFetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerMessageEvent extends ExtendableEvent {
  readonly data: unknown;
}
interface WorkerScope {
  readonly location: Location;
  /**
   * This worker as its pages see it; "redundant" once a newer build's worker has begun to take its place. Not in every
   * browser (Chromium has it; MDN: "limited availability"): where it is missing, `replaced` is never true and the
   * new worker's second deletion is the only guard, as before.
   */
  readonly serviceWorker?: { readonly state: string };
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: WorkerFetchEvent) => void): void;
  addEventListener(type: "message", listener: (event: WorkerMessageEvent) => void): void;
}

/** Written before this file by server/offline-worker.ts. */
declare const OFFLINE_BUILD: { version: string; assets: string[] };

const scope = self as unknown as WorkerScope;
const ASSETS = ASSET_CACHE_PREFIX + OFFLINE_BUILD.version;
const assetPaths = new Set(OFFLINE_BUILD.assets);
/** On a kept page: the build it was kept with (its scripts are that build's). */
const BUILD_HEADER = "Accord-Offline-Build";
const GATEWAY_AWAY = new Set([502, 503, 504]);

/**
 * Whether a newer build's worker has begun to take this one's place. The browser marks the old worker redundant
 * before the new one's activate event runs, so a write this worker finishes after the new worker deleted its files
 * is followed by this check answering true: `forgetIfReplaced` then deletes what the write brought back.
 */
function replaced(): boolean {
  return scope.serviceWorker?.state === "redundant";
}

/** After a write into this build's files: if a newer build took over meanwhile, they are deleted (the write may have made them again). */
async function forgetIfReplaced(): Promise<void> {
  if (replaced()) await caches.delete(ASSETS);
}

/** Keeps the build's files that are not kept yet (all or none of them); nothing once a newer build took over. */
async function keepAssets(): Promise<void> {
  if (replaced()) return;
  const cache = await caches.open(ASSETS);
  const kept = new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
  await cache.addAll(OFFLINE_BUILD.assets.filter((path) => !kept.has(path)));
  await forgetIfReplaced();
}

/** The caches of kept pages, one per account. */
async function pageCaches(): Promise<string[]> {
  return (await caches.keys()).filter((name) => name.startsWith(PAGE_CACHE_PREFIX));
}

/**
 * Keeps a copy of the answer if the server marked it as an editor's document page, with the end of the session that
 * loaded it still ahead; otherwise nothing.
 */
async function keepPage(path: string, response: Response): Promise<void> {
  // A replaced worker's page would name its build's scripts, which the new worker deletes.
  if (replaced()) return;
  const key = response.headers.get(OFFLINE_PAGE_HEADER);
  if (response.status !== 200 || response.type !== "basic" || response.redirected || !key || !ACCOUNT_KEY.test(key)) return;
  if (!withinSession(response.headers.get(OFFLINE_UNTIL_HEADER), Date.now())) return;
  const headers = new Headers(response.headers);
  headers.set(BUILD_HEADER, OFFLINE_BUILD.version);
  // The body is kept decoded: its length and encoding as sent no longer apply.
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  const copy = new Response(await response.blob(), { status: 200, statusText: response.statusText, headers });
  const cache = await caches.open(pageCacheName(key));
  await cache.put(path, copy);
  // Replaced while writing: the new worker may have kept this page anew already; this copy must not stand for it.
  if (replaced()) await cache.delete(path);
}

/**
 * The kept page, if exactly one account's pages are kept (never guess between two) and the session that loaded it
 * has not ended; a page whose session ended is deleted instead.
 */
async function keptPage(path: string): Promise<Response | undefined> {
  const names = await pageCaches();
  if (names.length !== 1) return undefined;
  const cache = await caches.open(names[0]!);
  const kept = await cache.match(path);
  if (!kept || withinSession(kept.headers.get(OFFLINE_UNTIL_HEADER), Date.now())) return kept;
  await cache.delete(path);
  return undefined;
}

/** Deletes every kept page whose session has ended. */
async function forgetEndedPages(): Promise<void> {
  for (const name of await pageCaches()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const kept = await cache.match(request);
      if (!withinSession(kept?.headers.get(OFFLINE_UNTIL_HEADER), Date.now())) await cache.delete(request);
    }
  }
}

function documentPage(event: WorkerFetchEvent, path: string): Promise<Response> {
  return fetch(event.request).then(
    async (response) => {
      if (GATEWAY_AWAY.has(response.status)) return (await keptPage(path)) ?? response;
      event.waitUntil(keepPage(path, response.clone()).catch(() => undefined));
      return response;
    },
    async (error: unknown) => {
      const kept = await keptPage(path);
      if (kept) return kept;
      throw error;
    },
  );
}

/**
 * Never creates the cache: after a sign-out deleted it, only an editor's page brings it back (install, keep); and a
 * worker a newer build replaced, still answering the page's last requests, must not bring back the cache the new
 * worker just deleted (`caches.open` would, between a `has` and the `open`: hence `match` by name, and the write
 * only into a cache that exists when it is written).
 */
async function buildFile(request: Request, path: string, event: WorkerFetchEvent): Promise<Response> {
  const kept = await caches.match(path, { cacheName: ASSETS });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) event.waitUntil(keepIfCached(path, response.clone()).catch(() => undefined));
  return response;
}

/**
 * Puts the file in this build's cache if that cache exists (it is not created here: see `buildFile`) and no newer
 * build took over; one that took over while the file was written gets its deletion after all (`forgetIfReplaced`).
 */
async function keepIfCached(path: string, response: Response): Promise<void> {
  if (replaced() || !(await caches.has(ASSETS))) return;
  const cache = await caches.open(ASSETS);
  await cache.put(path, response);
  await forgetIfReplaced();
}

/** After an update: the kept pages of older builds are fetched anew (their scripts are gone), or deleted. */
async function refreshKeptPages(): Promise<void> {
  for (const name of await pageCaches()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const kept = await cache.match(request);
      if (kept?.headers.get(BUILD_HEADER) === OFFLINE_BUILD.version) continue;
      const path = new URL(request.url).pathname;
      const fresh = await fetch(path, { credentials: "same-origin", redirect: "manual" }).catch(() => null);
      // Still this account's editor page: kept anew; anything else (signed out, no longer an editor): forgotten.
      if (fresh && fresh.headers.get(OFFLINE_PAGE_HEADER) === name.slice(PAGE_CACHE_PREFIX.length)) await keepPage(path, fresh);
      else if (fresh) await cache.delete(request);
    }
  }
}

scope.addEventListener("install", (event) => {
  event.waitUntil(keepAssets().then(() => scope.skipWaiting()));
});

/** Deletes the files kept for other builds. */
async function forgetOtherBuilds(): Promise<void> {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(ASSET_CACHE_PREFIX) && name !== ASSETS).map((name) => caches.delete(name)));
}

scope.addEventListener("activate", (event) => {
  // Take over first: from then on the replaced worker is sent no new request. One it was still answering may keep a
  // file after the first pass (`keepIfCached` checks that its cache exists, then opens it: a deletion between the two
  // makes it again); the old worker deletes such a file itself (it is redundant by then: `forgetIfReplaced`), and
  // the old builds' files are deleted once more after the kept pages were fetched anew.
  event.waitUntil(
    scope.clients
      .claim()
      .then(forgetOtherBuilds)
      .then(() => forgetEndedPages().catch(() => undefined))
      .then(() => refreshKeptPages().catch(() => undefined))
      .then(forgetOtherBuilds),
  );
});

scope.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== scope.location.origin) return;
  if (request.mode === "navigate" && DOCUMENT_PAGE.test(url.pathname)) event.respondWith(documentPage(event, url.pathname));
  else if (assetPaths.has(url.pathname)) event.respondWith(buildFile(request, url.pathname, event));
});

scope.addEventListener("message", (event) => {
  if (!isKeepMessage(event.data)) return;
  const { path } = event.data;
  const page = fetch(path, { credentials: "same-origin", redirect: "manual" }).then((response) => keepPage(path, response));
  event.waitUntil(Promise.all([keepAssets(), page]).catch(() => undefined));
});
