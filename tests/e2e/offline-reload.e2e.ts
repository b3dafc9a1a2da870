/**
 * Offline tabs (issue 16), the reload: an editor's document page reopens while offline — a reload, or a browser
 * restarted — from the copy the service worker kept (app/collab/offline-worker.ts), shows the text and the changes
 * kept on the device, goes on taking changes, and commits them all once when the server is back; signing out deletes
 * the kept pages.
 *
 * How "offline" is made: Playwright's `context.setOffline(true)` emulates it for the pages (`navigator.onLine` is
 * false, their own requests fail) but not for the service worker's fetches in Chromium
 * (microsoft/playwright#2311), so alone it would let the worker reach the server and never use its copy. The server
 * is therefore stopped as well (the database stays), then started again on the same port: every request fails as on
 * a real lost network, the worker's included, and the page still learns it is offline from the browser.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { loadDocument } from "../../app/models/document-content.server";
import { documentPlainText } from "../../app/editor/document-tools.server";
import { caretAtEnd, launchBrowser, pageErrors } from "../support/browser";
import { chromiumPath } from "../support/check-chromium";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { addMember, createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";

let databaseUrl: string;
let server: ServerProcess;
let port: string;
let browser: Browser;
let documentId: string;
const people = {
  ann: { email: uniqueEmail("reload-ann"), name: "Ann Reload" },
  ben: { email: uniqueEmail("reload-ben"), name: "Ben Elsewhere" },
};

let serverUp = false;

/** The server goes away (the database stays): every request fails, the service worker's too. */
async function stopServer(): Promise<void> {
  serverUp = false;
  await server.kill();
}

/** The server comes back on the same address. */
async function startServer(): Promise<void> {
  server = await startServerProcess(databaseUrl, { PORT: port });
  serverUp = true;
}

async function signIn(context: BrowserContext, who: keyof typeof people): Promise<Page> {
  const page = await context.newPage();
  await page.goto(server.url + "/login");
  await page.getByLabel("E-mail").fill(people[who].email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/workshops/);
  return page;
}

const documentUrl = () => `${server.url}/documents/${documentId}`;
const status = (page: Page) => page.getByTestId("save-status");
const saved = (page: Page) => page.locator("[data-testid=save-status][data-state=saved]").waitFor({ timeout: 20_000 });

async function typeAtEnd(page: Page, text: string): Promise<void> {
  await caretAtEnd(page, page.locator(".document-editor p").last());
  await page.keyboard.type(text);
}

async function storedText(): Promise<string> {
  return documentPlainText((await loadDocument(documentId)).doc);
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** Whether this page is kept, with every file the worker lists, for the account signed in. */
function keptForOffline(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const names = await caches.keys();
    const pages = names.filter((n) => n.startsWith("accord-offline-pages:"));
    const assets = names.filter((n) => n.startsWith("accord-offline-assets:"));
    if (pages.length !== 1 || assets.length !== 1) return false;
    const kept = await (await caches.open(pages[0]!)).match(location.pathname);
    const files = await (await caches.open(assets[0]!)).keys();
    return kept !== undefined && files.length > 10 && navigator.serviceWorker.controller !== null;
  });
}

/** Opens the document online and waits until the worker kept it (the first visit asks it to). */
async function openAndKeep(page: Page): Promise<void> {
  await page.goto(documentUrl());
  await saved(page);
  await expect.poll(() => keptForOffline(page), { timeout: 20_000 }).toBe(true);
}

const offlineWords = /^Offline — (\d+) changes? kept on this device$/;
async function keptCount(page: Page): Promise<number> {
  await expect.poll(() => status(page).textContent()).toMatch(offlineWords);
  return Number(offlineWords.exec((await status(page).textContent())!)![1]);
}

/** How many changes the device copy in IndexedDB holds for the document (what a reload will find), or 0. */
function changesInDeviceCopy(page: Page): Promise<number> {
  return page.evaluate(async (id) => {
    const names = (await indexedDB.databases()).map((d) => d.name ?? "").filter((n) => n.endsWith(id));
    let changes = 0;
    for (const name of names) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      if (db.objectStoreNames.contains("custom")) {
        const value = await new Promise<unknown>((resolve, reject) => {
          const get = db.transaction("custom").objectStore("custom").get("pending");
          get.onsuccess = () => resolve(get.result);
          get.onerror = () => reject(get.error);
        });
        changes = Math.max(changes, (value as { changes?: number } | undefined)?.changes ?? 0);
      }
      db.close();
    }
    return changes;
  }, documentId);
}

/** The changes the page counts as kept, once the device copy has written all of them (its writes are coalesced). */
async function keptOnDevice(page: Page): Promise<number> {
  const count = await keptCount(page);
  await expect.poll(() => changesInDeviceCopy(page), { timeout: 10_000 }).toBe(count);
  return keptCount(page);
}

/**
 * Makes the device copy's writes complete late, as on a slow disk: while `window.__holdDeviceWrites` is true, a put
 * into y-indexeddb's `custom` store (the changes not yet saved) keeps its transaction open (a chain of reads on the
 * same store), so the transaction completes — and the write counts as done — only once the test lets it go. A reload
 * meanwhile would abort it, as a real one would abort a write still in flight. While `window.__failDeviceWrites` is
 * true, such a put fails instead (its transaction is aborted, as on a full disk).
 */
const HOLD_DEVICE_WRITES = `(() => {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    const request = put.apply(this, args);
    if (window.__failDeviceWrites && this.name === "custom") this.transaction.abort();
    else if (window.__holdDeviceWrites && this.name === "custom") {
      const store = this;
      const spin = () => { if (window.__holdDeviceWrites) store.count().onsuccess = spin; };
      spin();
    }
    return request;
  };
})();`;

/** Whether leaving the page now would ask first (a `beforeunload` listener cancels the event). */
function leaveWarningArmed(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const event = new Event("beforeunload", { cancelable: true });
    window.dispatchEvent(event);
    return event.defaultPrevented;
  });
}

const savingWords = /^Offline — saving (\d+) changes? on this device…$/;

beforeAll(async () => {
  databaseUrl = await createE2eDatabase();
  server = await startServerProcess(databaseUrl);
  serverUp = true;
  port = new URL(server.url).port;
  const [doc] = await getSql()`select d.id, d.workshop_id from documents d where d.slug = 'guidance-safe-injecting-facilities'`;
  documentId = doc!.id;
  for (const who of ["ann", "ben"] as const) {
    const user = await createUser({ email: people[who].email, name: people[who].name });
    await addMember(doc!.workshop_id, user.id, "editor");
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

// A test that failed with the server stopped must not leave the next ones without it.
afterEach(async () => {
  if (!serverUp) await startServer();
});

describe("an editor's document page while offline", () => {
  it("reloads from the kept copy with the changes kept on the device, takes more, and commits them all once when back", async () => {
    const ann = await browser.newContext();
    const page = await signIn(ann, "ann");
    await openAndKeep(page);

    await ann.setOffline(true);
    await stopServer();
    await page.locator("[data-testid=save-status][data-state=offline]").waitFor();
    await typeAtEnd(page, " Typed before the reload.");
    // A reload right after the last keystroke could come before IndexedDB stored it: wait until the copy holds all.
    const before = await keptOnDevice(page);

    // The reload is answered by the worker: the page, its scripts, and the text from the device copy.
    await page.reload();
    await page.locator(".document-editor", { hasText: "Typed before the reload." }).waitFor({ timeout: 20_000 });
    expect(await keptCount(page)).toBe(before);
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
    await typeAtEnd(page, " Typed after the reload.");
    await expect.poll(() => keptCount(page)).toBeGreaterThan(before);
    expect(await storedText()).not.toContain("Typed before the reload.");

    // Back: everything committed once, and a second browser sees it.
    await startServer();
    await ann.setOffline(false);
    await saved(page);
    await expect.poll(() => status(page).textContent()).toBe("All changes saved");
    const stored = await storedText();
    expect(occurrences(stored, "Typed before the reload.")).toBe(1);
    expect(occurrences(stored, "Typed after the reload.")).toBe(1);
    const ben = await browser.newContext();
    const benPage = await signIn(ben, "ben");
    await benPage.goto(documentUrl());
    await benPage.locator(".document-editor", { hasText: "Typed before the reload. Typed after the reload." }).waitFor();
    expect(pageErrors).toEqual([]);
    await ben.close();
    await ann.close();
  }, 120_000);

  it("says changes are kept on this device only once IndexedDB has written them (a failed write tried again), and warns before leaving until then", async () => {
    const ann = await browser.newContext();
    await ann.addInitScript(HOLD_DEVICE_WRITES);
    const page = await signIn(ann, "ann");
    await openAndKeep(page);
    await ann.setOffline(true);
    await stopServer();
    await page.locator("[data-testid=save-status][data-state=offline]").waitFor();
    await typeAtEnd(page, " Kept at once.");
    const before = await keptOnDevice(page);
    expect(await leaveWarningArmed(page)).toBe(false);

    // The device is slow to write: the new changes are counted, but not said to be kept, and leaving warns.
    await page.evaluate(() => ((window as unknown as { __holdDeviceWrites: boolean }).__holdDeviceWrites = true));
    await typeAtEnd(page, " Written late.");
    await expect.poll(() => status(page).textContent()).toMatch(savingWords);
    const counted = Number(savingWords.exec((await status(page).textContent())!)![1]);
    expect(counted).toBeGreaterThan(before);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await expect(status(page).textContent()).resolves.toMatch(savingWords);
    expect(await leaveWarningArmed(page)).toBe(true);
    // A real attempt to leave asks first (stay on the page).
    const asked = page.waitForEvent("dialog", { timeout: 10_000 });
    await page.close({ runBeforeUnload: true });
    const dialog = await asked;
    expect(dialog.type()).toBe("beforeunload");
    await dialog.dismiss();

    // The write completes: now they are kept, leaving no longer warns, and a reload finds them all.
    await page.evaluate(() => ((window as unknown as { __holdDeviceWrites: boolean }).__holdDeviceWrites = false));
    await expect.poll(() => status(page).textContent()).toBe(`Offline — ${counted} changes kept on this device`);
    expect(await leaveWarningArmed(page)).toBe(false);
    expect(await changesInDeviceCopy(page)).toBe(counted);

    // A write that fails (a full disk) is not kept either, and is tried again without another keystroke.
    await page.evaluate(() => ((window as unknown as { __failDeviceWrites: boolean }).__failDeviceWrites = true));
    await typeAtEnd(page, " Failed once.");
    await expect.poll(() => status(page).textContent()).toMatch(savingWords);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await expect(status(page).textContent()).resolves.toMatch(savingWords);
    expect(await leaveWarningArmed(page)).toBe(true);
    const retried = Number(savingWords.exec((await status(page).textContent())!)![1]);
    await page.evaluate(() => ((window as unknown as { __failDeviceWrites: boolean }).__failDeviceWrites = false));
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe(`Offline — ${retried} changes kept on this device`);
    expect(await leaveWarningArmed(page)).toBe(false);
    expect(await changesInDeviceCopy(page)).toBe(retried);

    await page.reload();
    await page.locator(".document-editor", { hasText: "Kept at once. Written late. Failed once." }).waitFor({ timeout: 20_000 });
    expect(await keptCount(page)).toBe(retried);

    await startServer();
    await ann.setOffline(false);
    await saved(page);
    expect(occurrences(await storedText(), "Kept at once. Written late. Failed once.")).toBe(1);
    await ann.close();
  }, 120_000);

  it("is neither shown nor reopened once the session that kept it has ended, and its unsent changes are sent after signing in again", async () => {
    const ann = await browser.newContext();
    const page = await signIn(ann, "ann");
    // Ann's session reaches its absolute lifetime in 20 s: the page kept from now on says so.
    const ends = new Date(Date.now() + 20_000);
    await getSql()`update sessions set expires_at = ${ends}, absolute_expires_at = ${ends} where user_id = (select id from users where email = ${people.ann.email})`;
    await openAndKeep(page);
    const mark = await page.evaluate(async (path) => {
      const name = (await caches.keys()).find((n) => n.startsWith("accord-offline-pages:"))!;
      return (await (await caches.open(name)).match(path))?.headers.get("Accord-Offline-Until");
    }, new URL(documentUrl()).pathname);
    expect(mark).toBe(String(ends.getTime()));

    await ann.setOffline(true);
    await stopServer();
    await page.locator("[data-testid=save-status][data-state=offline]").waitFor();
    await typeAtEnd(page, " Typed as the session ended.");
    const kept = await keptOnDevice(page);
    expect(await page.evaluate(() => document.body.innerText)).toContain("Typed as the session ended.");

    // The session ends: the open tab stops showing the text (the device copy's included) and says why.
    await page.getByRole("alert").filter({ hasText: "Your session has ended" }).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.body.innerText)).not.toContain("Typed as the session ended.");
    expect(await page.locator(".document").filter({ visible: true }).count()).toBe(0);
    // Nor does the worker reopen it: the browser's own error, and the kept page is deleted.
    const other = await ann.newPage();
    await expect(other.goto(documentUrl())).rejects.toThrow(/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|ERR_FAILED/);
    await expect
      .poll(() => page.evaluate(async (path) => {
        const names = (await caches.keys()).filter((n) => n.startsWith("accord-offline-pages:"));
        for (const name of names) if (await (await caches.open(name)).match(path)) return true;
        return false;
      }, new URL(documentUrl()).pathname))
      .toBe(false);
    // The unsent changes stay on the device (the tab is closed: only the device copy holds them now).
    expect(await changesInDeviceCopy(page)).toBe(kept);
    await page.close();
    await other.close();

    // Back online and signed in again: the changes kept on the device are sent, once.
    await startServer();
    await ann.setOffline(false);
    const again = await signIn(ann, "ann");
    await again.goto(documentUrl());
    await saved(again);
    await expect.poll(storedText, { timeout: 20_000 }).toContain("Typed as the session ended.");
    expect(occurrences(await storedText(), "Typed as the session ended.")).toBe(1);
    await ann.close();
  }, 120_000);

  it("reopens after the browser is restarted offline, and commits once when back", async () => {
    const userDataDir = await mkdtemp(path.join(tmpdir(), "accord-offline-profile-"));
    const launch = (offline: boolean) =>
      chromium.launchPersistentContext(userDataDir, {
        executablePath: chromiumPath()!,
        headless: true,
        offline,
        args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
      });
    try {
      let context = await launch(false);
      const page = await signIn(context, "ann");
      await openAndKeep(page);
      await context.setOffline(true);
      await stopServer();
      await page.locator("[data-testid=save-status][data-state=offline]").waitFor();
      await typeAtEnd(page, " Typed before the restart.");
      const before = await keptOnDevice(page);
      await context.close();

      // The browser starts again, still offline: the page comes from the worker, the text from the device.
      context = await launch(true);
      const reopened = await context.newPage();
      await reopened.goto(documentUrl());
      await reopened.locator(".document-editor", { hasText: "Typed before the restart." }).waitFor({ timeout: 20_000 });
      expect(await keptCount(reopened)).toBe(before);

      await startServer();
      await context.setOffline(false);
      await saved(reopened);
      expect(occurrences(await storedText(), "Typed before the restart.")).toBe(1);
      await context.close();
    } finally {
      await rm(userDataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it("is never shown to another account signed in on the same browser", async () => {
    const shared = await browser.newContext();
    const annPage = await signIn(shared, "ann");
    await openAndKeep(annPage);
    // Ann's session ends without signing out (as when it expires); Ben signs in on the same browser.
    await shared.clearCookies();
    const benPage = await signIn(shared, "ben");
    await expect.poll(() => benPage.evaluate(async () => (await caches.keys()).filter((n) => n.startsWith("accord-offline-pages:")))).toEqual([]);

    // Offline, Ben cannot reopen the page Ann kept: the browser's own error, not Ann's page.
    await shared.setOffline(true);
    await stopServer();
    try {
      await expect(benPage.goto(documentUrl())).rejects.toThrow(/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|ERR_FAILED/);
    } finally {
      await startServer();
      await shared.setOffline(false);
    }
    await shared.close();
  }, 60_000);

  it("is forgotten when the editor signs out: no cache, no worker left", async () => {
    const ann = await browser.newContext();
    const page = await signIn(ann, "ann");
    await openAndKeep(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${server.url}/`);
    await expect.poll(() => page.evaluate(() => caches.keys())).toEqual([]);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);

    // Offline, the page is no longer there: the browser's own error.
    await ann.setOffline(true);
    await stopServer();
    try {
      await expect(page.goto(documentUrl())).rejects.toThrow(/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|ERR_FAILED/);
    } finally {
      await startServer();
      await ann.setOffline(false);
    }
    await ann.close();
  }, 60_000);
});
