/**
 * Declarations as parallel texts (issue 14), in a real browser: an Arabic reader with JavaScript off opens a declaration
 * that has a current Arabic translation, reads it right to left, and goes back to the original; a translator opens the
 * source beside the translation and sees the paragraph that no longer matches. axe-core finds no WCAG 2.2 AA
 * violation on the translated page, the endorse page reached from it, or the translation editor.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { appendUpdates } from "../../db/document-log";
import { createSession } from "../../app/auth/session.server";
import { initHashedKeys } from "../../app/auth/hashed-key.server";
import { findDocumentForUser } from "../../db/access";
import { saveVersion } from "../../app/models/versions.server";
import { publishVersion } from "../../app/models/publishing.server";
import { createTranslation, publishTranslation } from "../../app/models/translations.server";
import { expectNoAxeViolations, launchBrowser } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { addMember, createUser } from "../support/factories";
import { paragraphUpdate } from "../support/document-log";

let server: ServerProcess;
let browser: Browser;
let translationId: string;
let organiserToken: string;

beforeAll(async () => {
  const url = await createE2eDatabase();
  server = await startServerProcess(url);
  await initHashedKeys();
  const sql = getSql();
  const [doc] = await sql<{ id: string; workshop_id: string }[]>`select id, workshop_id from documents where slug = 'call-for-harm-reduction-policing'`;
  const organiser = await createUser({ name: "Olga Organiser" });
  await addMember(doc!.workshop_id, organiser.id, "organizer");
  const version = await saveVersion({ document: (await findDocumentForUser(doc!.id, organiser.id))!, userId: organiser.id, name: "For translation" });
  await publishVersion({ documentId: doc!.id, versionId: version.id, actorId: organiser.id, slug: "parallel-call" });
  translationId = (await createTranslation({ sourceDocumentId: doc!.id, versionNumber: 1, language: "ar", actorId: organiser.id })).documentId;
  const json = {
    type: "doc",
    content: [
      { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: "نداء من أجل الحد من الضرر في عمل الشرطة" }] },
      { type: "paragraph", content: [{ type: "text", text: "نحن، ضباط الشرطة والخبراء، ندعو إلى الحد من الضرر." }] },
    ],
  };
  const [arabic] = await sql<{ id: string }[]>`
    insert into document_versions (document_id, name, created_by, log_seq, yjs_state, tiptap_json, html, plain_text)
    values (${translationId}, 'ترجمة', ${organiser.id}, 0, ${Buffer.from([0, 0])}, ${sql.json(json)},
      '<h1>نداء من أجل الحد من الضرر في عمل الشرطة</h1><p>نحن، ضباط الشرطة والخبراء، ندعو إلى الحد من الضرر.</p>',
      ${"نداء من أجل الحد من الضرر في عمل الشرطة\n\nنحن، ضباط الشرطة والخبراء، ندعو إلى الحد من الضرر."})
    returning id`;
  await publishTranslation({ documentId: translationId, versionId: arabic!.id, actorId: organiser.id });
  // The translators added a paragraph the source does not have.
  await sql.begin((tx) => appendUpdates(tx, translationId, [{ update: paragraphUpdate("فقرة إضافية."), userId: organiser.id }]));
  organiserToken = (await createSession(organiser.id, "translations e2e")).token;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

describe("parallel texts in the browser", () => {
  it("an Arabic reader without JavaScript reads the translation right to left, goes back to the original, and the translator sees the source beside the translation", async () => {
    const reader = await browser.newContext({ javaScriptEnabled: false, locale: "ar-EG", extraHTTPHeaders: { "accept-language": "ar-EG,ar;q=0.9" } });
    reader.setDefaultTimeout(20_000);
    const page = await reader.newPage();
    await page.goto(`${server.url}/d/parallel-call`);
    const article = page.locator("article.declaration-text");
    expect(await article.getAttribute("dir")).toBe("rtl");
    expect(await article.getAttribute("lang")).toBe("ar");
    expect(await article.evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");
    expect(await page.getByRole("heading", { name: "This is a translation into Arabic" }).isVisible()).toBe(true);
    await page.getByRole("link", { name: "Endorse version 1" }).click();
    expect(page.url()).toContain("/d/parallel-call/endorse?lang=ar");
    expect(await page.getByText("You read the Arabic translation").isVisible()).toBe(true);
    await page.goto(`${server.url}/d/parallel-call`);
    await page.getByRole("link", { name: "read the original (English)" }).click();
    expect(await page.locator("article.declaration-text").getAttribute("dir")).toBeNull();
    expect(await page.getByRole("heading", { name: "This is a translation into Arabic" }).count()).toBe(0);
    await reader.close();

    // axe runs its own script, so it reads the same pages in a context that allows it (the pages themselves send none).
    const checker = await browser.newContext({ extraHTTPHeaders: { "accept-language": "ar" } });
    checker.setDefaultTimeout(20_000);
    const checked = await checker.newPage();
    for (const path of ["/d/parallel-call", "/d/parallel-call/endorse?lang=ar"]) {
      await checked.goto(server.url + path);
      await expectNoAxeViolations(checked);
    }
    await checker.close();

    const translator = await browser.newContext();
    translator.setDefaultTimeout(20_000);
    await translator.addCookies([{ name: "accord_session", value: organiserToken, url: server.url }]);
    const editor = await translator.newPage();
    await editor.goto(`${server.url}/documents/${translationId}`);
    await editor.locator("[data-testid=save-status][data-state=saved]").first().waitFor();
    await editor.getByRole("button", { name: "Show the source side by side" }).click();
    await editor.locator(".parallel-rows").waitFor();
    const status = await editor.getByText(/Paragraphs whose structure no longer matches the source: \d+\./).innerText();
    expect(Number(/(\d+)\.$/.exec(status)?.[1])).toBeGreaterThanOrEqual(1);
    expect(await editor.locator(".parallel-row.mismatch").count()).toBeGreaterThanOrEqual(1);
    expect(await editor.getByText("Nothing here in the source.").count()).toBe(1);
    await expectNoAxeViolations(editor);
    await translator.close();
  });
});
