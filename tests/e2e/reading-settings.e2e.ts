/**
 * The reader's own settings are respected: with a dark colour scheme every page keeps WCAG AA contrast (axe-core),
 * printing stays black on white, reduced motion turns transitions off, and forced-colours mode (Windows high
 * contrast) keeps a visible focus outline.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { createSession } from "../../app/auth/session.server";
import { initHashedKeys } from "../../app/auth/hashed-key.server";
import { findDocumentForUser } from "../../db/access";
import { saveVersion } from "../../app/models/versions.server";
import { publishVersion } from "../../app/models/publishing.server";
import { expectNoAxeViolations, launchBrowser } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { addMember, createUser } from "../support/factories";

let server: ServerProcess;
let browser: Browser;
let documentId: string;
let organiserToken: string;

beforeAll(async () => {
  const url = await createE2eDatabase();
  server = await startServerProcess(url);
  await initHashedKeys();
  const [doc] = await getSql()<{ id: string; workshop_id: string }[]>`select id, workshop_id from documents where slug = 'call-for-harm-reduction-policing'`;
  documentId = doc!.id;
  const organiser = await createUser({ name: "Olga Organiser" });
  await addMember(doc!.workshop_id, organiser.id, "organizer");
  const version = await saveVersion({ document: (await findDocumentForUser(documentId, organiser.id))!, userId: organiser.id, name: "Dark version" });
  await publishVersion({ documentId, versionId: version.id, actorId: organiser.id, slug: "dark-call" });
  organiserToken = (await createSession(organiser.id, "reading settings")).token;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

async function signedInPage(options: Parameters<Browser["newContext"]>[0]): Promise<Page> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(20_000);
  await context.addCookies([{ name: "accord_session", value: organiserToken, url: server.url }]);
  return context.newPage();
}

describe("the reader's settings", () => {
  it("keep AA contrast in the dark colour scheme on public and signed-in pages", async () => {
    const page = await signedInPage({ colorScheme: "dark" });
    for (const path of ["/declarations", "/d/dark-call", "/verify", `/documents/${documentId}/publish`, `/documents/${documentId}/history`, "/account"]) {
      await page.goto(server.url + path);
      await expectNoAxeViolations(page);
    }
    await page.goto(`${server.url}/documents/${documentId}`);
    await page.locator("[data-testid=save-status][data-state=saved], [data-testid=save-status][data-state=readonly]").first().waitFor();
    await expectNoAxeViolations(page);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background, "the dark page is dark").not.toBe("rgb(244, 247, 248)");
    await page.emulateMedia({ media: "print" });
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--ink").trim())).toBe("#1c2426");
    await page.context().close();
  });

  it("turn transitions off for reduced motion, and keep a focus outline in forced colours", async () => {
    const page = await signedInPage({ reducedMotion: "reduce", forcedColors: "active" });
    await page.goto(`${server.url}/d/dark-call`);
    const duration = await page.evaluate(() => getComputedStyle(document.querySelector("a")!).transitionDuration);
    expect(parseFloat(duration)).toBeLessThan(0.01);
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe("solid");
    await page.context().close();
  });
});
