/**
 * Who wrote what, in Chromium: a writer types a sentence, turns the view on, and sees the text coloured by author
 * with a legend naming them, their own words marked as theirs and the paragraph's authors listed; the shared document
 * does not change by looking, and axe finds no WCAG violation with the view on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { caretAtEnd, editorSelectionRead, launchBrowser, wcagViolations } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { addMember, createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";

let server: ServerProcess;
let browser: Browser;
let documentId: string;
const writer = { email: uniqueEmail("author"), name: "Wren Writer" };
const reader = { email: uniqueEmail("reader"), name: "Rhea Reader" };
const SENTENCE = "Officers refer people to services.";

const logRows = async () => {
  const [row] = await getSql()<{ n: number }[]>`select count(*)::int as n from document_updates where document_id = ${documentId}`;
  return row!.n;
};

beforeAll(async () => {
  const url = await createE2eDatabase();
  server = await startServerProcess(url);
  const [doc] = await getSql()`select d.id, d.workshop_id from documents d where d.slug = 'guidance-safe-injecting-facilities'`;
  documentId = doc!.id;
  const user = await createUser({ email: writer.email, name: writer.name });
  await addMember(doc!.workshop_id, user.id, "editor");
  const viewer = await createUser({ email: reader.email, name: reader.name });
  await addMember(doc!.workshop_id, viewer.id, "viewer");
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

async function openDocument(email: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(server.url + "/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/workshops/);
  await page.goto(`${server.url}/documents/${documentId}`);
  await page.locator("[data-testid=save-status]:not([data-state=connecting])").waitFor();
  await page.locator(".document-editor").waitFor();
  return { context, page };
}

describe("the authorship view", () => {
  it("colours the text by author with a legend, lists the paragraph's authors, and changes nothing in the document", async () => {
    const { context, page } = await openDocument(writer.email);

    await caretAtEnd(page, page.locator(".document-editor p").last());
    await page.keyboard.press("Enter");
    await page.keyboard.type(SENTENCE);
    await page.locator("[data-testid=save-status][data-state=saved]").waitFor();
    const rowsBefore = await logRows();

    const toggle = page.getByRole("button", { name: "Who wrote what" });
    await expect(toggle.getAttribute("aria-pressed")).resolves.toBe("false");
    await toggle.click();
    await expect(toggle.getAttribute("aria-pressed")).resolves.toBe("true");
    const legend = page.getByRole("list", { name: /Legend/ });
    await legend.waitFor();
    const names = await legend.locator("li").allTextContents();
    expect(names.some((n) => n.includes("Wren Writer"))).toBe(true);
    expect(names.some((n) => n.includes("Imported or removed account")), "the seeded text").toBe(true);

    // The writer's sentence is marked as theirs, and names them on hover.
    const mine = page.locator(".document-editor .authorship-mark", { hasText: "Officers refer" });
    await mine.first().waitFor();
    await expect(mine.first().getAttribute("title")).resolves.toMatch(/^Wren Writer, /);
    await page.locator(".document-editor p", { hasText: SENTENCE }).click();
    await editorSelectionRead(page);
    await expect(page.getByTestId("paragraph-authors").textContent()).resolves.toContain("Wren Writer");

    // From the caret's paragraph, Shift+Tab reaches "Say who wrote this paragraph", which announces its authors.
    await page.keyboard.press("Shift+Tab");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Say who wrote this paragraph");
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.getByTestId("authorship-announcement").textContent())
      .toMatch(/^Paragraph \d+ of \d+, “Officers refer people to services\.”: written by Wren Writer, /);

    expect(await wcagViolations(page)).toEqual([]);

    // Off again: the colours go, and looking wrote nothing to the shared document.
    await toggle.click();
    await expect(page.locator(".document-editor .authorship-mark").count()).resolves.toBe(0);
    expect(await logRows()).toBe(rowsBefore);
    await context.close();
  });

  it("shows a reader, who has no caret, who wrote the paragraph they click", async () => {
    const { context, page } = await openDocument(reader.email);
    await page.getByRole("button", { name: "Who wrote what" }).click();
    await page.getByRole("list", { name: /Legend/ }).waitFor();
    await page.locator(".document-editor p", { hasText: SENTENCE }).click();
    await editorSelectionRead(page);
    await expect(page.getByTestId("paragraph-authors").textContent()).resolves.toContain("Wren Writer");
    await context.close();
  });

  it("lets a keyboard user step through the paragraphs and hear who wrote each, focus staying on the button", async () => {
    const { context, page } = await openDocument(reader.email);
    const toggle = page.getByRole("button", { name: "Who wrote what" });
    await toggle.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("list", { name: /Legend/ }).waitFor();
    const announcement = page.getByTestId("authorship-announcement");
    await expect(announcement.getAttribute("aria-live")).resolves.toBe("polite");
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");

    // Tab reaches the picker; "Next paragraph" goes through the text until the writer's sentence, the last paragraph.
    await page.keyboard.press("Tab");
    await expect(focused()).resolves.toBe("Previous paragraph");
    await page.keyboard.press("Tab");
    await expect(focused()).resolves.toBe("Next paragraph");
    const said: string[] = [];
    while (!said.at(-1)?.includes("Officers") && said.length < 30) {
      const before = said.at(-1) ?? "";
      await page.keyboard.press("Enter");
      await expect.poll(() => announcement.textContent()).not.toBe(before);
      said.push((await announcement.textContent()) ?? "");
    }
    const last = said.at(-1)!;
    expect(last).toMatch(/^Paragraph (\d+) of \1, “Officers refer people to services\.”: written by Wren Writer, /);
    await expect(page.locator(".document-editor .authorship-picked").textContent()).resolves.toBe(SENTENCE);
    await expect(page.getByTestId("paragraph-authors").textContent()).resolves.toContain("Wren Writer");
    await expect(focused()).resolves.toBe("Next paragraph");

    const count = Number(/^Paragraph (\d+)/.exec(last)![1]);

    // Past the end it wraps to the first; back again with "Previous paragraph", then the paragraph before it.
    await page.keyboard.press("Enter");
    await expect.poll(() => announcement.textContent()).toMatch(/^Paragraph 1 of \d+, “.+”: written by Imported or removed account, /);
    await page.keyboard.press("Shift+Tab");
    await expect(focused()).resolves.toBe("Previous paragraph");
    await page.keyboard.press("Enter");
    await expect.poll(() => announcement.textContent()).toBe(last);
    await page.keyboard.press("Enter");
    await expect.poll(() => announcement.textContent()).toMatch(new RegExp(`^Paragraph ${count - 1} of ${count}, `));
    await expect(page.locator(".document-editor .authorship-picked").textContent()).resolves.not.toBe(SENTENCE);

    expect(await wcagViolations(page)).toEqual([]);
    await context.close();
  });
});
