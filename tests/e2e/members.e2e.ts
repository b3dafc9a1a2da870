/**
 * The members page in Chromium: a refused removal closes its confirmation and says why, and a new invitation link
 * has a copy button that works by keyboard and says "Copied" politely (with a selectable field without JavaScript).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { expectNoAxeViolations, launchBrowser } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { addMember, createUser, createWorkshop, TEST_PASSWORD } from "../support/factories";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import type { UserRow } from "../../db/users";

let server: ServerProcess;
let browser: Browser;
let organiser: UserRow;
let workshop: { id: string; slug: string };

beforeAll(async () => {
  server = await startServerProcess(await createE2eDatabase());
  organiser = await createUser({ name: "Olga Only" });
  workshop = await createWorkshop();
  await addMember(workshop.id, organiser.id, "organizer");
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

async function signedInPage(options: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("E-mail").fill(organiser.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  return { context, page };
}

describe("removing the only organiser", () => {
  it("is refused in words, and the 'Remove?' confirmation closes", async () => {
    const { context, page } = await signedInPage();
    await page.goto(`${server.url}/workshops/${workshop.slug}/members`);
    await page.getByRole("link", { name: "Remove Olga Only" }).click();
    const confirmation = page.getByRole("heading", { name: "Remove Olga Only?" });
    await confirmation.waitFor();
    await page.getByRole("button", { name: "Remove Olga Only" }).click();
    await page.getByRole("alert").filter({ hasText: "A workshop needs at least one organiser" }).waitFor();
    await expect(confirmation.count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: "Remove Olga Only" }).count()).resolves.toBe(0);
    await expectNoAxeViolations(page);
    const [row] = await getSql()`select role from memberships where workshop_id = ${workshop.id} and user_id = ${organiser.id}`;
    expect(row?.role).toBe("organizer");
    await context.close();
  });
});

describe("a new invitation link", () => {
  async function createLink(page: Page): Promise<string> {
    await page.goto(`${server.url}/workshops/${workshop.slug}/members`);
    await page.getByLabel("Role for people who join with this link").selectOption("viewer");
    await page.getByLabel("How many people can join with it").selectOption("5");
    await page.getByRole("button", { name: "Create invitation link" }).click();
    const field = page.getByLabel("Invitation link", { exact: true });
    await field.waitFor();
    const url = await field.inputValue();
    expect(url).toMatch(/^http:\/\/[^/]+\/join\/inv_[a-z2-9]{24}\.[a-z2-9]{24}$/);
    expect(await field.getAttribute("readonly")).not.toBeNull();
    return url;
  }

  it("is copied with a button reached by keyboard, which says 'Copied' politely", async () => {
    const { context, page } = await signedInPage();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    const url = await createLink(page);
    await page.getByLabel("Invitation link", { exact: true }).focus();
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Copy link");
    await page.keyboard.press("Enter");
    await page.locator('[role="status"][aria-live="polite"]', { hasText: "Copied" }).waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(url);
    await expect(page.getByRole("cell", { name: "0 of 5 used, 5 left" }).count()).resolves.toBe(1);
    await expectNoAxeViolations(page);
    await context.close();
  });

  it("without JavaScript, is shown in a selectable read-only field and no copy button is offered", async () => {
    const { context, page } = await signedInPage({ javaScriptEnabled: false });
    const url = await createLink(page);
    await expect(page.getByRole("button", { name: "Copy link" }).count()).resolves.toBe(0);
    await page.getByLabel("Invitation link", { exact: true }).selectText();
    const selected = await page.evaluate(() => {
      const field = document.getElementById("invitation-url") as HTMLInputElement;
      return field.value.slice(field.selectionStart ?? 0, field.selectionEnd ?? 0);
    });
    expect(selected).toBe(url);
    await context.close();
  });
});
