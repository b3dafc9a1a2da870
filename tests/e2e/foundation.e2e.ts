import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { getSql, closeDatabase } from "../../db/client";
import { launchBrowser, expectNoAxeViolations } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { addMember, createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";

let server: ServerProcess;
let browser: Browser;
let organiserEmail: string;

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(server.url + path);
  await expectNoAxeViolations(page);
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await visit(page, "/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

async function createInvitation(page: Page, workshopSlug: string): Promise<string> {
  await visit(page, `/workshops/${workshopSlug}/members`);
  await page.getByLabel("Role for people who join with this link").selectOption("editor");
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const box = page.locator("#invitation-url");
  await box.waitFor();
  await expectNoAxeViolations(page);
  return (await box.inputValue()).trim();
}

beforeAll(async () => {
  const url = await createE2eDatabase();
  server = await startServerProcess(url);
  const organiser = await createUser({ name: "Olivia Organiser", email: (organiserEmail = uniqueEmail("organiser")) });
  const workshops = await getSql()<{ id: string }[]>`select id from workshops`;
  expect(workshops).toHaveLength(2);
  for (const w of workshops) await addMember(w.id, organiser.id, "organizer");
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

describe("a new member's first visit", () => {
  it("signs up, verifies by e-mail, joins both workshops by invitation, reads a draft and signs out", async () => {
    const organiser = await (await browser.newContext()).newPage();
    await signIn(organiser, organiserEmail, TEST_PASSWORD);
    const links = [await createInvitation(organiser, "harm-reduction-policing-2023"), await createInvitation(organiser, "health-security-2023")];

    const page = await (await browser.newContext()).newPage();
    const email = uniqueEmail("newcomer");
    const password = "lantern harbour violet 2023";
    await visit(page, "/signup");
    await page.getByLabel("Your name").fill("Nils Newcomer");
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Check your e-mail" }).waitFor();
    await expectNoAxeViolations(page);

    // Read the verification mail in the development outbox and follow its link.
    await visit(page, "/dev/outbox");
    const verifyLink = page.locator("a[href*='/verify-email?token=']").first();
    const href = await verifyLink.getAttribute("href");
    expect(href).toBeTruthy();
    const confirmUrl = href!.replace(/^http:\/\/localhost:\d+/, server.url);
    // From another browser (a phone's mail app, say), whoever confirms chooses the account's name and password
    // (docs/security.md) and then signs in.
    const phone = await (await browser.newContext()).newPage();
    await phone.goto(confirmUrl);
    await phone.getByLabel("Your name").waitFor();
    expect(await phone.getByLabel("Password", { exact: true }).count()).toBe(1);
    await expectNoAxeViolations(phone);
    await phone.context().close();
    // From the browser that signed up (it chose the password), one button confirms and signs in.
    await page.goto(confirmUrl);
    expect(await page.getByLabel("Password", { exact: true }).count()).toBe(0);
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Confirm my e-mail address" }).click();

    await page.waitForURL(/\/workshops$/);
    await visit(page, "/workshops");
    await expect(page.getByRole("heading", { name: "Your workshops" }).isVisible()).resolves.toBe(true);

    for (const link of links) {
      await visit(page, new URL(link).pathname);
      await page.getByRole("button", { name: /^Join / }).click();
      await page.waitForURL(/\/workshops\/[a-z0-9-]+$/);
      await expectNoAxeViolations(page);
    }

    await visit(page, "/workshops");
    await expect(page.getByRole("link", { name: "Law enforcement, harm reduction and drug policy" }).count()).resolves.toBe(1);
    await expect(page.getByRole("link", { name: "The role of law enforcement in health security" }).count()).resolves.toBe(1);

    await visit(page, "/workshops/harm-reduction-policing-2023");
    const documentLinks = page.locator("a.title[href^='/documents/']");
    await expect(documentLinks.count()).resolves.toBe(6);
    await visit(page, "/workshops/health-security-2023");
    await expect(page.locator("a.title[href^='/documents/']").count()).resolves.toBe(1);

    await visit(page, "/workshops/harm-reduction-policing-2023");
    await page.locator("a.title", { hasText: "Call by police for harm reduction policing and drug policy reform" }).click();
    await page.waitForURL(/\/documents\//);
    // The text is server-rendered in an <article> until the live editor has synced, then shown by the editor: read
    // whichever is there (the swap can happen between two lines of this test).
    const text = page.locator("article.document, .document-editor").filter({ hasText: "Call by police for harm reduction policing" });
    await text.first().waitFor();
    await expectNoAxeViolations(page);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(server.url + "/");
    await page.goto(server.url + "/workshops");
    await page.waitForURL(/\/login\?redirectTo=/);
  });
});

describe("personal access tokens on the Account page", () => {
  it("names a missing scope at its checkboxes, then shows the new token once and lists its scopes and expiry", async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, organiserEmail, TEST_PASSWORD);
    await visit(page, "/account");
    const form = page.locator("form", { has: page.getByLabel("Token name") });
    await form.getByLabel("Token name").fill("Nightly export");
    await form.getByLabel("Read", { exact: true }).uncheck();
    await form.getByRole("button", { name: "Create token" }).click();
    await page.getByText("Choose at least one scope: what may the token do?").waitFor();
    await expectNoAxeViolations(page);

    await form.getByLabel("Token name").fill("Nightly export");
    await form.getByLabel("Read", { exact: true }).check();
    await form.getByLabel("Admin", { exact: true }).check();
    await form.getByLabel("Expires after").selectOption("30");
    await form.getByRole("button", { name: "Create token" }).click();
    const created = page.getByLabel("Your new token");
    await created.waitFor();
    expect(await created.inputValue()).toMatch(/^accord_pat_[a-z2-9]{24}\.[a-z2-9]{24}$/);
    await expect(created.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    const row = page.getByRole("row", { name: /Nightly export/ });
    await expect(row.getByRole("cell").nth(1).textContent()).resolves.toBe("Read, Admin");
    await expect(row.getByRole("cell").nth(4).textContent()).resolves.toBe("never");
    await expectNoAxeViolations(page);
  });
});
