/**
 * The editor in the reader's language (issue 14): the document page arrives from the server in French or Swedish
 * (its words, the note for browsers without JavaScript), and the strings the live editor shows once it connects
 * (toolbar, status, discussion, comment form) come in the loader data in that language only — no English left.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import type { UserRow } from "../../db/users";
import { seed } from "../../app/models/seed.server";
import { addMember, createUser, TEST_PASSWORD } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

let server: TestServer;
let documentPath: string;
let editor: UserRow;

beforeAll(async () => {
  await seed();
  const [row] = await getSql()`select d.id, d.workshop_id from documents d order by d.created_at limit 1`;
  documentPath = `/documents/${row!.id as string}`;
  editor = await createUser();
  await addMember(row!.workshop_id as string, editor.id, "editor");
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

async function pageIn(language: string): Promise<string> {
  const browser = new Browserish(server.url);
  const res = await browser.post("/login", { email: editor.email, password: TEST_PASSWORD });
  expect(res.status).toBe(302);
  const page = await browser.get(documentPath, language ? { "accept-language": language } : {});
  expect(page.status).toBe(200);
  return page.text();
}

// Words of the page and of the live editor's strings that must not stay English.
const ENGLISH = [
  "Last updated",
  "History and versions",
  "Your role:",
  "Live editing needs JavaScript",
  "All changes saved",
  "Formatting",
  "Bullet list",
  "People here",
  "Send the comment",
  "Your comment",
  "Show in the text",
  "Connection lost; reconnecting",
  "kept on this device",
  "Show the outline",
  "No headings yet.",
  "Who wrote what",
  "Previous paragraph",
  "Say who wrote this paragraph",
];

describe("the editor's language", () => {
  it("is French for a browser asking for French", async () => {
    const html = await pageIn("fr-FR,fr;q=0.9");
    for (const words of ["Dernière modification", "Historique et versions", "Votre rôle : Rédacteur", "L’édition en direct nécessite JavaScript"]) {
      expect(html).toContain(words);
    }
    // The live editor's strings, sent in the loader data.
    for (const words of ["Enregistré", "Mise en forme", "Liste à puces", "Personnes présentes", "Envoyer le commentaire", "Votre commentaire", "modifications conservées sur cet appareil"]) {
      expect(html).toContain(words);
    }
    // The outline beside the text, and the note shown when the text cannot be displayed.
    for (const words of ["Afficher le plan", "Aucun titre pour l’instant.", "Ce document ne peut pas être affiché."]) {
      expect(html).toContain(words);
    }
    // "Who wrote what" (its view is loaded on demand; its words come with the page).
    for (const words of ["Qui a écrit quoi", "Paragraphe précédent", "Dire qui a écrit ce paragraphe", "Compte importé ou supprimé"]) {
      expect(html).toContain(words);
    }
    // The threads API's refusals, which the discussion panel says by their code.
    for (const words of ["Ces mots ne figurent pas dans le texte actuel.", "Les lecteurs peuvent lire la discussion, mais pas ouvrir de fil."]) {
      expect(html).toContain(words);
    }
    for (const words of ENGLISH) expect(html, words).not.toContain(words);
  });

  it("is Swedish for a browser asking for Swedish", async () => {
    const html = await pageIn("sv-SE,sv;q=0.9");
    for (const words of ["Senast ändrad", "Historik och versioner", "Din roll: Redaktör", "Redigering i realtid kräver JavaScript"]) {
      expect(html).toContain(words);
    }
    for (const words of ["Alla ändringar är sparade", "Formatering", "Punktlista", "Här just nu", "Skicka kommentaren", "Din kommentar"]) {
      expect(html).toContain(words);
    }
    for (const words of ENGLISH) expect(html, words).not.toContain(words);
  });

  it("names the kind, the status and the roles as the workshop pages do", async () => {
    const [doc] = await getSql()<{ kind: string; status: string }[]>`select kind, status from documents where id = ${documentPath.split("/")[2]!}`;
    expect(doc).toMatchObject({ kind: "declaration", status: "draft" });
    const spanish = await pageIn("es-ES,es;q=0.9");
    expect(spanish).toContain("<span>Declaración</span>");
    expect(spanish).toContain(">Borrador</span>");
    expect(spanish).toContain("Su rol: Editor");
    const swedish = await pageIn("sv-SE,sv;q=0.9");
    expect(swedish).toContain("<span>Deklaration</span>");
    expect(swedish).toContain("Din roll: Redaktör");
    // The presence list's names of roles come with the page: the workshop pages' (an organiser is an "Arrangör").
    expect(swedish).toContain("Arrangör");
    expect(swedish).not.toContain("Organisatör");
  });

  it("stays English without Accept-Language", async () => {
    const html = await pageIn("");
    expect(html).toContain("Last updated");
    expect(html).toContain("All changes saved");
  });
});
