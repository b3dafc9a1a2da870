/**
 * The organisers' and members' workshop pages in the reader's language (issue 14): a browser asking for French (one
 * page each for Spanish and Swedish) gets the workshops list, a workshop, the members page (with its refusals) and the
 * document pages organisers use, with the page's own words, dates and errors translated and no English left.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/http-server";
import { createMembersScene, type MembersScene } from "../support/members-scene";
import { getSql } from "../../db/client";
import type { JSONContent } from "@tiptap/core";
import { documentPlainText, renderDocumentHtml, tiptapJsonToProseMirror } from "../../app/editor/document-tools.server";
import { publishVersion } from "../../app/models/publishing.server";
import { call, organisation, publishDeclaration, signer } from "../support/endorsement-fixtures";
import { sessionCookie } from "../support/collab-client";
import { uniqueEmail } from "../support/factories";
import { expectNoEnglish, fr, es, sv, visibleText } from "../support/language-pages";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

let scene: MembersScene;

beforeEach(async () => {
  scene = await createMembersScene(server.url);
});

describe("the workshop pages in the reader's language", () => {
  it("shows the workshops list in French, with the role, the count and the dates in French", async () => {
    const html = await (await scene.asOlive.get("/workshops", fr)).text();
    expect(html).toContain("<h1>Vos ateliers</h1>");
    expect(html).toContain("Votre rôle :");
    expect(html).toContain(">Organisateur<");
    expect(html).toMatch(/\d+ documents?</);
    expect(html).toMatch(/<title>Vos ateliers — Accord<\/title>/);
    expectNoEnglish(html, ["Your workshops", "Your role", "Organiser", "document yet"]);
  });

  it("shows a workshop in Spanish and its list in Swedish", async () => {
    const html = await (await scene.asOlive.get(`/workshops/${scene.workshop.slug}`, es)).text();
    expect(html).toContain("Fechas");
    expect(html).toContain("Su rol");
    expect(html).toContain("Miembros e invitaciones");
    expectNoEnglish(html, ["Dates", "Your role", "Members and invitations", "Documents", "no documents yet"]);

    const list = await (await scene.asOlive.get("/workshops", sv)).text();
    expect(list).toContain("<h1>Dina workshoppar</h1>");
    expect(list).toContain(">Arrangör<");
    expectNoEnglish(list, ["Your workshops", "Your role", "Organiser"]);
  });

  it("shows the members page in French, dates included, and answers a refused action in French", async () => {
    await scene.asOlive.post(scene.membersPath, { intent: "invite", role: "editor", days: "7", uses: "5" }, fr);
    const html = await (await scene.asOlive.get(scene.membersPath, fr)).text();
    expect(html).toContain("<h1>Membres et invitations</h1>");
    expect(html).toContain(`Rôle de ${scene.ed.name}`);
    expect(html).toContain(`Retirer ${scene.ed.name}`);
    expect(html).toContain("Liens d’invitation actifs");
    expect(html).toContain("0 utilisation(s) sur 5, 5 restante(s)");
    expect(html).toContain("Second facteur pour les organisateurs");
    expect(html).toMatch(/\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}/);
    expectNoEnglish(html, ["Members and invitations", "Invite people", "Role for", "Remove ", "Active invitation links", "Create invitation link", "Send invitations", "Joined", "Nobody yet", " used, ", "Second factor for organisers"]);
    for (const month of ["January", "February", "March", "April", "June", "July", "August", "September", "October", "November", "December"]) {
      expect(visibleText(html)).not.toContain(month);
    }

    // The last organiser cannot step down: the refusal is in French.
    const refused = await scene.asOlive.post(scene.membersPath, { intent: "role", userId: scene.olive.id, role: "viewer" }, fr);
    expect(refused.status).toBe(409);
    const page = await refused.text();
    expect(page).toContain("Un atelier doit compter au moins un organisateur");
    expectNoEnglish(page, ["A workshop needs at least one organiser"]);

    const done = await (await scene.asOlive.post(scene.membersPath, { intent: "role", userId: scene.ed.id, role: "commenter" }, sv)).text();
    expect(done).toContain(`${scene.ed.name} har nu rollen Kommentator.`);
  });

  it("answers hostile input on the invitation form with a clear translated error, never echoing markup", async () => {
    const hostile = `<script>alert(1)</script>@x, "><img src=x onerror=alert(2)>, ${"a".repeat(200)}`;
    const res = await scene.asOlive.post(scene.membersPath, { intent: "invite-email", emails: hostile, role: "editor", days: "7" }, fr);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("n’est pas une adresse e-mail.");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<img src=x");
    expectNoEnglish(html, ["is not an e-mail address"]);

    const odd = await scene.asOlive.post(scene.membersPath, { intent: "invite", role: "emperor", days: "365" }, es);
    expect(odd.status).toBe(400);
    const oddHtml = await odd.text();
    expect(oddHtml).toContain("Elija uno de los roles.");
    expectNoEnglish(oddHtml, ["Choose one of the roles"]);

    const unknown = await scene.asOlive.post(scene.membersPath, { intent: "<b>drop</b>" }, sv);
    expect(await unknown.text()).toContain("Den åtgärden är okänd.");
  });

  it("refuses a non-organiser in their language", async () => {
    const { signedIn } = await import("../support/members-scene");
    const asEd = await signedIn(server.url, scene.ed);
    const res = await asEd.get(scene.membersPath, fr);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Votre rôle dans cet atelier : Rédacteur.");
  });

  describe("the publish page", () => {
    const paragraphs = (title: string, ...texts: string[]): JSONContent => ({
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: title }] },
        ...texts.map((text) => ({ type: "paragraph", content: [{ type: "text", text }] })),
      ],
    });

    async function documentWithVersions(): Promise<{ id: string; first: string; same: string; empty: string }> {
      const sql = getSql();
      const [doc] = await sql`
        insert into documents (workshop_id, slug, title, kind) values (${scene.workshop.id}, ${`appel-${Date.now()}`}, 'Appel des policiers', 'declaration') returning id`;
      const id = doc!.id as string;
      const insert = async (json: JSONContent, name: string): Promise<string> => {
        const node = tiptapJsonToProseMirror(json);
        const [row] = await sql`
          insert into document_versions (document_id, name, created_by, log_seq, yjs_state, tiptap_json, html, plain_text)
          values (${id}, ${name}, ${scene.olive.id}, 0, ${Buffer.from([0, 0])}, ${sql.json(json as never)}, ${renderDocumentHtml(node)}, ${documentPlainText(node)})
          returning id`;
        return row!.id as string;
      };
      const first = await insert(paragraphs("Appel", "Nous appelons à la réduction des risques."), "Première");
      const same = await insert(paragraphs("Appel", "Nous appelons à la réduction des risques."), "Identique");
      const empty = await insert(
        { type: "doc", content: [...paragraphs("Appel", "Un texte nouveau.").content!, { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Annexe" }] }] },
        "Avec annexe",
      );
      await publishVersion({ documentId: id, versionId: first, slug: null, actorId: scene.olive.id });
      return { id, first, same, empty };
    }

    it("shows the preview, its warnings and a refusal in French, dates included, and refuses a bad form in French", async () => {
      const doc = await documentWithVersions();
      const path = `/documents/${doc.id}/publish`;
      const page = await (await scene.asOlive.get(path, fr)).text();
      expect(page).toContain("<h1>Publication et soutiens</h1>");
      expect(page).toContain("Version publique actuelle");
      expect(page).toContain("Fermer les soutiens");
      expect(page).toContain("Traductions");
      expect(page).toMatch(/<title>Publier — Appel des policiers — Accord<\/title>/);
      expect(page).toMatch(/\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}/);
      expectNoEnglish(page, ["Publish and endorsements", "Public now", "Current version", "Close endorsements", "Published versions", "Start a translation", "The authoritative text is in", "Preview this version", "Named version to preview"]);

      const warned = await (await scene.asOlive.get(`${path}?version=${doc.empty}`, fr)).text();
      expect(warned).toContain("Aperçu de « Avec annexe »");
      expect(warned).toContain("À vérifier avant de publier :");
      expect(warned).toContain("Une section n’a pas de texte sous son titre :");
      expect(warned).toContain("Je comprends qu’une version publiée ne pourra jamais être modifiée ni retirée.");
      expect(warned).toContain("Publier comme version 2");
      expectNoEnglish(warned, ["Preview of", "Check before publishing", "has no text under", "Would become", "The full text to be sealed", "I understand", "Publish as version"]);

      const refused = await (await scene.asOlive.get(`${path}?version=${doc.same}`, fr)).text();
      expect(refused).toContain("Ce texte est déjà publié comme version 1 (même empreinte SHA-256) : rien à publier.");
      expectNoEnglish(refused, ["already published as version", "nothing to publish"]);

      const stale = await scene.asOlive.post(path, { intent: "publish", versionId: doc.empty, hash: "0".repeat(64), confirm: "yes" }, fr);
      expect(stale.status).toBe(409);
      const staleHtml = await stale.text();
      expect(staleHtml).toContain("Ce n’est pas le texte que vous avez prévisualisé");
      expectNoEnglish(staleHtml, ["This is not the text you previewed"]);

      const hostile = await scene.asOlive.post(path, { intent: "translate", language: "<img src=x onerror=alert(1)>", versionNumber: "1" }, fr);
      expect(hostile.status).toBe(400);
      const hostileHtml = await hostile.text();
      expect(hostileHtml).toContain("Indiquez une langue par un code BCP 47");
      expect(hostileHtml).not.toContain("<img src=x");
    });

    it("shows the publish page in Swedish and Spanish, language names included", async () => {
      const doc = await documentWithVersions();
      const sv_page = await (await scene.asOlive.get(`/documents/${doc.id}/publish?version=${doc.empty}`, sv)).text();
      expect(sv_page).toContain("<h1>Publicering och stöd</h1>");
      expect(sv_page).toContain("Den gällande texten är på engelska.");
      expect(sv_page).toContain("Kontrollera innan du publicerar:");
      expectNoEnglish(sv_page, ["Publish and endorsements", "The authoritative text is in", "Check before publishing", "Translations"]);

      const es_done = await scene.asOlive.post(`/documents/${doc.id}/publish`, { intent: "endorsements", open: "0" }, es);
      const esHtml = await es_done.text();
      expect(esHtml).toContain("Los respaldos están cerrados: la página pública ya no ofrece respaldar.");
      expect(esHtml).toContain("El texto auténtico está en inglés.");
      expectNoEnglish(esHtml, ["Endorsements are closed", "Open endorsements", "The authoritative text is in"]);
    });

    it("refuses a non-organiser the publish page in their language", async () => {
      const doc = await documentWithVersions();
      const { signedIn } = await import("../support/members-scene");
      const asEd = await signedIn(server.url, scene.ed);
      const res = await asEd.get(`/documents/${doc.id}/publish`, es);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("Su rol en este taller es Editor.");
    });
  });

  it("shows a document's history in French, dates included, and in Spanish; refuses a viewer's restore in Swedish", async () => {
    const sql = getSql();
    const [doc] = await sql`
      insert into documents (workshop_id, slug, title, kind) values (${scene.workshop.id}, ${`hist-${Date.now()}`}, 'Note', 'declaration') returning id`;
    const id = doc!.id as string;
    const json: JSONContent = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Réduction des risques." }] }] };
    const node = tiptapJsonToProseMirror(json);
    await sql`
      insert into document_versions (document_id, name, created_by, log_seq, yjs_state, tiptap_json, html, plain_text)
      values (${id}, 'Après la séance 1', ${scene.olive.id}, 0, ${Buffer.from([0, 0])}, ${sql.json(json as never)}, ${renderDocumentHtml(node)}, ${documentPlainText(node)})`;
    const html = await (await scene.asOlive.get(`/documents/${id}/history`, fr)).text();
    expect(html).toContain("<h1>Historique et versions</h1>");
    expect(html).toContain("Enregistrer une version nommée");
    expect(html).toContain("Comparer avec le texte en cours");
    expect(html).toContain("Aucune discussion");
    expect(html).toMatch(/<title>Historique et versions — Note — Accord<\/title>/);
    expect(html).toMatch(/\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}/);
    expectNoEnglish(html, ["History and versions", "Save a named version", "Saved versions", "Compare two texts", "Older text", "Saved by", "No threads", "Compare with the live text", "Restore"]);

    const es_html = await (await scene.asOlive.get(`/documents/${id}/history`, es)).text();
    expect(es_html).toContain("<h1>Historial y versiones</h1>");
    expectNoEnglish(es_html, ["History and versions", "Saved versions", "The live text"]);

    const { signedIn } = await import("../support/members-scene");
    const asVi = await signedIn(server.url, scene.vi);
    const refused = await asVi.post(`/documents/${id}/history`, { intent: "save", name: "x" }, sv);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Din roll i den här workshoppen är");
  });
});

describe("a saved version, its comparison and the endorsements page in the reader's language", () => {
  async function documentWithVersion(name: string): Promise<{ id: string; version: string }> {
    const sql = getSql();
    const [doc] = await sql`
      insert into documents (workshop_id, slug, title, kind) values (${scene.workshop.id}, ${`ver-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`}, 'Note de travail', 'declaration') returning id`;
    const id = doc!.id as string;
    const json: JSONContent = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Réduction des risques." }] }] };
    const node = tiptapJsonToProseMirror(json);
    const [row] = await sql`
      insert into document_versions (document_id, name, created_by, log_seq, yjs_state, tiptap_json, html, plain_text)
      values (${id}, ${name}, ${scene.olive.id}, 0, ${Buffer.from([0, 0])}, ${sql.json(json as never)}, ${renderDocumentHtml(node)}, ${documentPlainText(node)})
      returning id`;
    return { id, version: row!.id as string };
  }

  it("shows a saved version in French, its discussion and date included", async () => {
    const doc = await documentWithVersion("Après la séance 1");
    const html = await (await scene.asOlive.get(`/documents/${doc.id}/versions/${doc.version}`, fr)).text();
    expect(html).toMatch(/<title>Après la séance 1 — Note de travail — Accord<\/title>/);
    expect(html).toContain(`Enregistrée par ${scene.olive.name} le`);
    expect(html).toContain("Ceci est une version enregistrée : elle ne change pas quand le document est modifié.");
    expect(html).toContain("Comparer avec le texte en cours");
    expect(html).toContain("Rétablir cette version");
    expect(html).toContain("La discussion à cette version");
    expect(html).toContain("Aucune discussion n’était ouverte sur le texte");
    expect(html).toMatch(/\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}/);
    expectNoEnglish(html, ["Saved by", "This is a saved version", "Compare with the live text", "Restore this version", "All versions", "Discussion at this version", "No threads", "History and versions"]);
  });

  it("compares a saved version with the live text in French, dates and the texts' names included", async () => {
    const doc = await documentWithVersion("Première lecture");
    const html = await (await scene.asOlive.get(`/documents/${doc.id}/compare?from=${doc.version}&to=live`, fr)).text();
    expect(html).toMatch(/<title>Comparer : « Première lecture » → le texte en cours — Note de travail — Accord<\/title>/);
    expect(html).toContain("<h1>Comparer des textes</h1>");
    expect(html).toContain(`De la version « Première lecture », enregistrée par ${scene.olive.name} le`);
    expect(html).toContain("au texte en cours (tel qu’il est maintenant).");
    expect(html).toContain("Inverser les deux textes");
    expect(html).toContain("Texte le plus ancien");
    expect(html).toContain("Modifications entre « Première lecture » et le texte en cours");
    expect(html).toMatch(/\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}/);
    expectNoEnglish(html, ["Compare texts", "From the version", "saved by", "the live text", "Swap the two texts", "Compare other texts", "Older text", "Newer text", "History and versions"]);
  });

  it("shows the organisers' endorsements page in French, and answers its moderation steps and refusals in French", async () => {
    await getSql()`delete from request_limits where key like 'endorse:%'`;
    const d = await publishDeclaration({ policy: "verified_only" });
    const ngo = await signer({ email: uniqueEmail("ngo") });
    const made = await call(server.url, "POST", `/api/declarations/${d.slug}/endorsements`, {
      cookie: ngo.cookie,
      json: organisation({ organisationName: "Harm Reduction International", website: "hri.global" }),
    });
    expect(made.status).toBe(201);
    const { id } = (await made.json()) as { id: string };
    const olive = await sessionCookie(d.organiser.id);
    const page = (path: string, o: Parameters<typeof call>[3] = {}) =>
      call(server.url, o.form ? "POST" : "GET", path, { cookie: olive, headers: { ...fr }, ...o });
    const here = `/documents/${d.documentId}/endorsements`;

    const html = await (await page(here)).text();
    expect(html).toMatch(/<title>Soutiens — [^<]+ — Accord<\/title>/);
    expect(html).toContain("<h1>Soutiens</h1>");
    expect(html).toContain("La version 1 est la version en vigueur. Les soutiens sont ouverts.");
    expect(html).toContain("Les organisations ne sont affichées qu’une fois vérifiées");
    expect(html).toContain("Organisations en attente de vérification");
    expect(html).toContain("Harm Reduction International");
    expect(html).toContain("Vérifier");
    expect(html).toContain("Motif du masquage de Harm Reduction International");
    expect(html).toContain("Récépissé");
    expect(html).toMatch(/\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}/);
    expectNoEnglish(html, ["Waiting for verification", "All endorsements", "is the current version", "Download CSV", "Receipt", "Verify", "Reject", "Reason", "Status and evidence", "Unverified", "Organisations waiting"]);

    const noReason = await page(here, { form: [["intent", "hide"], ["endorsementId", id]] });
    expect(noReason.status).toBe(400);
    const noReasonHtml = await noReason.text();
    expect(noReasonHtml).toContain("Indiquez le motif du masquage");
    expectNoEnglish(noReasonHtml, ["Give a reason for hiding it"]);

    const verified = await page(here, { form: [["intent", "verify"], ["endorsementId", id]] });
    expect(verified.status).toBe(200);
    expect(await verified.text()).toContain("L’organisation est vérifiée et affichée.");

    const again = await page(here, { form: [["intent", "verify"], ["endorsementId", id]] });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("Ce n’est plus possible pour ce soutien");

    const editor = await signer();
    const { addMember } = await import("../support/factories");
    await addMember(d.workshopId, editor.user.id, "editor");
    const refused = await call(server.url, "GET", here, { cookie: editor.cookie, headers: { ...fr } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Votre rôle dans cet atelier : Rédacteur.");
  });

  it("refuses a version's name in the page's language: empty, too long, already taken", async () => {
    const doc = await documentWithVersion("Première lecture");
    const history = `/documents/${doc.id}/history`;
    const tooLong = await scene.asOlive.post(history, { intent: "save", name: "x".repeat(500) }, fr);
    expect(tooLong.status).toBe(400);
    const tooLongHtml = await tooLong.text();
    expect(tooLongHtml).toContain("Le nom ne doit pas dépasser 120 caractères.");
    expectNoEnglish(tooLongHtml, ["Use at most"]);

    const empty = await scene.asOlive.post(history, { intent: "save", name: "   " }, es);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Dé un nombre a la versión.");

    // The editor page's "Save a named version" form, and the history's: a name the document already has.
    const taken = await scene.asOlive.post(`/documents/${doc.id}`, { intent: "save-version", name: "première LECTURE" }, fr);
    expect(taken.status).toBe(409);
    const takenHtml = await taken.text();
    expect(takenHtml).toContain("Ce document a déjà une version nommée « première LECTURE ». Choisissez un autre nom.");
    expectNoEnglish(takenHtml, ["already has a version named"]);
    const takenSv = await scene.asOlive.post(history, { intent: "save", name: "Première lecture" }, sv);
    expect(takenSv.status).toBe(409);
    expect(await takenSv.text()).toContain("Dokumentet har redan en version som heter ”Première lecture”.");
  });

  it("says an unreadable version form in the page's language, on the history and on the editor page", async () => {
    const doc = await documentWithVersion("Lecture illisible");
    const garbled = { "content-type": "multipart/form-data; boundary=nothing-here" };
    const history = await scene.asOlive.post(`/documents/${doc.id}/history`, { intent: "save", name: "x" }, { ...fr, ...garbled });
    expect(history.status).toBe(400);
    const historyHtml = await history.text();
    expect(visibleText(historyHtml)).toContain("Le formulaire n’a pas pu être lu. Veuillez réessayer.");
    expectNoEnglish(historyHtml, ["The form could not be read"]);
    const editor = await scene.asOlive.post(`/documents/${doc.id}`, { intent: "save-version", name: "x" }, { ...sv, ...garbled });
    expect(editor.status).toBe(400);
    expect(await editor.text()).toContain("Formuläret kunde inte läsas. Försök igen.");
  });
});
