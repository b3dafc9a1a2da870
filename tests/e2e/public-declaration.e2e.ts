/**
 * The public pages in a real browser with JavaScript disabled: readable, filterable (a plain GET form), free of
 * axe-core violations, and printable (the print stylesheet shows the URL, hash and date and the signatory annex,
 * and hides the filters and the changes). The organisers' publish page is checked with axe as well.
 * Set ACCORD_SCREENSHOTS=<dir> to keep screenshots for a human look.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { JSONContent } from "@tiptap/core";
import { closeDatabase, getSql } from "../../db/client";
import { documentPlainText, renderDocumentHtml, tiptapJsonToProseMirror } from "../../app/editor/document-tools.server";
import { publishVersion } from "../../app/models/publishing.server";
import { expectNoAxeViolations, launchBrowser } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { addMember, createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";
import { startServerProcess, type ServerProcess } from "../support/server-process";

let server: ServerProcess;
let browser: Browser;
let slug: string;
let documentId: string;
let organiserEmail: string;
const shots = process.env.ACCORD_SCREENSHOTS;

async function shot(page: Page, name: string): Promise<void> {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

async function version(docId: string, createdBy: string, title: string, paragraphs: string[], name: string): Promise<string> {
  const json: JSONContent = {
    type: "doc",
    content: [
      { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: title }] },
      ...paragraphs.map((p) => ({ type: "paragraph", content: [{ type: "text", text: p }] })),
    ],
  };
  const node = tiptapJsonToProseMirror(json);
  const [row] = await getSql()`
    insert into document_versions (document_id, name, created_by, log_seq, yjs_state, tiptap_json, html, plain_text)
    values (${docId}, ${name}, ${createdBy}, 0, ${Buffer.from([0, 0])}, ${getSql().json(json as never)}, ${renderDocumentHtml(node)}, ${documentPlainText(node)})
    returning id`;
  return row!.id as string;
}

/** Script errors and console errors of a page (a failed hydration shows up here). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !/favicon/.test(m.location().url)) errors.push(m.text());
  });
  return errors;
}

beforeAll(async () => {
  const url = await createE2eDatabase();
  server = await startServerProcess(url);
  const organiser = await createUser({ name: "Olivia Organiser", email: (organiserEmail = uniqueEmail("organiser")) });
  const [workshop] = await getSql()<{ id: string }[]>`select id from workshops order by slug limit 1`;
  await addMember(workshop!.id, organiser.id, "organizer");
  slug = `call-${randomBytes(3).toString("hex")}`;
  const title = "Call by police for harm reduction policing and drug policy reform";
  const [doc] = await getSql()`insert into documents (workshop_id, slug, title, kind) values (${workshop!.id}, ${slug}, ${title}, 'declaration') returning id`;
  documentId = doc!.id as string;
  const p1 = ["We, police officers and leaders, call for drug policies grounded in health and human rights.", "Punitive approaches have failed."];
  const v1 = await version(documentId, organiser.id, title, p1, "After session 1");
  await publishVersion({ documentId, versionId: v1, actorId: organiser.id });
  const v2 = await version(documentId, organiser.id, title, [p1[0]!, "Punitive approaches have failed and must end.", "We ask governments to act."], "After session 2");
  await publishVersion({ documentId, versionId: v2, actorId: organiser.id });
  const pvs = await getSql()<{ id: string; sha256: string; number: number }[]>`select id, sha256, number from published_versions where document_id = ${documentId} order by number`;
  const signer = async (pv: { id: string; sha256: string }, fields: Record<string, unknown>) => {
    const user = await createUser();
    const org = fields.kind === "organisation";
    await getSql()`
      insert into endorsements (published_version_id, version_sha256, user_id, kind, display_name, role_title, affiliation, country, capacity,
        statement, public_fields, organisation_name, organisation_key, organisation_type, website, signer_role, authorised, evidence, consent)
      values (${pv.id}, ${pv.sha256}, ${user.id}, ${org ? "organisation" : "individual"}, ${(fields.name as string) ?? (org ? null : "Private")},
        ${(fields.role as string) ?? null}, ${(fields.affiliation as string) ?? null}, ${fields.country as string}, ${org ? null : ((fields.capacity as string) ?? "individual")},
        ${(fields.statement as string) ?? null}, ${(fields.publicFields as string[]) ?? []}::text[], ${(fields.organisationName as string) ?? null},
        ${org ? String(fields.organisationName).toLowerCase() : null}, ${org ? "police_association" : null}, ${(fields.website as string) ?? null},
        ${org ? "Chair" : null}, ${org ? true : null}, ${org ? "domain" : "email"}, true)`;
  };
  await signer(pvs[1]!, { name: "Jane Doe", role: "Chief Inspector", affiliation: "Umeå Police", country: "SE", capacity: "serving_officer", statement: "Long overdue.", publicFields: ["name", "role", "affiliation", "country", "capacity", "statement"] });
  await signer(pvs[1]!, { country: "SE", capacity: "serving_officer", publicFields: ["capacity", "country"] });
  await signer(pvs[1]!, { kind: "organisation", organisationName: "Law Enforcement Action Partnership", country: "GB", website: "https://leap.example.org" });
  await signer(pvs[0]!, { name: "Erik Earlier", country: "NO", capacity: "retired_officer", publicFields: ["name", "country"] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

describe("the public declaration", () => {
  it("is readable, filterable and printable without JavaScript", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();

    await page.goto(`${server.url}/declarations`);
    await page.getByRole("link", { name: /Call by police/ }).click();
    await page.waitForURL(`**/d/${slug}`);
    await expect(page.locator(".counts").textContent()).resolves.toBe("3 endorse version 2; 1 endorsed an earlier version");
    await expect(page.getByText("A serving police officer, Sweden", { exact: true }).isVisible()).resolves.toBe(true);
    await shot(page, "declaration");

    await page.getByLabel("Who").selectOption("organisation");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/kind=organisation/);
    expect(await page.locator(".signatory__lead").allTextContents()).toEqual(["Law Enforcement Action Partnership"]);

    await page.goto(`${server.url}/d/${slug}`);
    await page.locator("details.changes summary").click();
    await expect(page.locator(".diff ins").first().isVisible()).resolves.toBe(true);

    await page.emulateMedia({ media: "print" });
    await expect(page.locator(".print-head").isVisible()).resolves.toBe(true);
    await expect(page.locator(".print-head").textContent()).resolves.toContain(`/d/${slug}`);
    await expect(page.locator("form.filters").isVisible()).resolves.toBe(false);
    await expect(page.locator("details.changes").isVisible()).resolves.toBe(false);
    await expect(page.locator(".site-header").isVisible()).resolves.toBe(false);
    await expect(page.locator("#signatories-title").innerText()).resolves.toBe("Annex: Signatories");
    await expect(page.locator(".signatory").count()).resolves.toBe(4);
    await shot(page, "declaration-print");
    await page.emulateMedia({ media: "screen" });

    await page.goto(`${server.url}/d/${slug}/v/1`);
    await expect(page.getByText("This is version 1, an earlier version.").isVisible()).resolves.toBe(true);
    await shot(page, "version-1");
    await page.goto(`${server.url}/d/${slug}/changes/2`);
    await expect(page.locator(".diff ins").first().textContent()).resolves.toMatch(/and must end/);
    await shot(page, "changes-2");
    await context.close();
  });

  // axe-core runs as a script in the page, so these checks need JavaScript on.
  it("has no axe-core violations (nor script errors) on any public page", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    for (const route of ["/declarations", `/d/${slug}`, `/d/${slug}?kind=organisation&country=GB`, `/d/${slug}/v/1`, `/d/${slug}/changes/2`]) {
      await page.goto(server.url + route);
      await expectNoAxeViolations(page);
    }
    await page.goto(`${server.url}/d/${slug}`);
    await page.locator("details.changes summary").click();
    await expectNoAxeViolations(page);
    // The verification page, with a text that differs from the current version (the result shows the difference).
    await page.getByRole("link", { name: "Check a text or a file against it" }).click();
    await page.getByLabel("The text").fill("A text nobody published.");
    await page.getByRole("button", { name: "Check the text" }).click();
    await page.getByText("No published version has this fingerprint.").first().waitFor();
    await expectNoAxeViolations(page);
    await shot(page, "verify");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the organisers' publish page has no axe violations", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/login`);
    await page.getByLabel("E-mail").fill(organiserEmail);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    await page.goto(`${server.url}/documents/${documentId}/publish`);
    await expect(page.getByRole("heading", { name: "Publish and endorsements" }).isVisible()).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await shot(page, "publish-page");
    // The preview of the older version: changes, warnings, full text and the confirmation.
    await page.getByLabel(/After session 1/).check();
    await page.getByRole("button", { name: "Preview this version" }).click();
    await page.getByRole("heading", { name: "Preview of “After session 1”" }).waitFor();
    await page.getByText("This version was saved before “After session 2”, which is public now as version 2.", { exact: false }).waitFor();
    await expectNoAxeViolations(page);
    await shot(page, "publish-preview");
    expect(errors).toEqual([]);
    await context.close();
  });
});
