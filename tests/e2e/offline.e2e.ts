/**
 * Offline tabs (issue 16): an editor who loses the network keeps typing; the changes are kept on the device
 * (IndexedDB), survive closing the tab while offline, are merged with what others wrote meanwhile and committed once when
 * the tab is back; signing out deletes the device copy. And while PostgreSQL is cut off (tests/support/pg-cut-proxy.ts,
 * between the server and PostgreSQL), the tab says so in words and loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { loadDocument } from "../../app/models/document-content.server";
import { documentPlainText } from "../../app/editor/document-tools.server";
import { caretAtEnd, launchBrowser, pageErrors } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { addMember, createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";
import { startCutProxy, type CutProxy } from "../support/pg-cut-proxy";

let server: ServerProcess;
let proxy: CutProxy;
let browser: Browser;
let documentId: string;
const people = {
  ann: { email: uniqueEmail("offline-ann"), name: "Ann Offline" },
  ben: { email: uniqueEmail("offline-ben"), name: "Ben Online" },
};

async function signedInPage(who: keyof typeof people): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + "/login");
  await page.getByLabel("E-mail").fill(people[who].email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/workshops/);
  return { context, page };
}

const status = (page: Page) => page.getByTestId("save-status");

async function openDocument(page: Page): Promise<void> {
  await page.goto(`${server.url}/documents/${documentId}`);
  await page.locator(".document-editor").waitFor();
}

async function typeAtEnd(page: Page, text: string): Promise<void> {
  await caretAtEnd(page, page.locator(".document-editor p").last());
  await page.keyboard.type(text);
}

async function storedText(): Promise<string> {
  return documentPlainText((await loadDocument(documentId)).doc);
}

const deviceCopies = (page: Page) =>
  page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? "").filter((n) => n.startsWith("accord-device-copy:")));

const occurrences = (text: string, part: string) => text.split(part).length - 1;

beforeAll(async () => {
  proxy = await startCutProxy(await createE2eDatabase());
  server = await startServerProcess(proxy.url);
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
  await proxy?.close();
  await closeDatabase();
});

describe("an editor's tab that goes offline", () => {
  it("keeps typing, keeps the changes on the device across a reload, and commits them once when back", async () => {
    const ann = await signedInPage("ann");
    const ben = await signedInPage("ben");
    await openDocument(ann.page);
    await openDocument(ben.page);
    await ann.page.locator("[data-testid=save-status][data-state=saved]").waitFor();

    // The live socket can be refused while the page itself loads (as when the collaboration server is unreachable).
    let socketsRefused = false;
    await ann.context.routeWebSocket(/\/collab\//, (ws) => (socketsRefused ? ws.close() : ws.connectToServer()));

    // The browser says the network is gone (an open socket would take up to 30 s to notice): the tab says Offline.
    // New sockets are refused from here until the end of the outage, whatever the emulation lets through.
    socketsRefused = true;
    await ann.context.setOffline(true);
    await ann.page.locator("[data-testid=save-status][data-state=offline]").waitFor();
    await typeAtEnd(ann.page, " Typed while offline.");
    await expect.poll(() => status(ann.page).textContent()).toMatch(/^Offline — \d+ changes kept on this device$/);
    const kept = (await status(ann.page).textContent())!;

    // Meanwhile Ben, online, writes elsewhere: Ann's copy on the device is now older than the server's state.
    await typeAtEnd(ben.page, " Ben wrote meanwhile.");
    await ben.page.locator("[data-testid=save-status][data-state=saved]").waitFor();
    await expect.poll(storedText).toContain("Ben wrote meanwhile.");

    // The tab is closed, its memory gone (a reload while offline, answered by the service worker's kept page:
    // tests/e2e/offline-reload.e2e.ts).
    await ann.page.close();

    // A new tab loads the page, the live socket not yet: the text comes from the device, with the same count.
    await ann.context.setOffline(false);
    ann.page = await ann.context.newPage();
    await openDocument(ann.page);
    await ann.page.locator(".document-editor", { hasText: "Typed while offline." }).waitFor();
    await expect.poll(() => status(ann.page).textContent()).toBe(kept);
    expect(await storedText()).not.toContain("Typed while offline.");

    // Back for good: merged with Ben's text, committed once, shown saved, and seen by Ben.
    socketsRefused = false;
    await ann.page.locator("[data-testid=save-status][data-state=saved]").waitFor({ timeout: 15_000 });
    await ben.page.locator(".document-editor", { hasText: "Typed while offline." }).waitFor();
    await ann.page.locator(".document-editor", { hasText: "Ben wrote meanwhile." }).waitFor();
    const stored = await storedText();
    expect(occurrences(stored, "Typed while offline.")).toBe(1);
    expect(occurrences(stored, "Ben wrote meanwhile.")).toBe(1);
    await expect.poll(() => status(ann.page).textContent()).toBe("All changes saved");

    // Signing out deletes what this device kept.
    expect(await deviceCopies(ann.page)).toHaveLength(1);
    await ann.page.getByRole("button", { name: "Sign out" }).click();
    await ann.page.waitForURL(`${server.url}/`);
    await expect.poll(() => deviceCopies(ann.page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it("while PostgreSQL is cut off, says Saving… and then in words that nothing is saved yet, and stores it all once when back", async () => {
    const ann = await signedInPage("ann");
    await openDocument(ann.page);
    await ann.page.locator("[data-testid=save-status][data-state=saved]").waitFor();
    // Every wording the status line shows from here on, in order (some last only a moment on a busy machine).
    await ann.page.evaluate(() => {
      const seen: string[] = [];
      const line = document.querySelector("[data-testid=save-status]")!;
      Object.assign(window, { statusTexts: seen });
      new MutationObserver(() => seen.push(line.textContent ?? "")).observe(line, { childList: true, characterData: true, subtree: true });
    });
    const shown = () => ann.page.evaluate(() => (window as unknown as { statusTexts: string[] }).statusTexts);
    proxy.cut();
    try {
      await typeAtEnd(ann.page, " Typed during the cut.");
      const words = /^(Not saved yet — will retry|Offline — \d+ changes? kept on this device)$/;
      await expect.poll(async () => (await shown()).some((t) => words.test(t)), { timeout: 15_000 }).toBe(true);
      const seen = await shown();
      expect(seen.indexOf("Saving…")).toBeGreaterThanOrEqual(0);
      expect(seen.indexOf("Saving…")).toBeLessThan(seen.findIndex((t) => words.test(t)));
      await new Promise((r) => setTimeout(r, 1000));
      expect(await shown()).not.toContain("All changes saved");
    } finally {
      proxy.restore();
    }
    // As long as tests/integration/postgres-outage.test.ts allows: the server reconnects to PostgreSQL by itself.
    await ann.page.locator("[data-testid=save-status][data-state=saved]").waitFor({ timeout: 60_000 });
    expect(occurrences(await storedText(), "Typed during the cut.")).toBe(1);
    await ann.context.close();
  }, 90_000);

  it("does not sign out while offline, and asks first when the open document has changes not saved yet, keeping them on the device until agreed", async () => {
    const ann = await signedInPage("ann");
    await openDocument(ann.page);
    await ann.page.locator("[data-testid=save-status][data-state=saved]").waitFor();
    const dialogs: string[] = [];
    // Every question is answered "Cancel" (an alert has only OK, which dismissing presses).
    ann.page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });

    // Offline: signing out could not reach the server; the device copy is all that holds the changes.
    await ann.context.setOffline(true);
    await ann.page.locator("[data-testid=save-status][data-state=offline]").waitFor();
    await typeAtEnd(ann.page, " Kept through a sign-out attempt.");
    await ann.page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toMatch(/^You are offline\. Sign out once you are back online/);
    expect(ann.page.url()).toBe(`${server.url}/documents/${documentId}`);
    expect(await deviceCopies(ann.page)).toHaveLength(1);
    await ann.context.setOffline(false);
    await ann.page.locator("[data-testid=save-status][data-state=saved]").waitFor({ timeout: 15_000 });

    // Online, but PostgreSQL cut off: the changes are not confirmed; signing out asks, and "Cancel" keeps everything.
    proxy.cut();
    try {
      await typeAtEnd(ann.page, " Not yet confirmed.");
      await ann.page.locator("[data-testid=save-status]:not([data-state=saved])").waitFor();
      await ann.page.getByRole("button", { name: "Sign out" }).click();
      await expect.poll(() => dialogs.length).toBe(2);
      expect(dialogs[1]).toMatch(/^(One change|\d+ changes) to this document (is|are) not saved yet\. Signing out now deletes (it|them) from this device\. Sign out anyway\?$/);
      expect(ann.page.url()).toBe(`${server.url}/documents/${documentId}`);
      expect(await deviceCopies(ann.page)).toHaveLength(1);
    } finally {
      proxy.restore();
    }
    await ann.page.locator("[data-testid=save-status][data-state=saved]").waitFor({ timeout: 60_000 });
    expect(occurrences(await storedText(), "Not yet confirmed.")).toBe(1);
    expect(occurrences(await storedText(), "Kept through a sign-out attempt.")).toBe(1);

    // Everything saved: signing out asks nothing and deletes the copy.
    await ann.page.getByRole("button", { name: "Sign out" }).click();
    await ann.page.waitForURL(`${server.url}/`);
    expect(dialogs).toHaveLength(2);
    await expect.poll(() => deviceCopies(ann.page)).toEqual([]);
    await ann.context.close();
  }, 120_000);
});
