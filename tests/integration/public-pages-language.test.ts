/**
 * The public side in the reader's language (issue 14): with `Accept-Language: fr` (and a page each in Spanish and
 * Swedish) the start page, the declarations, a declaration, the endorse form and its errors, a receipt and /verify
 * come in that language — `<html lang>`, the words, the dates and the country names — with no English left.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { call, DECLARATION_TEXT, formPairs, person, publishDeclaration, publishVersion, signer, type Declaration } from "../support/endorsement-fixtures";
import { startTestServer, type TestServer } from "../support/http-server";

let server: TestServer;
let declaration: Declaration;
let receiptId: string;

const get = (path: string, language: string, cookie?: string) => call(server.url, "GET", path, { headers: { "accept-language": language }, cookie });

/** The page's own text (not the data sent along with it). */
const mainOf = (html: string) => html.slice(html.indexOf("<main"), html.indexOf("</main>"));

const month = (language: string) => new Intl.DateTimeFormat(language, { month: "long", timeZone: "UTC" }).format(new Date());

function expectNoEnglish(main: string, words: string[]) {
  for (const w of words) expect(main, w).not.toContain(w);
}

beforeAll(async () => {
  server = await startTestServer();
  declaration = await publishDeclaration();
  const anna = await signer();
  const res = await call(server.url, "POST", `/api/declarations/${declaration.slug}/endorsements`, { cookie: anna.cookie, json: person() });
  expect(res.status).toBe(201);
  receiptId = ((await res.json()) as { id: string }).id;
});

afterAll(async () => {
  await server?.close();
});

beforeEach(async () => {
  await getSql()`delete from request_limits where key like 'endorse:%'`;
});

describe("the public pages in French", () => {
  it("the start page", async () => {
    const html = await (await get("/", "fr")).text();
    expect(html).toMatch(/<html lang="fr"/);
    const main = mainOf(html);
    expect(main).toContain("Rédigez une déclaration ensemble");
    expect(main).toContain("Nos engagements");
    expectNoEnglish(main, ["Draft a declaration", "What we promise", "Create an account", "Nothing typed is lost"]);
  });

  it("the declarations, with dates in French", async () => {
    const html = await (await get("/declarations", "fr")).text();
    expect(html).toMatch(/<html lang="fr"/);
    const main = mainOf(html);
    expect(main).toContain("Déclarations");
    expect(main).toContain("Ouverte aux soutiens");
    expect(main).toContain(month("fr"));
    expect(main).toMatch(/soutient la version 1|soutiennent la version 1/);
    expectNoEnglish(main, ["Published", "Open for endorsement", "endorse version", "individuals", "Also as JSON", month("en")]);
  });

  it("a declaration, its counts, signatories and country names", async () => {
    const html = await (await get(`/d/${declaration.slug}`, "fr")).text();
    expect(html).toMatch(/<html lang="fr"/);
    const main = mainOf(html);
    expect(main).toContain("Vérifier ce texte");
    expect(main).toContain("Soutenir la version 1");
    expect(main).toContain("Suède");
    expect(main).toContain("Un policier en activité");
    expect(main).toContain(month("fr"));
    expectNoEnglish(main, ["Verify this text", "Endorse version", "Sweden", "A serving police officer", "Signatories", "All countries", "Published versions", month("en")]);
  });

  it("the endorse form, and a validation error after a bad POST", async () => {
    const anna = await signer();
    const form = await get(`/d/${declaration.slug}/endorse`, "fr", anna.cookie);
    const main = mainOf(await form.text());
    expect(main).toContain("À quel titre apportez-vous votre soutien ?");
    expect(main).toContain("Policier en activité (ou autre agent des forces de l’ordre)");
    expect(main).toContain(">Suède</option>");
    expectNoEnglish(main, ["How are you endorsing?", "Your name", "Choose a country", "What may be shown publicly?", ">Sweden<"]);

    const res = await call(server.url, "POST", `/d/${declaration.slug}/endorse`, {
      cookie: anna.cookie,
      headers: { "accept-language": "fr" },
      form: formPairs({ kind: "individual", name: "Visit www.spam.example", country: "", capacity: "", publicFields: ["name"] }),
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/<html lang="fr"/);
    const answer = mainOf(html);
    expect(answer).toContain('<p class="error" id="field-name-error">Un nom ne peut pas contenir d’adresse web.</p>');
    expect(answer).toContain("Certaines informations doivent être corrigées :");
    expect(answer).toContain("Choisissez la qualité en laquelle vous apportez votre soutien.");
    expectNoEnglish(answer, ["A name cannot contain a web address.", "Some of the details need correcting", "Choose the capacity", "Tick the box"]);
  });

  it("the receipt", async () => {
    const html = await (await get(`/e/${receiptId}`, "fr")).text();
    expect(html).toMatch(/<html lang="fr"/);
    const main = mainOf(html);
    expect(main).toContain("Reçu de soutien");
    expect(main).toContain("Signé avec une adresse e-mail confirmée");
    expect(main).toContain(month("fr"));
    expectNoEnglish(main, ["Endorsement receipt", "Declaration<", "Evidence", "Signed with a confirmed", "Checking what was signed", month("en")]);
  });

  it("/verify, and its answer to a POST", async () => {
    const html = await (await get("/verify", "fr")).text();
    expect(html).toMatch(/<html lang="fr"/);
    const main = mainOf(html);
    expect(main).toContain("Vérifier un texte");
    expectNoEnglish(main, ["Verify a text", "Check a fingerprint", "Look it up", "How the fingerprint is made"]);
    const posted = await call(server.url, "POST", "/verify", { headers: { "accept-language": "fr" }, form: [["text", "Pas un texte publié"], ["slug", ""]] });
    const answer = mainOf(await posted.text());
    expect(answer).toContain("Aucune version publiée n’a cette empreinte.");
    expectNoEnglish(answer, ["No published version has this fingerprint."]);
  });
});

describe("the published versions in French", () => {
  let revised: Declaration;
  let earlierSigner: Awaited<ReturnType<typeof signer>>;

  beforeAll(async () => {
    revised = await publishDeclaration();
    earlierSigner = await signer();
    expect((await call(server.url, "POST", `/api/declarations/${revised.slug}/endorsements`, { cookie: earlierSigner.cookie, json: person() })).status).toBe(201);
    await publishVersion(revised, `${DECLARATION_TEXT.replace("save lives", "protect health")} Together.`);
  });

  it("an earlier version's page", async () => {
    const res = await get(`/d/${revised.slug}/v/1`, "fr");
    expect(res.status).toBe(200);
    expect(res.headers.get("vary") ?? "").toContain("Accept-Language");
    const html = await res.text();
    expect(html).toMatch(/<html lang="fr"/);
    const main = mainOf(html);
    expect(main).toContain("Ceci est la version 1, une version antérieure.");
    expect(main).toContain("Empreinte de cette version");
    expect(main).toContain("Modifications de la version 2");
    expect(main).toContain(month("fr"));
    expectNoEnglish(main, ["an earlier version", "Fingerprint of this version", "PDF to circulate", "Changes in version", "Published", month("en")]);
    // The English page is still there for an English reader (the micro-cache keys on the language).
    expect(mainOf(await (await get(`/d/${revised.slug}/v/1`, "en")).text())).toContain("Fingerprint of this version");
  });

  it("what changed between two versions, with the diff's words", async () => {
    const html = await (await get(`/d/${revised.slug}/changes/2`, "fr")).text();
    expect(html).toMatch(/<html lang="fr"/);
    expect(html).toContain("<title>Modifications de la version 2 — Police for harm reduction — Accord</title>");
    const main = mainOf(html);
    expect(main).toContain("Ce qui a changé de la version 1 à la version 2");
    expect(main).toMatch(/\d+ modifications? : \d+ mots? ajoutés?, \d+ mots? supprimés?\./);
    expect(main).toContain("Modification suivante");
    expect(main).toContain("Confirmer à nouveau pour la version 2");
    expect(main).toContain(month("fr"));
    expectNoEnglish(main, ["What changed", "Next change", "Previous change", "words inserted", "Inserted text", "Re-confirm", "Back to the declaration", month("en")]);
  });

  it("re-confirming an endorsement for the new version", async () => {
    const html = await (await get(`/d/${revised.slug}/reconfirm`, "fr", earlierSigner.cookie)).text();
    expect(html).toMatch(/<html lang="fr"/);
    const main = mainOf(html);
    expect(main).toContain("Confirmer à nouveau pour la version 2");
    expect(main).toContain("À titre individuel, version 1");
    expect(main).toContain("Soutenir la version 2 avec les mêmes informations");
    expect(main).toContain(month("fr"));
    expectNoEnglish(main, ["Re-confirm", "As an individual", "with the same details", "Read what changed", "Your receipt", month("en")]);
  });
});

describe("and one page each in Spanish and Swedish", () => {
  it("a declaration in Spanish", async () => {
    const html = await (await get(`/d/${declaration.slug}`, "es")).text();
    expect(html).toMatch(/<html lang="es"/);
    const main = mainOf(html);
    expect(main).toContain("Respaldar la versión 1");
    expect(main).toContain("Suecia");
    expect(main).toContain(month("es"));
    expectNoEnglish(main, ["Endorse version", "Verify this text", "Sweden", month("en")]);
  });

  it("the declarations in Swedish", async () => {
    const html = await (await get("/declarations", "sv")).text();
    expect(html).toMatch(/<html lang="sv"/);
    const main = mainOf(html);
    expect(main).toContain("Deklarationer");
    expect(main).toContain("står bakom version 1");
    expect(main).toContain(month("sv"));
    expectNoEnglish(main, ["Published", "Open for endorsement", "endorse version", month("en")]);
  });

  it("the badge, in Swedish by ?lang= or by Accept-Language", async () => {
    const byQuery = await (await get(`/d/${declaration.slug}/badge.svg?lang=sv`, "en")).text();
    expect(byQuery).toContain(">stöd</text>");
    expect(byQuery).toContain("står bakom version 1");
    const byHeader = await get(`/d/${declaration.slug}/badge.svg`, "sv");
    expect(byHeader.headers.get("vary") ?? "").toContain("Accept-Language");
    expect(await byHeader.text()).toContain(">stöd</text>");
    expect(await (await get(`/d/${declaration.slug}/badge.svg`, "en")).text()).toContain(">endorsements</text>");
  });
});
