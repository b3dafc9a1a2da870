/**
 * A French reader, in a real browser whose language is French and with JavaScript off (issue 14): the declaration
 * opens in its current French translation with a French interface; they create an account from the endorse page (the
 * confirmation mail arrives in French), confirm, land back on the French endorse form, endorse (bound to the
 * authoritative version's hash, the translation read and its hash recorded) and see a French receipt. When the
 * organisers publish a new version, the mail asking them to re-confirm arrives in French (the language they read);
 * then they switch the interface to Swedish with the footer's form. axe-core checks the French pages with JavaScript on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { appendUpdates } from "../../db/document-log";
import { initHashedKeys } from "../../app/auth/hashed-key.server";
import { findDocumentForUser } from "../../db/access";
import { saveVersion } from "../../app/models/versions.server";
import { publishVersion } from "../../app/models/publishing.server";
import { createTranslation, publishTranslation } from "../../app/models/translations.server";
import { expectNoAxeViolations, launchBrowser } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { addMember, createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";
import { paragraphUpdate } from "../support/document-log";

const SLUG = "police-call-fr";
let server: ServerProcess;
let browser: Browser;
let documentId: string;
let organiserId: string;
let sourceHash: string;
let translationHash: string;

const FRENCH_TITLE = "Appel de la police pour une police de réduction des risques";
const FRENCH_TEXT = "Nous, policiers et experts, appelons à des politiques des drogues qui sauvent des vies.";

beforeAll(async () => {
  const url = await createE2eDatabase();
  server = await startServerProcess(url);
  await initHashedKeys();
  const sql = getSql();
  const [doc] = await sql<{ id: string; workshop_id: string }[]>`select id, workshop_id from documents where slug = 'call-for-harm-reduction-policing'`;
  documentId = doc!.id;
  const organiser = await createUser({ name: "Olga Organiser" });
  organiserId = organiser.id;
  await addMember(doc!.workshop_id, organiser.id, "organizer");
  const version = await saveVersion({ document: (await findDocumentForUser(doc!.id, organiser.id))!, userId: organiser.id, name: "Workshop text" });
  sourceHash = (await publishVersion({ documentId: doc!.id, versionId: version.id, actorId: organiser.id, slug: SLUG })).hash;
  const translationId = (await createTranslation({ sourceDocumentId: doc!.id, versionNumber: 1, language: "fr", actorId: organiser.id })).documentId;
  const json = {
    type: "doc",
    content: [
      { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: FRENCH_TITLE }] },
      { type: "paragraph", content: [{ type: "text", text: FRENCH_TEXT }] },
    ],
  };
  const [french] = await sql<{ id: string }[]>`
    insert into document_versions (document_id, name, created_by, log_seq, yjs_state, tiptap_json, html, plain_text)
    values (${translationId}, 'Traduction', ${organiser.id}, 0, ${Buffer.from([0, 0])}, ${sql.json(json)},
      ${`<h1>${FRENCH_TITLE}</h1><p>${FRENCH_TEXT}</p>`}, ${`${FRENCH_TITLE}\n\n${FRENCH_TEXT}`})
    returning id`;
  translationHash = (await publishTranslation({ documentId: translationId, versionId: french!.id, actorId: organiser.id })).hash;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

async function mailTo(address: string): Promise<{ subject: string; text: string }> {
  const rows = await getSql()<{ subject: string; text: string }[]>`select subject, text_body as text from outbox where to_address = ${address} order by id desc limit 1`;
  if (!rows[0]) throw new Error(`no mail to ${address}`);
  return rows[0];
}

describe("a French reader", () => {
  it("reads the French translation without JavaScript, signs up and endorses in French, then switches to Swedish", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: "fr-FR" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();

    // The declaration opens in French: the interface, and the translation chosen because the browser reads French.
    await page.goto(`${server.url}/d/${SLUG}`);
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    const article = page.locator("article.declaration-text");
    expect(await article.getAttribute("lang")).toBe("fr");
    expect(await article.textContent()).toContain(FRENCH_TEXT);
    const main = (await page.locator("main").textContent()) ?? "";
    expect(main).toContain("Ceci est une traduction en français");
    expect(main).toContain(translationHash);
    expect(main).toContain(sourceHash);
    expect(await page.getByRole("link", { name: /Soutenir la version 1/ }).count()).toBeGreaterThan(0);

    // Endorsing needs an account: created from the endorse page, with the way back kept.
    await page.getByRole("link", { name: /Soutenir la version 1/ }).first().click();
    await page.waitForURL((u) => u.pathname === `/d/${SLUG}/endorse` && u.searchParams.get("lang") === "fr");
    await page.getByRole("heading", { name: "Connectez-vous pour apporter votre soutien" }).waitFor();
    await page.locator('main a[href^="/signup?redirectTo="]').click();
    await page.getByRole("heading", { name: "Créer un compte" }).waitFor();
    const email = uniqueEmail("camille");
    await page.getByLabel("Votre nom").fill("Camille Martin");
    await page.getByLabel("Adresse e-mail").fill(email);
    await page.getByLabel("Mot de passe").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Créer le compte" }).click();
    await page.getByRole("heading", { name: "Consultez vos e-mails" }).waitFor();

    // The confirmation mail is in French; its link, opened in the same browser, confirms with one button.
    const confirmation = await mailTo(email);
    expect(confirmation.subject).not.toMatch(/confirm your/i);
    expect(`${confirmation.subject}\n${confirmation.text}`).toMatch(/adresse e-mail/i);
    const link = /https?:\/\/[^/\s]+(\/verify-email\?token=[^\s]+)/.exec(confirmation.text);
    expect(link, "the mail carries the confirmation link").not.toBeNull();
    await page.goto(server.url + link![1]!);
    await page.locator('main form[method="post"] button[type="submit"]').click();
    await page.waitForURL((u) => u.pathname === `/d/${SLUG}/endorse` && u.searchParams.get("lang") === "fr");

    // The endorse form, in French, says which translation was read.
    await page.getByLabel("Votre nom").fill("Camille Martin");
    await page.locator("#field-country").selectOption("FR");
    await page.getByLabel("Policier en activité (ou autre agent des forces de l’ordre)").check();
    await page.getByLabel(/J’accepte que ce soutien soit rendu public/).check();
    await page.getByRole("button", { name: "Soutenir la version 1" }).click();
    await page.waitForURL(/\/e\/[0-9a-f-]{36}\?new=1$/);
    const receipt = (await page.locator("main").textContent()) ?? "";
    expect(receipt).toContain("Merci : votre soutien est enregistré");
    expect(receipt).toContain("Lu en");
    expect(receipt).toContain(translationHash);
    expect(receipt).toContain(sourceHash);

    // Bound to the authoritative text; the translation read is recorded beside it.
    const [row] = await getSql()<{ sha256: string; read_language: string | null; read_sha256: string | null }[]>`
      select pv.sha256, e.read_language, e.read_sha256 from endorsements e join published_versions pv on pv.id = e.published_version_id
      join users u on u.id = e.user_id where u.email = ${email}`;
    expect(row).toEqual({ sha256: sourceHash, read_language: "fr", read_sha256: translationHash });

    // A new version: the mail asking to re-confirm is in French, the language of the translation read (the account
    // chose no language).
    const sql = getSql();
    await sql.begin((tx) => appendUpdates(tx, documentId, [{ update: paragraphUpdate("Un paragraphe ajouté par l’atelier."), userId: organiserId }]));
    const v2 = await saveVersion({ document: (await findDocumentForUser(documentId, organiserId))!, userId: organiserId, name: "Second text" });
    const published = await publishVersion({ documentId, versionId: v2.id, actorId: organiserId });
    expect(published.notified).toBe(1);
    const renewal = await mailTo(email);
    expect(renewal.subject).toMatch(/^Nouvelle version de « .+ » : merci de confirmer à nouveau votre soutien$/);
    expect(renewal.text).toContain("Votre soutien reste lié au texte exact de la version 1");
    expect(renewal.text).toContain(`/d/${SLUG}/reconfirm`);

    // The footer's switch, without JavaScript: the same receipt, now in Swedish.
    const receiptPath = new URL(page.url()).pathname;
    // One line: its label, the list (as wide as its names) and the button side by side.
    const boxes = await Promise.all([page.locator("label[for=language-switch]"), page.getByLabel("Langue"), page.getByRole("button", { name: "Changer" })].map((l) => l.boundingBox()));
    expect(Math.max(...boxes.map((b) => b!.y)), "the switch's parts share one line").toBeLessThan(Math.min(...boxes.map((b) => b!.y + b!.height)));
    await page.getByLabel("Langue").selectOption("sv");
    await page.getByRole("button", { name: "Changer" }).click();
    await page.waitForURL((u) => u.pathname === receiptPath);
    expect(await page.locator("html").getAttribute("lang")).toBe("sv");
    expect(await page.locator("main").textContent()).toContain("Kvitto på stöd");
    // Signed in, the choice is the account's: later mails come in Swedish.
    expect((await getSql()<{ language: string | null }[]>`select language from users where email = ${email}`)[0]!.language).toBe("sv");

    await context.close();
  });

  it("passes axe-core on the French declaration and endorse pages", async () => {
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    await page.goto(`${server.url}/d/${SLUG}?lang=fr`);
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    await expectNoAxeViolations(page);
    await page.goto(`${server.url}/d/${SLUG}/endorse?lang=fr`);
    await expectNoAxeViolations(page);
    await context.close();
  });
});
