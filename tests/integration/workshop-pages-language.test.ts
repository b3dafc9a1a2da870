/**
 * The organisers' and members' workshop pages in the reader's language (issue 14): a browser asking for French (one
 * page each for Spanish and Swedish) gets the workshops list, a workshop, the members page (with its refusals) and the
 * document pages organisers use, with the page's own words, dates and errors translated and no English left.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/http-server";
import { createMembersScene, type MembersScene } from "../support/members-scene";

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

const fr = { "accept-language": "fr-FR,fr;q=0.9" };
const es = { "accept-language": "es-ES,es;q=0.9" };
const sv = { "accept-language": "sv-SE,sv;q=0.9" };

/** The page's text, without tags, scripts or the strings sent for hydration. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
}

function expectNoEnglish(html: string, words: string[]): void {
  const text = visibleText(html);
  for (const word of words) expect(text, `English left: “${word}”`).not.toContain(word);
}

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
});
