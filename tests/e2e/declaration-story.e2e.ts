/**
 * The whole story of a declaration, as people live it: an organiser saves and publishes a version in the browser;
 * one person endorses as an individual with the name hidden and another on behalf of an organisation; the public
 * page, read with JavaScript off, shows the right counts and entries; a second version splits the counts; the first
 * signer re-confirms in one step. axe-core runs on every page visited with JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { createSession } from "../../app/auth/session.server";
import { caretAtEnd, expectNoAxeViolations, launchBrowser } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { addMember, createUser } from "../support/factories";

const SLUG = "call-for-harm-reduction-policing";
let server: ServerProcess;
let browser: Browser;
let documentId: string;
let organiserId: string;

async function contextFor(userId: string, javaScriptEnabled = true): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled });
  context.setDefaultTimeout(15_000);
  const { token } = await createSession(userId, "e2e");
  await context.addCookies([{ name: "accord_session", value: token, url: server.url }]);
  return context;
}

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(server.url + path);
  await expectNoAxeViolations(page);
}

/** Save a named version from the document page (in place), then preview and publish it. */
async function saveAndPublish(page: Page, versionName: string, expectedNumber: number): Promise<void> {
  await visit(page, `/documents/${documentId}`);
  await page.locator("summary", { hasText: "Save a named version" }).click();
  await page.getByLabel("Name of the version").fill(versionName);
  await page.getByRole("button", { name: "Save version" }).click();
  // Confirmed in place: the writer stays in the document, the editor untouched, the field empty for the next name.
  await page.getByRole("status").filter({ hasText: `Saved the version “${versionName}”.` }).waitFor();
  expect(new URL(page.url()).pathname).toBe(`/documents/${documentId}`);
  await page.locator("[data-testid=save-status][data-state=saved]").waitFor();
  expect(await page.getByLabel("Name of the version").inputValue()).toBe("");
  await expectNoAxeViolations(page);

  await page.getByRole("link", { name: "Preview it for publishing" }).click();
  await page.waitForURL(/\/publish\?version=/);
  await expectNoAxeViolations(page);
  await expect.poll(() => page.getByRole("radio", { name: new RegExp(versionName) }).isChecked()).toBe(true);
  const confirm = page.getByLabel("I understand that a published version can never be changed or removed.");
  expect(await confirm.isChecked(), "the confirmation starts unticked").toBe(false);
  await confirm.check();
  await page.getByRole("button", { name: `Publish as version ${expectedNumber}` }).click();
  await expect.poll(async () => (await getSql()`select count(*)::int as n from published_versions where document_id = ${documentId}`)[0]!.n).toBe(expectedNumber);
  await page.waitForURL((u) => !u.search.includes("version="));
  await page.getByRole("status").filter({ hasText: `Version ${expectedNumber} is published` }).waitFor();
  // Nothing is left ready to seal: no version chosen, no confirmation, no publish button.
  expect(await page.getByRole("button", { name: /^Publish as version/ }).count()).toBe(0);
  expect(await page.getByLabel("I understand that a published version can never be changed or removed.").count()).toBe(0);
  expect(await page.locator('input[name="version"]:checked').count()).toBe(0);
  await expectNoAxeViolations(page);
}

async function publicCounts(): Promise<string> {
  const reader = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await reader.goto(`${server.url}/d/${SLUG}`);
  const text = (await reader.locator(".counts").first().textContent()) ?? "";
  const main = (await reader.locator("main").textContent()) ?? "";
  await reader.context().close();
  return `${text}\n${main}`;
}

beforeAll(async () => {
  const url = await createE2eDatabase();
  server = await startServerProcess(url);
  const [doc] = await getSql()`select id, workshop_id from documents where slug = ${SLUG}`;
  documentId = doc!.id;
  const organiser = await createUser({ name: "Olga Organiser" });
  organiserId = organiser.id;
  await addMember(doc!.workshop_id, organiser.id, "organizer");
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

describe("a declaration from first publication to re-confirmation", () => {
  it("is published, endorsed two ways, read without JavaScript, revised, and re-confirmed", async () => {
    const organiser = await (await contextFor(organiserId)).newPage();
    await saveAndPublish(organiser, "Workshop text", 1);

    // An individual, name hidden.
    const ida = await createUser({ name: "Ida Inspector" });
    const idaPage = await (await contextFor(ida.id)).newPage();
    await visit(idaPage, `/d/${SLUG}/endorse`);
    await idaPage.getByLabel("Your name").fill("Ida Inspector");
    await idaPage.locator("#field-country").selectOption("SE");
    await idaPage.getByLabel("Serving police officer (or other law-enforcement officer)").check();
    await idaPage.getByLabel("My capacity (for example “serving police officer”)").check();
    await idaPage.getByLabel("My country").check();
    await idaPage.getByLabel(/I agree that this endorsement is listed publicly/).check();
    await idaPage.getByRole("button", { name: "Endorse version 1" }).click();
    await idaPage.waitForURL(/\/e\/[0-9a-f-]{36}\?new=1$/);
    await expectNoAxeViolations(idaPage);

    // An organisation, whose signer's e-mail domain matches its website.
    const sven = await createUser({ name: "Sven Signer", email: `sven-${Date.now()}@polisen.se` });
    const svenPage = await (await contextFor(sven.id)).newPage();
    await visit(svenPage, `/d/${SLUG}/endorse?kind=organisation`);
    await svenPage.getByLabel("On behalf of an organisation").check();
    await svenPage.getByLabel("Organisation’s name").fill("Swedish Police Authority");
    await svenPage.getByLabel("Kind of organisation").selectOption("police_agency");
    await svenPage.locator("#field-organisationCountry").selectOption("SE");
    await svenPage.getByLabel("Website").fill("https://www.polisen.se");
    await svenPage.getByLabel("Your role in the organisation").fill("Head of Communications");
    await svenPage.getByLabel("I am authorised to endorse on behalf of this organisation.").check();
    await svenPage.getByLabel(/I agree that this endorsement is listed publicly/).check();
    await svenPage.getByRole("button", { name: "Endorse version 1" }).click();
    await svenPage.waitForURL(/\/e\/[0-9a-f-]{36}\?new=1$/);

    // The public page, JavaScript off: counts and entries; the hidden name is nowhere.
    let page = await publicCounts();
    expect(page).toContain("2 endorse version 1");
    expect(page).toContain("A serving police officer, Sweden");
    expect(page).toContain("Swedish Police Authority");
    expect(page).not.toContain("Ida Inspector");

    // The organiser revises the text live, saves and publishes version 2: the counts split.
    await visit(organiser, `/documents/${documentId}`);
    await organiser.locator("[data-testid=save-status][data-state=saved]").waitFor();
    await caretAtEnd(organiser, organiser.locator(".document-editor p").last());
    await organiser.keyboard.type("Revised after the workshop.");
    await organiser.locator("[data-testid=save-status][data-state=saved]").waitFor();
    await saveAndPublish(organiser, "Revised text", 2);
    page = await publicCounts();
    expect(page).toContain("Nobody endorses version 2 yet; 2 endorsed an earlier version");

    // Ida re-confirms in one step: her endorsement of version 2 counts for version 2.
    await visit(idaPage, `/d/${SLUG}/reconfirm`);
    await idaPage.getByRole("button", { name: "Endorse version 2 with the same details" }).click();
    await idaPage.waitForURL(/\/e\/[0-9a-f-]{36}\?new=1$/);
    page = await publicCounts();
    expect(page).toContain("1 endorses version 2; 1 endorsed an earlier version");
  }, 150_000); // the whole story, with axe-core on every page: longer than one interaction
});
