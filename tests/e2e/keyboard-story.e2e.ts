/**
 * The whole story by keyboard alone — sign in, edit, save a version, publish, endorse, withdraw — with no mouse
 * click anywhere: only Tab, Shift+Tab, Enter, Space and typing. At every stop the focused element shows a visible
 * focus indicator, and after each action focus is somewhere sensible (never lost on the page body).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { editorSelectionRead, expectNoAxeViolations, launchBrowser } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { addMember, createUser, TEST_PASSWORD } from "../support/factories";

const SLUG = "call-for-harm-reduction-policing";
let server: ServerProcess;
let browser: Browser;
let documentId: string;

beforeAll(async () => {
  const url = await createE2eDatabase();
  server = await startServerProcess(url);
  const [doc] = await getSql()`select id, workshop_id from documents where slug = ${SLUG}`;
  documentId = doc!.id;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

interface Focused {
  tag: string;
  name: string;
  inMain: boolean;
  visibleFocus: boolean;
}

/** What has focus: its tag, its accessible-ish name, whether it is in <main>, and whether a focus indicator shows. */
async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: "body", name: "", inMain: false, visibleFocus: false };
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const ring = style.boxShadow !== "none";
    const labelled = el.getAttribute("aria-label") ?? (el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null);
    const name = (labelled ?? el.textContent ?? (el as HTMLInputElement).value ?? "").replace(/\s+/g, " ").trim();
    return { tag: el.tagName.toLowerCase(), name, inMain: !!el.closest("main"), visibleFocus: outline || ring || el.isContentEditable };
  });
}

/** Press Tab (or Shift+Tab) until the focused element's name matches; fails after `max` presses. */
async function tabTo(page: Page, name: RegExp, { back = false, max = 60 } = {}): Promise<Focused> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const now = await focused(page);
    if (name.test(now.name)) {
      expect(now.visibleFocus, `a visible focus indicator on “${now.name}”`).toBe(true);
      return now;
    }
  }
  throw new Error(`Tab never reached ${name} on ${page.url()}`);
}

/** Open a page and wait until React has hydrated it (keys pressed during hydration can abort it). */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(server.url + path);
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
}

/** Focus must land where a keyboard user can go on from after an action: inside the main content (given a moment to render). */
async function expectFocusKept(page: Page, what: string): Promise<void> {
  await expect
    .poll(async () => {
      const now = await focused(page);
      return now.inMain ? "in main" : `${now.tag} “${now.name}”`;
    }, { message: `focus after ${what} is in the main content`, timeout: 5000 })
    .toBe("in main");
}

describe("the whole story by keyboard alone", () => {
  it("signs in, edits, saves a version, publishes, endorses and withdraws without a pointer", async () => {
    const [doc] = await getSql()`select workshop_id from documents where id = ${documentId}`;
    const olga = await createUser({ name: "Olga Keyboard" });
    await addMember(doc!.workshop_id, olga.id, "organizer");
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);

    // Sign in: the first Tab reaches the skip link, which moves focus to the main content.
    await open(page, `/login?redirectTo=${encodeURIComponent(`/documents/${documentId}`)}`);
    await page.keyboard.press("Tab");
    expect((await focused(page)).name).toBe("Skip to content");
    expect((await focused(page)).visibleFocus).toBe(true);
    await page.keyboard.press("Enter");
    await tabTo(page, /^E-mail/);
    await page.keyboard.type(olga.email);
    await tabTo(page, /^Password/);
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${server.url}/documents/${documentId}`);
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");

    // Edit: Tab into the editor, go to the end, type; the status says saved once PostgreSQL committed it.
    await page.locator("[data-testid=save-status][data-state=saved]").waitFor();
    for (let i = 0; i < 80 && !(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.isContentEditable)); i++) {
      await page.keyboard.press("Tab");
    }
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).isContentEditable), "Tab reaches the editor").toBe(true);
    await page.keyboard.press("Control+End");
    await editorSelectionRead(page);
    await page.keyboard.press("Enter");
    await page.keyboard.type("Typed by keyboard alone.");
    await page.locator("[data-testid=save-status][data-state=saved]").waitFor();
    await expect.poll(() => page.locator(".ProseMirror").textContent()).toContain("Typed by keyboard alone.");

    // Tab leaves the editor (outside lists, Tiptap keeps no Tab for itself) towards the version form.
    await tabTo(page, /^Save a named version/);
    await page.keyboard.press("Enter");
    await tabTo(page, /^Name of the version/);
    await page.keyboard.type("Keyboard text");
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Saved the version “Keyboard text”." }).waitFor();
    await expectFocusKept(page, "saving a version");
    await expectNoAxeViolations(page);

    // Publish: the link to the preview, the confirmation box (Space), the button (Enter).
    await tabTo(page, /^Preview it for publishing/);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/publish\?version=/);
    await tabTo(page, /I understand that a published version can never be changed/);
    await page.keyboard.press("Space");
    await tabTo(page, /^Publish as version 1/);
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Version 1 is published" }).waitFor();
    await expectFocusKept(page, "publishing");
    expect((await getSql()`select count(*)::int as n from published_versions where document_id = ${documentId}`)[0]!.n).toBe(1);

    // Endorse, as an individual: fields by Tab, boxes by Space, the country by typing its name.
    await open(page, `/d/${SLUG}/endorse`);
    await tabTo(page, /^Your name/);
    await page.keyboard.type("Olga Keyboard");
    await tabTo(page, /^Country/);
    await page.keyboard.type("Sweden");
    await tabTo(page, /^Serving police officer/);
    await page.keyboard.press("Space");
    await tabTo(page, /^My country/);
    await page.keyboard.press("Space");
    await tabTo(page, /I agree that this endorsement is listed publicly/);
    await page.keyboard.press("Space");
    await tabTo(page, /^Endorse version 1/);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/e\/[0-9a-f-]{36}\?new=1$/);
    const receipt = new URL(page.url()).pathname;
    await expectNoAxeViolations(page);

    // Asking to withdraw and then keeping the endorsement: focus returns to the "Withdraw…" link, not the page body.
    await tabTo(page, /^Withdraw…/);
    await page.keyboard.press("Enter");
    await page.waitForURL(/withdraw=1/);
    await expectFocusKept(page, "asking to withdraw");
    await tabTo(page, /^Keep my endorsement/, { max: 10 });
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => !u.search.includes("withdraw=1"));
    await expect.poll(async () => (await focused(page)).name, { message: "focus after keeping the endorsement is on “Withdraw…”", timeout: 5000 }).toBe("Withdraw…");
    expect((await focused(page)).visibleFocus).toBe(true);

    // Withdraw: the first step says what stays public and takes focus to its confirmation; then confirm.
    await page.keyboard.press("Shift+Tab");
    await tabTo(page, /^Withdraw…/);
    await page.keyboard.press("Enter");
    await page.waitForURL(/withdraw=1/);
    await expectFocusKept(page, "asking to withdraw");
    await tabTo(page, /^Yes, withdraw my endorsement/, { max: 10 });
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Your endorsement is withdrawn" }).waitFor();
    expect(new URL(page.url()).pathname).toBe(receipt);
    await expectFocusKept(page, "withdrawing");
    const [row] = await getSql()`select withdrawn_at from endorsements where user_id = ${olga.id}`;
    expect(row!.withdrawn_at).not.toBeNull();
    await expectNoAxeViolations(page);
  }, 150_000);
});
