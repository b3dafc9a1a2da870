import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { loadDocument } from "../../app/models/document-content.server";
import { documentPlainText } from "../../app/editor/document-tools.server";
import { caretAtEnd, expectNoAxeViolations, launchBrowser } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { printServerLogOnFailure, recordEditorChanges } from "../support/server-log-on-failure";
import { addMember, createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";

let server: ServerProcess;
let browser: Browser;
let documentId: string;
const people: Record<"ann" | "ben" | "vic", { email: string; name: string }> = {
  ann: { email: uniqueEmail("ann"), name: "Ann Editor" },
  ben: { email: uniqueEmail("ben"), name: "Ben Editor" },
  vic: { email: uniqueEmail("vic"), name: "Vic Viewer" },
};

async function signedInPage(who: keyof typeof people, viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  await page.goto(server.url + "/login");
  await page.getByLabel("E-mail").fill(people[who].email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/workshops/);
  return { context, page };
}

async function openDocument(page: Page): Promise<void> {
  await page.goto(`${server.url}/documents/${documentId}`);
  await page.locator("[data-testid=save-status]:not([data-state=connecting])").waitFor();
  await page.locator(".document-editor").waitFor();
}

const status = (page: Page) => page.locator("[data-testid=save-status]");

async function storedText(): Promise<string> {
  const { doc } = await loadDocument(documentId);
  return documentPlainText(doc);
}

printServerLogOnFailure(() => server, () => browser);

beforeAll(async () => {
  const url = await createE2eDatabase();
  server = await startServerProcess(url);
  const [doc] = await getSql()`select d.id, d.workshop_id from documents d where d.slug = 'guidance-safe-injecting-facilities'`;
  documentId = doc!.id;
  for (const [key, role] of [["ann", "editor"], ["ben", "editor"], ["vic", "viewer"]] as const) {
    const user = await createUser({ email: people[key].email, name: people[key].name });
    await addMember(doc!.workshop_id, user.id, role);
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

describe("co-editing in the browser", () => {
  it("two editors type in the same paragraph and each sees the other's text and named caret", async () => {
    const ann = await signedInPage("ann");
    const ben = await signedInPage("ben");
    await openDocument(ann.page);
    await openDocument(ben.page);
    await expectNoAxeViolations(ann.page);

    const annEditor = ann.page.locator(".document-editor");
    await caretAtEnd(ann.page, annEditor.locator("p").last());
    await ann.page.keyboard.type("Ann writes here.");
    await ben.page.locator(".document-editor p", { hasText: "Ann writes here." }).waitFor();

    await caretAtEnd(ben.page, ben.page.locator(".document-editor p", { hasText: "Ann writes here." }));
    await ben.page.keyboard.type(" Ben adds this.");
    await ann.page.locator(".document-editor p", { hasText: "Ann writes here. Ben adds this." }).waitFor();

    // Named carets: each sees the other's label.
    await ann.page.locator(".collaboration-carets__label", { hasText: "Ben Editor" }).waitFor();
    await ben.page.locator(".collaboration-carets__label", { hasText: "Ann Editor" }).waitFor();
    // Presence list with names from the server.
    await ann.page.getByRole("region", { name: "People here" }).getByText("Ben Editor").waitFor();

    // Formatting from the toolbar and the keyboard travels too (marks pass the server's schema check).
    await ann.page.keyboard.press("End");
    await ann.page.getByRole("button", { name: "Bold" }).click();
    await ann.page.locator(".document-editor").focus();
    await ann.page.keyboard.type(" Bold words");
    await ben.page.locator(".document-editor strong", { hasText: "Bold words" }).waitFor();

    await status(ann.page).and(ann.page.locator("[data-state=saved]")).waitFor();
    await status(ben.page).and(ben.page.locator("[data-state=saved]")).waitFor();
    await expect(status(ann.page).textContent()).resolves.toBe("All changes saved");

    // Reload keeps everything.
    await ann.page.reload();
    await ann.page.locator(".document-editor p", { hasText: "Ann writes here. Ben adds this." }).waitFor();
    await expectNoAxeViolations(ann.page);
    await ann.context.close();
    await ben.context.close();
  });

  it("saves structural edits (new paragraphs, a list, a heading and its level changed) through the whole-document check", async () => {
    const ann = await signedInPage("ann");
    const ben = await signedInPage("ben");
    await openDocument(ann.page);
    await openDocument(ben.page);
    await recordEditorChanges(ann.page);
    await recordEditorChanges(ben.page);
    await caretAtEnd(ann.page, ann.page.locator(".document-editor p").last());
    await ann.page.keyboard.press("Enter");
    await ann.page.keyboard.type("A new paragraph.");
    await ann.page.keyboard.press("Enter");
    await ann.page.keyboard.type("- first item");
    await ann.page.keyboard.press("Enter");
    await ann.page.keyboard.type("second item");
    await ann.page.keyboard.press("Enter");
    await ann.page.keyboard.press("Enter");
    await ann.page.keyboard.press("Control+Alt+2");
    await ann.page.keyboard.type("A structural heading");
    await ben.page.locator(".document-editor h2", { hasText: "A structural heading" }).waitFor();
    await ann.page.keyboard.press("Control+Alt+3");
    await ben.page.locator(".document-editor h3", { hasText: "A structural heading" }).waitFor();
    await ben.page.locator(".document-editor ul li", { hasText: "second item" }).waitFor();
    // Take the list apart again from the other side.
    await caretAtEnd(ben.page, ben.page.locator(".document-editor li p", { hasText: "second item" }));
    for (let i = 0; i < "second item".length + 1; i++) await ben.page.keyboard.press("Backspace");
    await ann.page.locator(".document-editor li", { hasText: "second item" }).waitFor({ state: "detached" });
    await status(ann.page).and(ann.page.locator("[data-state=saved]")).waitFor();
    await status(ben.page).and(ben.page.locator("[data-state=saved]")).waitFor();
    const text = await storedText();
    expect(text).toContain("A new paragraph.");
    expect(text).toContain("first item");
    expect(text).toContain("A structural heading");
    expect(text).not.toContain("second item");
    await ann.context.close();
    await ben.context.close();
  });

  it("shows All changes saved only after PostgreSQL committed the edit", async () => {
    const ann = await signedInPage("ann");
    await openDocument(ann.page);
    await status(ann.page).and(ann.page.locator("[data-state=saved]")).waitFor();
    // Hold a lock every commit of this document needs (its row in documents, which the log's foreign key locks
    // against changes): the server can queue the edit but not commit it.
    const sql = getSql();
    const reserved = await sql.reserve();
    await reserved`begin`;
    await reserved`select 1 from documents where id = ${documentId} for update`;
    try {
      await caretAtEnd(ann.page, ann.page.locator(".document-editor p").last());
      await ann.page.keyboard.type(" Held back.");
      await status(ann.page).and(ann.page.locator("[data-state=saving]")).waitFor();
      await ann.page.waitForTimeout(1000);
      await expect(status(ann.page).getAttribute("data-state")).resolves.toBe("saving");
      await expect(ann.page.getByTestId("toolbar-status").innerText()).resolves.toBe("Saving…");
      expect(await storedText()).not.toContain("Held back.");
    } finally {
      await reserved`commit`;
      reserved.release();
    }
    await status(ann.page).and(ann.page.locator("[data-state=saved]")).waitFor();
    expect(await storedText()).toContain("Held back.");
    await ann.context.close();
  });

  it("on a phone, keeps the toolbar and a short save status in view while writing at the end of the document", async () => {
    const phone = { width: 390, height: 700 };
    const ann = await signedInPage("ann", phone);
    await openDocument(ann.page);
    await caretAtEnd(ann.page, ann.page.locator(".document-editor p").last());
    await ann.page.keyboard.type(" Written on a phone.");
    await status(ann.page).and(ann.page.locator("[data-state=saved]")).waitFor();
    const toolbarStatus = ann.page.getByTestId("toolbar-status");
    await expect(toolbarStatus.innerText()).resolves.toBe("Saved");
    const statusLine = await status(ann.page).boundingBox();
    const shown = await toolbarStatus.boundingBox();
    const toolbar = await ann.page.getByRole("toolbar", { name: "Formatting" }).boundingBox();
    expect(statusLine!.y + statusLine!.height, "the status line above the editor has scrolled out of view").toBeLessThan(0);
    for (const box of [shown!, toolbar!]) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(phone.width);
      expect(box.y + box.height).toBeLessThanOrEqual(phone.height);
    }
    const sideways = await ann.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(sideways, "the page does not scroll sideways").toBeLessThanOrEqual(0);
    await expectNoAxeViolations(ann.page);
    await ann.context.close();
  });

  it("a viewer reads along live but cannot type, with nothing in the console", async () => {
    const vic = await signedInPage("vic");
    const ann = await signedInPage("ann");
    const consoleLines: string[] = [];
    vic.page.on("console", (m) => {
      if (m.type() === "warning" || m.type() === "error") consoleLines.push(`${m.type()}: ${m.text()}`);
    });
    await openDocument(vic.page);
    await openDocument(ann.page);
    await expect(status(vic.page).getAttribute("data-state")).resolves.toBe("readonly");
    await expect(vic.page.getByRole("toolbar", { name: "Formatting" }).count()).resolves.toBe(0);
    const before = await vic.page.locator(".document-editor").textContent();
    await vic.page.locator(".document-editor p").last().click();
    await vic.page.keyboard.type("viewer typing");
    await expect(vic.page.locator(".document-editor").textContent()).resolves.toBe(before);
    await caretAtEnd(ann.page, ann.page.locator(".document-editor p").last());
    await ann.page.keyboard.type(" Live for viewers.");
    await vic.page.locator(".document-editor", { hasText: "Live for viewers." }).waitFor();
    await expectNoAxeViolations(vic.page);
    expect(consoleLines.filter((l) => /permission/i.test(l))).toEqual([]);
    await vic.context.close();
    await ann.context.close();
  });

  it("without JavaScript shows the text and says live editing needs JavaScript, never “Connecting…”", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(server.url + "/login");
    await page.getByLabel("E-mail").fill(people.ann.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/workshops/);
    await page.goto(`${server.url}/documents/${documentId}`);
    // (Playwright's text engine skips <noscript>; a CSS selector reaches what the browser shows.)
    const note = page.locator("noscript p.alert");
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toContain("Live editing needs JavaScript, which is off in this browser.");
    expect(await page.locator("article.document").textContent()).toContain("Safe injecting facilities");
    expect(await page.locator("main").textContent()).not.toContain("Connecting…");
    expect(await page.locator("[data-testid=save-status]").count()).toBe(0);
    await context.close();
  });
});
