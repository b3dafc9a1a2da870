/**
 * The account pages in the reader's language (issue 14): a browser asking for French gets the account page (sessions,
 * their dates and places included), deleting an account, "My endorsements", the e-mail confirmation pages, an
 * invitation link and the development outbox with the page's own words translated and no English left.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionCookie } from "../support/collab-client";
import { call, person, publishDeclaration } from "../support/endorsement-fixtures";
import { createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";
import { getSql } from "../../db/client";
import { createMembersScene, inviteAs, signedIn as signedInAt } from "../support/members-scene";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";
import { expectNoEnglish, fr } from "../support/language-pages";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** A browser signed in as `user` (a session cookie). */
async function signedIn(user: { id: string }): Promise<Browserish> {
  const b = new Browserish(server.url);
  const [name, value] = (await sessionCookie(user.id)).split("=");
  b.cookies.set(name!, value!);
  return b;
}

describe("the account pages in French", () => {
  it("shows the account page in French, sessions and their words included, and answers a refused change in French", async () => {
    const user = await createUser({ name: "Camille Compte" });
    const b = await signedIn(user);
    const html = await (await b.get("/account", fr)).text();
    expect(html).toContain("<h1>Votre compte</h1>");
    expect(html).toMatch(/<title>Votre compte — Accord<\/title>/);
    expect(html).toContain("Notifications par e-mail");
    expect(html).toContain("Changer le mot de passe");
    expect(html).toContain("Ce navigateur");
    expect(html).toContain(">maintenant<");
    expect(html).toContain("Aucun autre navigateur ni appareil n’est connecté.");
    expect(html).toContain("Télécharger mes données (JSON)");
    expect(html).toMatch(/\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}/);
    expectNoEnglish(html, ["Your account", "E-mail notifications", "Change password", "Current password", "This browser", "Last used", "Sign out everywhere", "No other browser", "Your data", "Download my data", "Second factor", "not known yet", "Shown to the people"]);

    const refused = await b.post("/account", { intent: "change-password", currentPassword: "", newPassword: "court", confirmPassword: "autre" }, fr);
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain("Saisissez votre mot de passe actuel.");
    expect(page).toContain("Les deux nouveaux mots de passe ne sont pas identiques.");
    expectNoEnglish(page, ["Enter your current password", "are not the same", "Use at least"]);

    const done = await (await b.get("/account?done=sessions", fr)).text();
    expect(done).toContain("Toutes les autres sessions ont été déconnectées.");
  });

  it("shows deleting an account in French, refuses a wrong password in French, and says it is done in French", async () => {
    const user = await createUser({ name: "Dominique Départ" });
    const b = await signedIn(user);
    const html = await (await b.get("/account/delete", fr)).text();
    expect(html).toContain("<h1>Supprimer votre compte</h1>");
    expect(html).toMatch(/<title>Supprimer votre compte — Accord<\/title>/);
    expect(html).toContain("Chacun de vos soutiens est <strong>retiré</strong>");
    expect(html).toContain(">Votre compte</a>");
    expectNoEnglish(html, ["Delete your account", "What happens", "Every endorsement", "cannot be undone", "Your password", "To make sure", "Cancel"]);

    const wrong = await b.post("/account/delete", { password: "pas le bon mot de passe du tout" }, fr);
    expect(wrong.status).toBe(400);
    const refused = await wrong.text();
    expect(refused).toContain("Ce n’est pas votre mot de passe.");
    expectNoEnglish(refused, ["That is not your password"]);

    const deleted = await b.post("/account/delete", { password: TEST_PASSWORD }, fr);
    expect(deleted.status).toBe(302);
    const done = await (await new Browserish(server.url).get("/account/delete?done=1", fr)).text();
    expect(done).toContain("<h1>Votre compte est supprimé</h1>");
    expectNoEnglish(done, ["Your account is deleted", "Back to the start page"]);
  });

  it("shows “My endorsements” in French, empty and with an endorsement, its status and date in French", async () => {
    const user = await createUser({ name: "Élise Soutien" });
    const b = await signedIn(user);
    const empty = await (await b.get("/account/endorsements", fr)).text();
    expect(empty).toContain("<h1>Mes soutiens</h1>");
    expect(empty).toContain("Vous n’avez encore rien soutenu.");
    expectNoEnglish(empty, ["My endorsements", "You have not endorsed", "See the published declarations"]);

    const declaration = await publishDeclaration();
    const cookie = await sessionCookie(user.id);
    const endorsed = await call(server.url, "POST", `/api/declarations/${declaration.slug}/endorsements`, { cookie, json: person({ name: "Élise Soutien", publicFields: ["name"] }) });
    expect(endorsed.status).toBe(201);
    const mine = await (await b.get("/account/endorsements", fr)).text();
    expect(mine).toContain("Reçu");
    expect(mine).toContain("Retirer…");
    expect(mine).toContain("À titre individuel");
    expect(mine).toMatch(/Soutenu le <time dateTime="[^"]+">\d{1,2} [^<]+ \d{4}/);
    expectNoEnglish(mine, ["My endorsements", "Receipt", "Withdraw…", "As an individual", "Endorsed ", "version 1 has been"]);
  });

  it("shows the e-mail confirmation pages in French: the link's form, its refusals, a broken link", async () => {
    const email = uniqueEmail("confirmer");
    const signingUp = new Browserish(server.url);
    expect((await signingUp.post("/signup", { name: "Frédérique Inscrite", email, password: TEST_PASSWORD }, fr)).status).toBe(302);
    const [row] = await getSql()<{ text: string }[]>`select text_body as text from outbox where to_address = ${email} order by id desc limit 1`;
    const link = /https?:\/\/[^/\s]+(\/verify-email\?token=[^\s]+)/.exec(row?.text ?? "")![1]!;

    const elsewhere = new Browserish(server.url);
    const form = await (await elsewhere.get(link, fr)).text();
    expect(form).toContain("<h1>Confirmez votre adresse e-mail</h1>");
    expect(form).toMatch(/<title>Confirmez votre adresse e-mail — Accord<\/title>/);
    expect(form).toContain("Pour confirmer que cette adresse est la vôtre");
    expect(form).toContain("Confirmer mon adresse e-mail");
    expectNoEnglish(form, ["Confirm your e-mail address", "To confirm that this address", "Password again", "Your name", "Between 12 and 256"]);

    const refused = await elsewhere.post(link, { token: new URLSearchParams(link.split("?")[1]).get("token")!, name: "Frédérique", password: TEST_PASSWORD, confirmPassword: "autre chose" }, fr);
    expect(refused.status).toBe(400);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain("Les deux mots de passe ne sont pas identiques.");
    expect(refusedHtml).toContain("Veuillez corriger le champ signalé ci-dessous.");
    expectNoEnglish(refusedHtml, ["are not the same", "Please correct"]);

    const own = await (await signingUp.get(link, fr)).text();
    expect(own).toContain("Dernière étape");
    expectNoEnglish(own, ["One more step", "Confirm my e-mail address"]);

    const broken = await (await new Browserish(server.url).get("/verify-email?token=nimporte-quoi", fr)).text();
    expect(broken).toContain("<h1>Ce lien ne fonctionne pas</h1>");
    expectNoEnglish(broken, ["This link does not work", "The link is incomplete", "Send me a new link", "To ask for a new link"]);
  });

  it("shows “confirm your e-mail” and changing the address in French, waits and errors included", async () => {
    const user = await createUser({ name: "Gaëlle Attente", verified: false });
    const b = await signedIn(user);
    const page = await (await b.get("/verify-email/resend", fr)).text();
    expect(page).toContain("<h1>Confirmez votre adresse e-mail</h1>");
    expect(page).toContain("Tant que vous n’avez pas confirmé");
    expect(page).toContain("Changer d’adresse");
    expectNoEnglish(page, ["Confirm your e-mail address", "Until you confirm", "Send me a new link", "Change your address", "Sign out"]);

    expect((await b.post("/verify-email/resend", {}, fr)).status).toBe(302);
    const sent = await (await b.get("/verify-email/resend?sent=1", fr)).text();
    expect(sent).toContain("Nous avons envoyé un nouveau lien à");
    const tooSoon = await b.post("/verify-email/resend", {}, fr);
    expect(tooSoon.status).toBe(429);
    const tooSoonHtml = await tooSoon.text();
    expect(tooSoonHtml).toMatch(/Veuillez patienter (une seconde|\d+ secondes|une minute) avant d’en demander un autre/);
    expectNoEnglish(tooSoonHtml, ["We sent you a link", "Please wait"]);

    const change = await (await b.get("/verify-email/change", fr)).text();
    expect(change).toContain("<h1>Changer votre adresse e-mail</h1>");
    expect(change).toContain(`Ce compte utilise <strong>${user.email}</strong>`);
    expectNoEnglish(change, ["Change your e-mail address", "This account uses", "New e-mail address", "Send the link"]);
    const bad = await b.post("/verify-email/change", { email: "pas-une-adresse" }, fr);
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Indiquez une adresse e-mail de la forme nom@exemple.org.");
    expectNoEnglish(badHtml, ["Enter an e-mail address"]);
  });

  it("shows an invitation link in French: the offer, the role, the date, an existing member, a used-up and a broken link", async () => {
    const scene = await createMembersScene(server.url);
    const token = await inviteAs(scene.asOlive, scene.membersPath, { role: "commenter" });
    const newcomer = await signedIn(await createUser({ name: "Hugo Nouveau" }));
    const page = await newcomer.get(`/join/${token}`, fr);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<h1>Rejoindre « Workshop ${scene.workshop.slug} »</h1>`);
    expect(html).toMatch(/<title>Rejoindre un atelier — Accord<\/title>/);
    expect(html).toContain(`>Rejoindre Workshop ${scene.workshop.slug} en tant que Commentateur</button>`);
    expect(html).toContain("Pas maintenant");
    expect(html).toMatch(/\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}/);
    expectNoEnglish(html, ["You have been invited", "The link works until", "Commenter", "Not now", "organisers will see"]);

    const member = await (await (await signedInAt(server.url, scene.vi)).get(`/join/${token}`, fr)).text();
    expect(member).toContain("Vous êtes déjà membre de cet atelier avec le rôle <strong>Lecteur</strong>");
    expectNoEnglish(member, ["You are already a member", "This link does not change your role", "Go to the workshop"]);

    expect((await newcomer.post(`/join/${token}`, {}, fr)).status).toBe(302);
    const usedUp = await (await signedIn(await createUser())).get(`/join/${token}`, fr);
    expect(usedUp.status).toBe(410);
    const usedUpHtml = await usedUp.text();
    expect(usedUpHtml).toContain("<h1>Ce lien d’invitation ne fonctionne plus</h1>");
    expect(usedUpHtml).toContain("a déjà été utilisé autant de fois qu’il le permet");
    expectNoEnglish(usedUpHtml, ["no longer works", "has already been used", "Go to your workshops"]);

    const broken = await new Browserish(server.url).get("/join/inv_nimporte.quoi", fr);
    expect(broken.status).toBe(404);
    const brokenHtml = await broken.text();
    expect(brokenHtml).toContain("Ce lien d’invitation n’est pas valide.");
    expectNoEnglish(brokenHtml, ["This invitation link is not valid"]);
  });

  it("shows the development outbox in French, its dates and statuses included", async () => {
    // A mail to list, whatever ran before.
    expect((await new Browserish(server.url).post("/signup", { name: "Inès Boîte", email: uniqueEmail("outbox"), password: TEST_PASSWORD }, fr)).status).toBe(302);
    const res = await new Browserish(server.url).get("/dev/outbox", fr);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1>Boîte d’envoi de développement</h1>");
    expect(html).toMatch(/<title>Boîte d’envoi de développement — Accord<\/title>/);
    expect(html).toContain("<dt>Destinataire</dt>");
    expect(html).toMatch(/<dd>(envoyé|échec|enregistré)<\/dd>/);
    expect(html).toMatch(/\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}/);
    expectNoEnglish(html, ["Development outbox", "newest first", "Only this machine", "mail server"]);
    for (const english of ["<dt>To</dt>", "<dt>When</dt>", "<dt>Status</dt>", "<dd>stored</dd>", "<dd>sent</dd>", "<dd>failed</dd>"]) expect(html).not.toContain(english);
  });
});
