/**
 * Declarations as parallel texts (issue 14), over real HTTP and PostgreSQL: starting a translation of a published
 * version, co-editing it live, publishing it (its own hash, bound to the source version's number and hash), the
 * source moving on (outdated everywhere until a translation of the new version is published), the public pages
 * and JSON per language, endorsing from a translation, the verify command, and hostile input.
 */
import { createHash, randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JSONContent } from "@tiptap/core";
import { getSql } from "../../db/client";
import type { UserRow } from "../../db/users";
import { documentPlainText, renderDocumentHtml, tiptapJsonToProseMirror } from "../../app/editor/document-tools.server";
import { addMember, createUser, createWorkshop, TEST_PASSWORD } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";
import { connectClient, sessionCookie, waitFor } from "../support/collab-client";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");

let server: TestServer;
let workshop: { id: string; slug: string };
let organiser: UserRow;
let organiserBrowser: Browserish;
let versionCount = 0;

const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

async function signedIn(user: UserRow): Promise<Browserish> {
  const browser = new Browserish(server.url);
  const res = await browser.post("/login", { email: user.email, password: TEST_PASSWORD });
  expect(res.status, "login should redirect").toBe(302);
  return browser;
}

async function createDocument(title: string): Promise<{ id: string; slug: string }> {
  const slug = `doc-${randomBytes(4).toString("hex")}`;
  const [row] = await getSql()`
    insert into documents (workshop_id, slug, title, kind) values (${workshop.id}, ${slug}, ${title}, 'declaration') returning id`;
  return { id: row!.id as string, slug };
}

/** A named version of a title heading and paragraphs, as the versions feature stores it. */
async function createVersion(documentId: string, title: string, paragraphs: string[]): Promise<string> {
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
    values (${documentId}, ${`Version ${++versionCount}`}, ${organiser.id}, 0, ${Buffer.from([0, 0])}, ${getSql().json(json as never)},
            ${renderDocumentHtml(node)}, ${documentPlainText(node)})
    returning id`;
  return row!.id as string;
}

async function postJson(browser: Browserish | null, pathname: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${pathname}`, {
    method: "POST",
    headers: { origin: server.url, "content-type": "application/json", cookie: browser?.cookieHeader() ?? "", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const publish = (documentId: string, body: unknown) => postJson(organiserBrowser, `/api/documents/${documentId}/publish`, body);
const translate = (documentId: string, body: unknown, browser: Browserish | null = organiserBrowser) =>
  postJson(browser, `/api/documents/${documentId}/translations`, body);

/** A published declaration with `versions` published versions (paragraph texts per version). */
async function publishedDeclaration(title: string, versions: string[][]): Promise<{ id: string; slug: string; hashes: string[] }> {
  const doc = await createDocument(title);
  const hashes: string[] = [];
  for (const paragraphs of versions) {
    const res = await publish(doc.id, { versionId: await createVersion(doc.id, title, paragraphs) });
    expect(res.status).toBe(201);
    hashes.push(((await res.json()) as { hash: string }).hash);
  }
  return { id: doc.id, slug: doc.slug, hashes };
}

/** Co-edit a translation document live: replace each block's words by `words` (in order), wait for "saved". */
async function translateLive(documentId: string, words: string[]): Promise<void> {
  const client = connectClient(server.url, documentId, await sessionCookie(organiser.id));
  try {
    await waitFor(() => client.provider.synced, "the first sync");
    const fragment = client.doc.getXmlFragment("default");
    expect(fragment.length).toBe(words.length);
    client.doc.transact(() => {
      fragment.toArray().forEach((block, i) => {
        const text = (block as Y.XmlElement).get(0) as Y.XmlText;
        text.delete(0, text.length);
        text.insert(0, words[i]!);
      });
    });
    await waitFor(() => client.isSaved(), "the edit to be saved");
  } finally {
    client.destroy();
  }
}

async function saveVersion(documentId: string): Promise<string> {
  const res = await postJson(organiserBrowser, `/api/documents/${documentId}/versions`, { name: `Translation ${++versionCount}` });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  server = await startTestServer();
  workshop = await createWorkshop();
  organiser = await createUser({ name: "Olga Organiser" });
  await addMember(workshop.id, organiser.id, "organizer");
  organiserBrowser = await signedIn(organiser);
});

afterAll(async () => {
  await server?.close();
});

describe("a translation's lifecycle", () => {
  it("starts from a published version, is co-edited live, is sealed with its own hash bound to the source, goes outdated with the source's next version, and a translation of that version replaces it", async () => {
    const source = await publishedDeclaration("Call by police", [["We call for reform."]]);
    const [{ language }] = (await getSql()`select language from documents where id = ${source.id}`) as unknown as [{ language: string }];
    expect(language).toBe("en");

    const started = await translate(source.id, { language: "FR", versionNumber: 1 });
    expect(started.status).toBe(201);
    const { documentId } = (await started.json()) as { documentId: string };
    const [doc] = await getSql()`
      select workshop_id, language, translation_of, source_version_number, source_sha256, status from documents where id = ${documentId}`;
    expect(doc).toMatchObject({ workshop_id: workshop.id, language: "fr", translation_of: source.id, source_version_number: 1, source_sha256: source.hashes[0], status: "draft" });

    // The translators' page: pre-filled with the source text, bound to version 1, not outdated.
    const page = await organiserBrowser.get(`/documents/${documentId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("We call for reform.");
    expect(html).toMatch(/Translation into French of/);
    expect(html).toMatch(/translates version 1\./);
    expect(html).toContain('lang="fr"');
    expect(html).toContain("Show the source side by side");
    // The same page for a translator whose browser asks for French: the side-by-side view's words are French.
    const frenchPage = await (await organiserBrowser.get(`/documents/${documentId}`, { "accept-language": "fr-FR,fr;q=0.9" })).text();
    expect(frenchPage).toContain("Afficher le texte source en regard");
    expect(frenchPage).toContain("Paragraphes dont la structure ne correspond plus au texte source");
    expect(frenchPage).not.toContain("Show the source side by side");

    // The organisers' publish pages: the source offers to start translations and lists this one; the translation says what it translates.
    const sourcePublish = await (await organiserBrowser.get(`/documents/${source.id}/publish`)).text();
    expect(sourcePublish).toMatch(/Start a translation/);
    expect(sourcePublish).toMatch(/French · translates version 1 · not published yet/);
    const translationPublish = await (await organiserBrowser.get(`/documents/${documentId}/publish`)).text();
    expect(translationPublish).toMatch(/Translation into French of “Call by police”, version 1\./);
    expect(translationPublish).not.toMatch(/Start a translation/);

    await translateLive(documentId, ["Appel de la police", "Nous appelons à une réforme."]);
    const translationVersion = await saveVersion(documentId);
    const sealed = await publish(documentId, { versionId: translationVersion });
    expect(sealed.status).toBe(201);
    const body = (await sealed.json()) as { slug: string; language: string; number: number; hash: string; sourceVersion: { number: number; hash: string } };
    const canonical = "Appel de la police\n\nNous appelons à une réforme.\n";
    expect(body).toEqual({ slug: source.slug, language: "fr", number: 1, hash: sha256Hex(canonical), sourceVersion: { number: 1, hash: source.hashes[0] } });
    const [row] = await getSql()`select canonical_text, title, source_number, source_sha256 from published_translations where document_id = ${documentId}`;
    expect(row).toEqual({ canonical_text: canonical, title: "Appel de la police", source_number: 1, source_sha256: source.hashes[0] });
    // Sealed: the database refuses to change it.
    await expect(getSql()`update published_translations set title = 'x' where document_id = ${documentId}`).rejects.toThrow(/immutable/);

    let api = (await (await fetch(`${server.url}/api/declarations/${source.slug}/translations/fr`)).json()) as Record<string, unknown>;
    expect(api).toMatchObject({ language: "fr", title: "Appel de la police", text: canonical, hash: body.hash, sourceVersion: { number: 1, hash: source.hashes[0] }, current: true });

    // The source publishes version 2: the French translation is outdated everywhere.
    const v2 = await publish(source.id, { versionId: await createVersion(source.id, "Call by police", ["We call for reform.", "Now."]) });
    expect(v2.status).toBe(201);
    const v2Hash = ((await v2.json()) as { hash: string }).hash;
    api = (await (await fetch(`${server.url}/api/declarations/${source.slug}/translations/fr`)).json()) as Record<string, unknown>;
    expect(api.current).toBe(false);
    const declaration = (await (await fetch(`${server.url}/api/declarations/${source.slug}`)).json()) as { language: string; translations: unknown[] };
    expect(declaration.language).toBe("en");
    expect(declaration.translations).toEqual([{ language: "fr", title: "Appel de la police", hash: body.hash, sourceVersion: { number: 1, hash: source.hashes[0] }, current: false }]);
    const outdatedPage = await (await organiserBrowser.get(`/documents/${documentId}`)).text();
    expect(outdatedPage).toMatch(/translates version 1 — outdated: version 2 has been published since/);
    expect(outdatedPage).toMatch(/What changed in the source from version 1 to version 2/);
    expect(outdatedPage).toContain("Now.");
    const publicPage = await (await fetch(`${server.url}/d/${source.slug}?lang=fr`)).text();
    expect(publicPage).toMatch(/translates version 1 — outdated/);
    // An outdated translation is not chosen for a French reader by default.
    const frenchReader = await (await fetch(`${server.url}/d/${source.slug}`, { headers: { "accept-language": "fr-FR,fr;q=0.9" } })).text();
    expect(frenchReader).not.toContain("Nous appelons");

    // A translation of version 2 (started from the publish page's form), published: current again.
    const second = await organiserBrowser.post(`/documents/${source.id}/publish`, { intent: "translate", language: "fr", versionNumber: "2" });
    expect(second.status).toBe(302);
    const secondId = (second.headers.get("location") ?? "").replace(/^\/documents\//, "");
    const [bound] = await getSql()`select source_version_number, source_sha256 from documents where id = ${secondId}`;
    expect(bound).toEqual({ source_version_number: 2, source_sha256: v2Hash });
    const badForm = await organiserBrowser.post(`/documents/${source.id}/publish`, { intent: "translate", language: "en_US", versionNumber: "2" });
    expect(badForm.status).toBe(400);
    expect(await badForm.text()).toMatch(/BCP 47/);
    await translateLive(secondId, ["Appel de la police", "Nous appelons à une réforme.", "Maintenant."]);
    const sealed2 = await publish(secondId, { versionId: await saveVersion(secondId) });
    expect(sealed2.status).toBe(201);
    expect(await sealed2.json()).toMatchObject({ language: "fr", number: 1, sourceVersion: { number: 2, hash: v2Hash } });
    api = (await (await fetch(`${server.url}/api/declarations/${source.slug}/translations/fr`)).json()) as Record<string, unknown>;
    expect(api).toMatchObject({ current: true, sourceVersion: { number: 2, hash: v2Hash } });
    expect(api.text).toContain("Maintenant.");
  });
});

describe("an outdated translation moving on", () => {
  it("translates the newest version in the same document: its text stays, the source's changes are shown, and its next publication is bound to the newest version", async () => {
    const d = await withTranslation("Moving on", ["First words."], "it", ["Andare avanti", "Prime parole."]);
    const documentId = ((await getSql()`select id from documents where translation_of = ${d.id}`) as unknown as [{ id: string }])[0].id;
    const early = await organiserBrowser.post(`/documents/${documentId}/publish`, { intent: "retarget" });
    expect(early.status).toBe(409);
    const v2 = await publish(d.id, { versionId: await createVersion(d.id, "Moving on", ["First words.", "Added words."]) });
    const v2Hash = ((await v2.json()) as { hash: string }).hash;
    expect(await (await organiserBrowser.get(`/documents/${documentId}/publish`)).text()).toMatch(/Translate version 2 now/);

    const moved = await organiserBrowser.post(`/documents/${documentId}/publish`, { intent: "retarget" });
    expect(moved.status).toBe(200);
    expect(await moved.text()).toMatch(/now translates version 2/);
    const [bound] = await getSql()`select source_version_number, source_sha256 from documents where id = ${documentId}`;
    expect(bound).toEqual({ source_version_number: 2, source_sha256: v2Hash });
    const page = await (await organiserBrowser.get(`/documents/${documentId}`)).text();
    expect(page).toMatch(/translates version 2\./);
    expect(page).toMatch(/What changed in the source from version 1 to version 2/);
    expect(page).toContain("Prime parole.");
    // Still outdated in public until the translation of version 2 is published.
    let api = (await (await fetch(`${server.url}/api/declarations/${d.slug}/translations/it`)).json()) as Record<string, unknown>;
    expect(api).toMatchObject({ current: false, sourceVersion: { number: 1 } });

    const client = connectClient(server.url, documentId, await sessionCookie(organiser.id));
    try {
      await waitFor(() => client.provider.synced, "the first sync");
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText("Parole aggiunte.")]);
      client.doc.getXmlFragment("default").push([paragraph]);
      await waitFor(() => client.isSaved(), "the edit to be saved");
    } finally {
      client.destroy();
    }
    const sealed = await publish(documentId, { versionId: await saveVersion(documentId) });
    expect(sealed.status).toBe(201);
    expect(await sealed.json()).toMatchObject({ language: "it", number: 2, sourceVersion: { number: 2, hash: v2Hash } });
    api = (await (await fetch(`${server.url}/api/declarations/${d.slug}/translations/it`)).json()) as Record<string, unknown>;
    expect(api).toMatchObject({ current: true, sourceVersion: { number: 2, hash: v2Hash } });
    expect(api.text).toBe("Andare avanti\n\nPrime parole.\n\nParole aggiunte.\n");
    // The editor, a non-organiser, cannot move it on.
    const editor = await createUser({ name: "Edna Editor" });
    await addMember(workshop.id, editor.id, "editor");
    expect((await (await signedIn(editor)).post(`/documents/${documentId}/publish`, { intent: "retarget" })).status).toBe(403);
  });
});

describe("starting a translation: hostile input", () => {
  it("refuses bad and huge language tags, versions that do not exist, non-organisers, strangers, foreign origins and a translation of a translation", async () => {
    const source = await publishedDeclaration("Hostile", [["Text."]]);
    for (const language of ["", "f", "en_US", "x-private", "und", "fr-", "<script>", "a".repeat(36), "fr-" + "abcdefgh-".repeat(400), 42, null]) {
      const res = await translate(source.id, { language, versionNumber: 1 });
      expect(res.status, `language ${JSON.stringify(language)?.slice(0, 40)}`).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/BCP 47|language/);
    }
    for (const versionNumber of [0, -1, 1.5, "1", 2, 999_999, 1e12]) {
      const res = await translate(source.id, { language: "fr", versionNumber });
      expect([400, 404], `version ${versionNumber}`).toContain(res.status);
    }
    expect((await translate(source.id, { language: "fr", versionNumber: 2 })).status).toBe(404);
    expect((await translate(source.id, "not json")).status).toBe(400);
    expect((await translate(source.id, { language: "en", versionNumber: 1 })).status).toBe(409);

    const unpublished = await createDocument("Draft only");
    expect((await translate(unpublished.id, { language: "fr", versionNumber: 1 })).status).toBe(404);

    const editor = await createUser({ name: "Ed Editor" });
    await addMember(workshop.id, editor.id, "editor");
    expect((await translate(source.id, { language: "fr", versionNumber: 1 }, await signedIn(editor))).status).toBe(403);
    const stranger = await createUser({ name: "Stranger" });
    expect((await translate(source.id, { language: "fr", versionNumber: 1 }, await signedIn(stranger))).status).toBe(404);
    expect((await translate(source.id, { language: "fr", versionNumber: 1 }, null)).status).toBe(401);
    const foreign = await postJson(organiserBrowser, `/api/documents/${source.id}/translations`, { language: "fr", versionNumber: 1 }, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);

    const started = await translate(source.id, { language: "sv", versionNumber: 1 });
    expect(started.status).toBe(201);
    const translationId = ((await started.json()) as { documentId: string }).documentId;
    // A translation of a translation: nothing to translate from until published, and refused once it is.
    expect((await translate(translationId, { language: "de", versionNumber: 1 })).status).toBe(404);
    await translateLive(translationId, ["Fientligt", "Text på svenska."]);
    expect((await publish(translationId, { versionId: await saveVersion(translationId) })).status).toBe(201);
    const nested = await translate(translationId, { language: "de", versionNumber: 1 });
    expect([404, 409]).toContain(nested.status);
    const [{ n }] = (await getSql()`select count(*)::int as n from documents where translation_of = ${translationId}`) as unknown as [{ n: number }];
    expect(n).toBe(0);
    // Nothing was created by any refused request.
    const [{ m }] = (await getSql()`select count(*)::int as m from documents where translation_of = ${source.id}`) as unknown as [{ m: number }];
    expect(m).toBe(1);
  });

  it("refuses to publish a translation whose text is still the source text", async () => {
    const source = await publishedDeclaration("Untranslated", [["Same words."]]);
    const started = await translate(source.id, { language: "es", versionNumber: 1 });
    const translationId = ((await started.json()) as { documentId: string }).documentId;
    const res = await publish(translationId, { versionId: await saveVersion(translationId) });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/very text it translates/);
    const [{ n }] = (await getSql()`select count(*)::int as n from published_translations where document_id = ${translationId}`) as unknown as [{ n: number }];
    expect(n).toBe(0);
  });
});

/** A declaration with a published translation into `language` whose paragraphs are `words` (title first). */
async function withTranslation(title: string, paragraphs: string[], language: string, words: string[]): Promise<{ id: string; slug: string; hashes: string[]; translationHash: string }> {
  const source = await publishedDeclaration(title, [paragraphs]);
  const started = await translate(source.id, { language, versionNumber: 1 });
  expect(started.status).toBe(201);
  const translationId = ((await started.json()) as { documentId: string }).documentId;
  await translateLive(translationId, words);
  const sealed = await publish(translationId, { versionId: await saveVersion(translationId) });
  expect(sealed.status).toBe(201);
  return { ...source, translationHash: ((await sealed.json()) as { hash: string }).hash };
}

/** Everything in a page that would make a browser run or fetch JavaScript. */
const javaScriptIn = (html: string) => [...html.matchAll(/<script\b[^>]*>|<link\b[^>]*rel="modulepreload"[^>]*>|\son[a-z]+="/gi)].map((m) => m[0]);

describe("the public pages in several languages", () => {
  it("list the languages with hreflang alternates, choose the reader's language, say plainly it is a translation, and set lang and dir=rtl for Arabic, without JavaScript", async () => {
    const d = await withTranslation("Call by police", ["We call for reform."], "ar", ["نداء من الشرطة", "ندعو إلى الإصلاح."]);
    const original = await (await fetch(`${server.url}/d/${d.slug}`)).text();
    expect(original).toContain("We call for reform.");
    expect(original).toMatch(new RegExp(`<link rel="alternate" hrefLang="ar" href="[^"]*/d/${d.slug}\\?lang=ar"|<link[^>]*hreflang="ar"`, "i"));
    expect(original).toMatch(/<link[^>]*hreflang="en"/i);
    expect(original).toMatch(/<link[^>]*hreflang="x-default"/i);
    expect(original).toContain(`href="/d/${d.slug}?lang=ar"`);
    expect(original).not.toMatch(/This is a translation/);

    const arabicReader = await fetch(`${server.url}/d/${d.slug}`, { headers: { "accept-language": "ar-EG,ar;q=0.9,en;q=0.5" } });
    expect(arabicReader.headers.get("vary") ?? "").toMatch(/Accept-Language/i);
    const page = await arabicReader.text();
    expect(page).toMatch(/<article[^>]*lang="ar"[^>]*dir="rtl"[^>]*>[\s\S]*ندعو إلى الإصلاح\./);
    expect(page).toMatch(/This is a translation into Arabic/);
    expect(page).toMatch(/It translates version 1 of the authoritative text\./);
    // A French reader of the Arabic translation: the statement and the language list in French, Arabic named in French.
    const french = await (await fetch(`${server.url}/d/${d.slug}?lang=ar`, { headers: { "accept-language": "fr" } })).text();
    const frenchMain = french.slice(french.indexOf("<main"), french.indexOf("</main>"));
    expect(frenchMain).toContain("Ceci est une traduction en arabe");
    expect(frenchMain).toContain("Elle traduit la version 1 du texte qui fait foi.");
    expect(frenchMain).toContain("Lire en :");
    expect(frenchMain).toContain("Traduction en arabe de la version 1");
    expect(frenchMain).toContain("SHA-256 de cette traduction");
    for (const english of ["This is a translation", "It translates version", "Read in:", "of this translation", "canonical text"]) expect(frenchMain, english).not.toContain(english);
    expect(page).toContain(d.translationHash);
    expect(page).toContain(d.hashes[0]);
    expect(page).toContain(`href="/d/${d.slug}?lang=en"`);
    expect(page).toContain(`/d/${d.slug}/endorse?lang=ar`);
    expect(javaScriptIn(page)).toEqual([]);
    // The way back: the original, whatever the reader's language.
    const back = await (await fetch(`${server.url}/d/${d.slug}?lang=en`, { headers: { "accept-language": "ar" } })).text();
    expect(back).toContain("We call for reform.");
    expect(back).not.toMatch(/This is a translation/);
    // A reader whose languages have no translation reads the original.
    expect(await (await fetch(`${server.url}/d/${d.slug}`, { headers: { "accept-language": "sv, de;q=0.8" } })).text()).toContain("We call for reform.");
    // Filtering the signatories keeps the language chosen.
    const filteredPage = await (await fetch(`${server.url}/d/${d.slug}?lang=ar&kind=individual`)).text();
    expect(filteredPage).toContain('<input type="hidden" name="lang" value="ar"/>');
    expect(filteredPage).toContain(`href="/d/${d.slug}?lang=ar#signatories"`);
    // The verification page knows a translation's fingerprint.
    const verified = await (await fetch(`${server.url}/verify?hash=${d.translationHash}`)).text();
    expect(verified).toMatch(/This is exactly a published translation/);
    expect(verified).toContain(`href="/d/${d.slug}?lang=ar"`);
    // Left-to-right translations say so too.
    expect(await (await fetch(`${server.url}/d/${d.slug}?lang=AR`)).text()).toMatch(/dir="rtl"/);
  });

  it("answer 404 for a language without a translation, a malformed or huge tag, and an unknown declaration", async () => {
    const d = await withTranslation("Not found", ["Text."], "de", ["Nicht gefunden", "Text auf Deutsch."]);
    for (const lang of ["fr", "x-private", "en_US", "<b>", "a".repeat(5000), "de-" + "abcdefgh-".repeat(100)]) {
      expect((await fetch(`${server.url}/d/${d.slug}?lang=${encodeURIComponent(lang)}`)).status, `page ?lang=${lang.slice(0, 20)}`).toBe(404);
      const api = await fetch(`${server.url}/api/declarations/${d.slug}/translations/${encodeURIComponent(lang)}`);
      expect(api.status, `api ${lang.slice(0, 20)}`).toBe(404);
      expect(api.headers.get("content-type")).toMatch(/^application\/json/);
    }
    expect((await fetch(`${server.url}/api/declarations/no-such-declaration/translations/de`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/declarations/${d.slug}/translations/DE`)).status).toBe(200);
    // A hostile Accept-Language is ignored, not an error.
    const hostile = await fetch(`${server.url}/d/${d.slug}`, { headers: { "accept-language": "de;q=abc, " + "x".repeat(4000) + ",;;;,*" } });
    expect(hostile.status).toBe(200);
  });
});

describe("the public micro-cache", () => {
  it("keeps one copy of a declaration's page per reader language, so a cached page never answers in another language", async () => {
    const d = await withTranslation("Cached", ["Cached text."], "fi", ["Välimuisti", "Välimuistissa oleva teksti."]);
    const cached = await startTestServer({}, 60_000);
    try {
      const read = async (language: string) => {
        const res = await fetch(`${cached.url}/d/${d.slug}`, { headers: { "accept-language": language } });
        return { cache: res.headers.get("x-accord-cache"), finnish: (await res.text()).includes("Välimuistissa oleva teksti.") };
      };
      expect(await read("fi")).toEqual({ cache: "miss", finnish: true });
      expect(await read("en")).toEqual({ cache: "miss", finnish: false });
      expect(await read("fi-FI,fi;q=0.9")).toEqual({ cache: "miss", finnish: true });
      expect(await read("fi")).toEqual({ cache: "hit", finnish: true });
      expect(await read("en")).toEqual({ cache: "hit", finnish: false });
      // A translation's JSON is cached like the declaration's (one copy per path: the language is in it).
      const json = async () => {
        const res = await fetch(`${cached.url}/api/declarations/${d.slug}/translations/fi`);
        return { cache: res.headers.get("x-accord-cache"), text: ((await res.json()) as { text: string }).text };
      };
      expect(await json()).toMatchObject({ cache: "miss", text: expect.stringContaining("Välimuistissa oleva teksti.") });
      expect(await json()).toMatchObject({ cache: "hit", text: expect.stringContaining("Välimuistissa oleva teksti.") });
    } finally {
      await cached.close();
    }
  });
});

describe("endorsing from a translated page", () => {
  it("binds the endorsement to the authoritative version's hash, records the language read and that translation's hash, shows both on the receipt, and counts it with the authoritative version", async () => {
    const d = await withTranslation("Endorse me", ["Please endorse."], "fr", ["Approuvez-moi", "Merci d'approuver."]);
    const signer = await createUser({ name: "Sam Signer" });
    const browser = await signedIn(signer);
    const form = await browser.get(`/d/${d.slug}/endorse?lang=fr`);
    const formHtml = await form.text();
    expect(formHtml).toMatch(/You read the French translation/);
    expect(formHtml).toContain('name="readLanguage" value="fr"');

    const res = await postJson(browser, `/api/declarations/${d.slug}/endorsements`, {
      kind: "individual", name: "Sam Signer", country: "FR", capacity: "individual", publicFields: ["name"], consent: true, readLanguage: "FR",
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const [row] = await getSql()`select version_sha256, read_language, read_sha256 from endorsements where id = ${id}`;
    expect(row).toEqual({ version_sha256: d.hashes[0], read_language: "fr", read_sha256: d.translationHash });

    const receipt = await (await fetch(`${server.url}/e/${id}`)).text();
    expect(receipt).toContain(d.hashes[0]);
    expect(receipt).toMatch(/Read in/);
    expect(receipt).toContain(d.translationHash);
    // The public entry shows nothing new; the count is the authoritative version's.
    const entries = (await (await fetch(`${server.url}/api/declarations/${d.slug}/endorsements`)).json()) as Record<string, unknown>[];
    expect(entries).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toMatch(/fr"|readLanguage|read_|translation/i);
    const declaration = (await (await fetch(`${server.url}/api/declarations/${d.slug}`)).json()) as { counts: { current: number } };
    expect(declaration.counts.current).toBe(1);
    // The organisers' export says which language each signer read, with that translation's hash.
    const exported = (await (await organiserBrowser.get(`/documents/${d.id}/endorsements/export?format=json`)).json()) as Record<string, unknown>[];
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ version_sha256: d.hashes[0], read_language: "fr", read_sha256: d.translationHash });
    const csv = await (await organiserBrowser.get(`/documents/${d.id}/endorsements/export?format=csv`)).text();
    expect(csv.split("\r\n")[0]).toMatch(/,read_language,read_sha256$/);
    expect(csv).toContain(`,fr,${d.translationHash}`);
  });

  it("offers the endorse form in each language of the text, in French, as plain links, so a reader endorses having read theirs", async () => {
    const d = await withTranslation("Endorse in mine", ["Please endorse."], "fr", ["Approuvez dans la mienne", "Merci d'approuver."]);
    const signer = await createUser({ name: "Line Langue" });
    const browser = await signedIn(signer);
    const fr = { "accept-language": "fr-FR,fr;q=0.9" };
    const plain = await (await browser.get(`/d/${d.slug}/endorse`, fr)).text();
    expect(plain).toContain(`<a href="/d/${d.slug}/endorse?lang=fr" lang="fr" hrefLang="fr">français</a>`);
    expect(plain).toMatch(/<strong lang="en" aria-current="page">English<\/strong>/);
    expect(plain).not.toContain('name="readLanguage"');

    const read = await (await browser.get(`/d/${d.slug}/endorse?lang=fr`, fr)).text();
    expect(read).toMatch(/<strong lang="fr" aria-current="page">français<\/strong>/);
    expect(read).toContain(`<a href="/d/${d.slug}/endorse" lang="en" hrefLang="en">English</a>`);
    expect(read).toContain('name="readLanguage" value="fr"');

    // A language the text is not in, or markup, is no translation read: the list stays, nothing is echoed.
    const odd = await (await browser.get(`/d/${d.slug}/endorse?lang=${encodeURIComponent("<b>x</b>")}`, fr)).text();
    expect(odd).not.toContain("<b>x</b>");
    expect(odd).not.toContain('name="readLanguage"');
    expect(odd).toContain(`href="/d/${d.slug}/endorse?lang=fr"`);

    // A declaration without translations shows no list.
    const lone = await publishedDeclaration("Endorse alone", [["Only English."]]);
    expect(await (await browser.get(`/d/${lone.slug}/endorse`, fr)).text()).not.toContain(`/d/${lone.slug}/endorse?lang=`);
  });

  it("refuses a bad readLanguage and one without a translation, and takes the authoritative language as no translation", async () => {
    const d = await withTranslation("Endorse hostile", ["Text."], "es", ["Hostil", "Texto."]);
    const signer = await createUser({ name: "Hal Hostile" });
    const browser = await signedIn(signer);
    const body = { kind: "individual", name: "Hal", country: "SE", capacity: "individual", publicFields: [], consent: true };
    for (const readLanguage of ["x".repeat(36), "en_US", 12, ["fr"], "pt"]) {
      const res = await postJson(browser, `/api/declarations/${d.slug}/endorsements`, { ...body, readLanguage });
      expect(res.status, `readLanguage ${JSON.stringify(readLanguage)}`).toBe(400);
      expect(((await res.json()) as { fields?: Record<string, string> }).fields).toHaveProperty("readLanguage");
    }
    const [{ n }] = (await getSql()`select count(*)::int as n from endorsements where user_id = ${signer.id}`) as unknown as [{ n: number }];
    expect(n).toBe(0);
    const original = await postJson(browser, `/api/declarations/${d.slug}/endorsements`, { ...body, readLanguage: "en" });
    expect(original.status).toBe(201);
    const [row] = await getSql()`select read_language, read_sha256 from endorsements where user_id = ${signer.id}`;
    expect(row).toEqual({ read_language: null, read_sha256: null });
    // The database keeps a recorded translation true to its hash.
    await expect(getSql()`update endorsements set read_language = 'es', read_sha256 = ${"0".repeat(64)},
      read_translation_id = (select id from published_translations where sha256 = ${d.translationHash}) where user_id = ${signer.id}`).rejects.toThrow(/does not match/);
  });
});

describe("re-confirming for a new version with a translation", () => {
  it("offers the current translation in the reader's language, records it with its hash, and refuses a language without one", async () => {
    const source = await publishedDeclaration("Reconfirm me", [["First wording."]]);
    const signer = await createUser({ name: "Rita Reconfirm" });
    const browser = await signedIn(signer);
    const first = await postJson(browser, `/api/declarations/${source.slug}/endorsements`, {
      kind: "individual", name: "Rita Reconfirm", country: "FR", capacity: "individual", publicFields: ["name"], consent: true,
    });
    expect(first.status).toBe(201);
    const firstId = ((await first.json()) as { id: string }).id;
    const second = await publish(source.id, { versionId: await createVersion(source.id, "Reconfirm me", ["Second wording, changed."]) });
    expect(second.status).toBe(201);
    const secondHash = ((await second.json()) as { hash: string }).hash;
    const started = await translate(source.id, { language: "fr", versionNumber: 2 });
    expect(started.status).toBe(201);
    const translationId = ((await started.json()) as { documentId: string }).documentId;
    await translateLive(translationId, ["Confirmez-moi", "Deuxième formulation, modifiée."]);
    const sealed = await publish(translationId, { versionId: await saveVersion(translationId) });
    expect(sealed.status).toBe(201);
    const translationHash = ((await sealed.json()) as { hash: string }).hash;

    // A French reader is offered the French translation of version 2, in a French page.
    const french = await (await browser.get(`/d/${source.slug}/reconfirm`, { "accept-language": "fr-FR,fr;q=0.9" })).text();
    expect(french).toMatch(/<html lang="fr"/);
    expect(french).toContain("Confirmer à nouveau pour la version 2");
    expect(french).toContain("Soutenir la version 2 avec les mêmes informations");
    expect(french).toContain('name="readLanguage" value="fr"');
    expect(french).toContain(translationHash);
    expect(french).toContain(`href="/d/${source.slug}?lang=fr"`);
    // An English reader reads the original: nothing to record.
    const english = await (await browser.get(`/d/${source.slug}/reconfirm`, { "accept-language": "en" })).text();
    expect(english).toContain("Endorse version 2 with the same details");
    expect(english).not.toContain('name="readLanguage"');
    // `?lang=` names it too.
    expect(await (await browser.get(`/d/${source.slug}/reconfirm?lang=fr`, { "accept-language": "en" })).text()).toContain('name="readLanguage" value="fr"');

    // A language without a translation is refused, in the reader's language, and nothing is stored.
    const refused = await browser.post(`/d/${source.slug}/reconfirm`, { endorsementId: firstId, readLanguage: "pt" }, { "accept-language": "fr" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Cette déclaration n’a pas de traduction publiée dans cette langue.");
    const [{ n }] = (await getSql()`select count(*)::int as n from endorsements where user_id = ${signer.id}`) as unknown as [{ n: number }];
    expect(n).toBe(1);

    const res = await browser.post(`/d/${source.slug}/reconfirm`, { endorsementId: firstId, readLanguage: "fr" }, { "accept-language": "fr" });
    expect(res.status).toBe(302);
    const [row] = await getSql()`select version_sha256, reconfirms, read_language, read_sha256 from endorsements where user_id = ${signer.id} and reconfirms is not null`;
    expect(row).toEqual({ version_sha256: secondHash, reconfirms: firstId, read_language: "fr", read_sha256: translationHash });
  });
});

describe("npm run accord -- verify, for a translation", () => {
  const cli = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(TSX, ["server/cli.ts", "verify", ...args], { cwd: ROOT, env: process.env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };

  it("recomputes the translation's hash and the source hash it names (OK, exit 0), and reports a tampered one (MISMATCH, exit 1)", { timeout: 120_000 }, async () => {
    const d = await withTranslation("Verify me", ["Check this."], "sv", ["Kontrollera mig", "Kontrollera detta."]);
    // A stand-in server that names a source hash its source text does not have.
    const real = await (await fetch(`${server.url}/api/declarations/${d.slug}/translations/sv`)).json();
    const sourceText = await (await fetch(`${server.url}/d/${d.slug}/v/1/text`)).text();
    const fake = createServer((req, res) => {
      if ((req.url ?? "").includes("/translations/")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ...real, sourceVersion: { number: 1, hash: "f".repeat(64) } }));
      } else {
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        res.end(sourceText);
      }
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    try {
      const [viaPage, viaApi, wrongHash, tampered, missing] = await Promise.all([
        cli([`${server.url}/d/${d.slug}?lang=sv`]),
        cli([`${server.url}/api/declarations/${d.slug}/translations/sv`, "--hash", d.translationHash]),
        cli([`${server.url}/d/${d.slug}?lang=sv`, "--hash", "0".repeat(64)]),
        cli([`http://127.0.0.1:${(fake.address() as AddressInfo).port}/d/${d.slug}?lang=sv`]),
        cli([`${server.url}/d/${d.slug}?lang=fr`]),
      ]);
      const expected = `OK: the sv translation “Kontrollera mig” has SHA-256 ${d.translationHash}; it translates version 1, whose text has SHA-256 ${d.hashes[0]}\n`;
      expect(viaPage).toMatchObject({ code: 0, stdout: expected });
      expect(viaApi).toMatchObject({ code: 0, stdout: expected });
      expect(wrongHash.code).toBe(1);
      expect(wrongHash.stderr + wrongHash.stdout).toMatch(/MISMATCH/);
      expect(tampered.code).toBe(1);
      expect(tampered.stderr + tampered.stdout).toMatch(/MISMATCH: .*names version 1 with SHA-256 f{64}/);
      expect(missing.code).not.toBe(0);
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });
});
