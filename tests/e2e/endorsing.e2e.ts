/**
 * The endorsement pages in Chromium, checked with axe-core: the form's live preview and kind switch (with
 * JavaScript), the same form without JavaScript, errors, the receipt, withdrawal, re-confirmation, the organisers'
 * queue and the account deletion page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { closeDatabase } from "../../db/client";
import { createSession } from "../../app/auth/session.server";
import { expectNoAxeViolations, launchBrowser } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { createUser } from "../support/factories";
import { publishDeclaration, publishVersion, type Declaration } from "../support/endorsement-fixtures";

let server: ServerProcess;
let browser: Browser;
let declaration: Declaration;

async function contextFor(userId: string, options: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true });
  context.setDefaultTimeout(10_000);
  const { token } = await createSession(userId, "e2e");
  await context.addCookies([{ name: "accord_session", value: token, url: server.url }]);
  return context;
}

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(server.url + path);
  await expectNoAxeViolations(page);
}

beforeAll(async () => {
  const url = await createE2eDatabase();
  server = await startServerProcess(url);
  declaration = await publishDeclaration({ policy: "verified_only" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

describe("endorsing in a browser", () => {
  it("previews the listing live, shows errors accessibly, and records an individual endorsement with the name hidden", async () => {
    const anna = await createUser({ name: "Anna Berg" });
    const page = await (await contextFor(anna.id)).newPage();
    await visit(page, `/d/${declaration.slug}/endorse`);
    const preview = page.locator(".preview-sentence");
    await expect.poll(() => preview.textContent()).toBe("An endorser who chose not to be named");
    await expect.poll(() => page.locator(".kind-organisation").isVisible()).toBe(false);

    // Submitting empty: errors in a focused summary, each tied to its field.
    await page.getByRole("button", { name: "Endorse version 1" }).click();
    await page.getByRole("alert").waitFor();
    await expectNoAxeViolations(page);
    expect(await page.getByLabel("Your name").getAttribute("aria-invalid")).toBe("true");
    await page.getByText("Enter your name.").first().waitFor();

    // Errors clear as each field becomes valid, without sending the form again; a name over the limit is refused in
    // words, never cut short.
    await page.getByLabel("Your name").fill("x".repeat(130));
    await page.locator("#field-name-error").filter({ hasText: "Use at most 120 characters." }).waitFor();
    expect((await page.getByLabel("Your name").inputValue()).length).toBe(130);
    await page.getByLabel("Your name").fill("Anna Berg");
    await expect.poll(() => page.getByLabel("Your name").getAttribute("aria-invalid")).toBeNull();
    expect(await page.locator("#field-name-error").count()).toBe(0);
    expect(await page.getByRole("alert").textContent()).not.toContain("Enter your name.");
    await expectNoAxeViolations(page);

    await page.getByLabel("Your name").fill("Anna Berg");
    await page.getByLabel("Role or rank (optional)").fill("Detective Inspector");
    await page.locator("#field-country").selectOption("SE");
    await page.getByLabel("Serving police officer (or other law-enforcement officer)").check();
    await page.getByLabel("My capacity (for example “serving police officer”)").check();
    await page.getByLabel("My country").check();
    await expect.poll(() => preview.textContent()).toBe("A serving police officer, Sweden");
    await page.locator("#public-name").check();
    await expect.poll(() => preview.textContent()).toBe("Anna Berg, serving police officer, Sweden");
    await page.locator("#public-name").uncheck();
    await page.getByLabel(/I agree that this endorsement is listed publicly/).check();
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Endorse version 1" }).click();
    await page.waitForURL(/\/e\/[0-9a-f-]{36}\?new=1$/);
    await expectNoAxeViolations(page);
    expect(await page.locator("main").textContent()).toContain("A serving police officer, Sweden");
    expect(await page.locator("main").textContent()).not.toContain("Anna Berg");

    // Withdraw from the receipt, after a confirmation that says what stays public.
    await page.getByRole("link", { name: "Withdraw…" }).click();
    await page.getByText("Stays public on this receipt").waitFor();
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Yes, withdraw my endorsement" }).click();
    await page.waitForURL(/\?withdrawn=1$/);
    await expectNoAxeViolations(page);
    expect(await page.locator(".withdrawn-line").textContent()).toMatch(/^Withdrawn on \d{1,2} [A-Z][a-z]+ \d{4}\./);
  });

  it("switches to the organisation fields, and works without JavaScript", async () => {
    const signerUser = await createUser({ name: "Sam Signer", email: `sam-${Date.now()}@polisen.se` });
    const withJs = await (await contextFor(signerUser.id)).newPage();
    await visit(withJs, `/d/${declaration.slug}/endorse`);
    await withJs.getByLabel("On behalf of an organisation").check();
    await expect.poll(() => withJs.locator(".kind-organisation").isVisible()).toBe(true);
    await expect.poll(() => withJs.locator(".kind-individual").isVisible()).toBe(false);
    await withJs.getByLabel("Organisation’s name").fill("Swedish Police Authority");
    await expect.poll(() => withJs.locator(".preview-sentence").textContent()).toBe("Swedish Police Authority");
    await expectNoAxeViolations(withJs);

    const page = await (await contextFor(signerUser.id, { javaScriptEnabled: false })).newPage();
    await page.goto(`${server.url}/d/${declaration.slug}/endorse?kind=organisation`);
    await expect.poll(() => page.locator(".kind-individual").isVisible()).toBe(false);
    await page.getByLabel("Organisation’s name").fill("Swedish Police Authority");
    await page.getByLabel("Kind of organisation").selectOption("police_agency");
    await page.locator("#field-organisationCountry").selectOption("SE");
    await page.getByLabel("Website").fill("https://www.polisen.se");
    await page.getByLabel("Your role in the organisation").fill("Head of Communications");
    await page.getByLabel("I am authorised to endorse on behalf of this organisation.").check();
    await page.getByLabel(/I agree that this endorsement is listed publicly/).check();
    await page.getByRole("button", { name: "Endorse version 1" }).click();
    await page.waitForURL(/\/e\/[0-9a-f-]{36}\?new=1$/);
    expect(await page.locator("main").textContent()).toContain("E-mail domain matches the organisation’s website");
    // (axe-core needs JavaScript: receipts are checked with it in the other tests.)
  });

  it("offers re-confirmation after a new version, and organisers their queue", async () => {
    const bo = await createUser({ name: "Bo Ek" });
    const page = await (await contextFor(bo.id)).newPage();
    await visit(page, `/d/${declaration.slug}/endorse`);
    await page.getByLabel("Your name").fill("Bo Ek");
    await page.locator("#field-country").selectOption("NO");
    await page.getByLabel("Private individual").check();
    await page.getByLabel(/I agree that this endorsement is listed publicly/).check();
    await page.getByRole("button", { name: "Endorse version 1" }).click();
    await page.waitForURL(/\/e\//);

    await publishVersion(declaration, "Police for harm reduction\n\nA second, better text.");
    await visit(page, `/d/${declaration.slug}/reconfirm`);
    await page.getByRole("button", { name: "Endorse version 2 with the same details" }).click();
    await page.waitForURL(/\/e\/[0-9a-f-]{36}\?new=1$/);
    await expectNoAxeViolations(page);

    const organiser = await (await contextFor(declaration.organiser.id)).newPage();
    await visit(organiser, `/documents/${declaration.documentId}/endorsements`);
    await visit(organiser, "/account/delete");
    await visit(organiser, "/account");
  });
});
