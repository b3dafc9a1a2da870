/**
 * The second factor, passkeys, access tokens and password reset in the reader's language (issue 14): a browser asking
 * for French gets these pages, their refusals and dates in French, with no English left; the mails about the
 * second factor go in the recipient's language. Needs a current build (`npm run build`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import type { UserRow } from "../../db/users";
import { getConfig, resetConfigCache } from "../../app/config.server";
import { createAccessToken } from "../../app/auth/access-tokens.server";
import { MAX_PASSKEYS } from "../../app/auth/passkeys.server";
import { addMember, createUser, createWorkshop, TEST_PASSWORD } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";
import { codeAt, enrolOverHttp, recoveryCodesOf } from "../support/second-factor";
import { SoftwareAuthenticator, type ServerOptions } from "../support/software-authenticator";
import { expectNoEnglish, fr, visibleText } from "../support/language-pages";

let server: TestServer;

beforeAll(async () => {
  process.env.ACCORD_LOG_LEVEL = "error";
  resetConfigCache();
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

async function signedIn(user: UserRow): Promise<Browserish> {
  const browser = new Browserish(server.url);
  const res = await browser.post("/login", { email: user.email, password: TEST_PASSWORD });
  expect(res.headers.get("location")).toBe("/workshops");
  return browser;
}

/** A person with an authenticator app, and a browser half-way through signing in (after the password). */
async function pendingSignIn() {
  const user = await createUser({ name: "Fanny Facteur" });
  const { key } = await enrolOverHttp(await signedIn(user));
  const browser = new Browserish(server.url);
  const res = await browser.post("/login", { email: user.email, password: TEST_PASSWORD }, fr);
  expect(res.headers.get("location")).toBe("/login/second-factor");
  return { user, key, browser };
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** Register a software passkey named `name` from a signed-in browser, in French; the answer's response. */
async function registerPasskey(browser: Browserish, name: string): Promise<Response> {
  const started = await (await browser.post("/account/second-factor", { intent: "passkey-start", name }, fr)).text();
  const raw = /data-passkey-options="([^"]*)"/.exec(started)?.[1];
  expect(raw, "the page hands out passkey options").toBeTruthy();
  const options = JSON.parse(unescape(raw!)) as ServerOptions & Record<string, unknown>;
  const key = new SoftwareAuthenticator(new URL(getConfig().publicUrl).hostname, new URL(getConfig().publicUrl).origin);
  return browser.post("/account/second-factor", { intent: "passkey", name, response: JSON.stringify(key.register(options)) }, fr);
}

/** A person with an authenticator app whose account chose `language`, and a browser signed in with the app's code. */
async function pendingSignInWith(language: string) {
  const { user, key, browser } = await pendingSignIn();
  await getSql()`update users set language = ${language} where id = ${user.id}`;
  // The code of the next 30-second step: the app's current code was spent setting it up.
  const res = await browser.post("/login/second-factor", { code: await codeAt(key, 1) });
  expect(res.status).toBe(302);
  return { user, browser };
}

describe("the security pages in the reader's language", () => {
  it("asks for the second factor in French when signing in, and refuses a wrong code in French", async () => {
    const { key, browser } = await pendingSignIn();
    const html = await (await browser.get("/login/second-factor", fr)).text();
    expect(html).toContain("<h1>Votre second facteur</h1>");
    expect(html).toMatch(/<title>Second facteur — Connexion — Accord<\/title>/);
    expect(html).toContain("codes de récupération");
    expectNoEnglish(html, ["Your second factor", "authenticator app", "Lost your phone", ">Sign in<"]);

    const right = await codeAt(key);
    const wrong = await browser.post("/login/second-factor", { code: right === "000000" ? "111111" : "000000" }, fr);
    expect(wrong.status).toBe(400);
    const refused = visibleText(await wrong.text()).replace(/<!-- -->/g, "");
    expect(refused).toContain("Ce code est incorrect, ou il a déjà été utilisé.");
    expect(refused).toMatch(/secondes\)\. Il reste (une tentative|\d+ tentatives)\./);
    expectNoEnglish(refused, ["That code is not right", "tries left"]);
  });

  it("sets up the second factor in French: the app's steps, passkeys with French dates, recovery codes and refusals", async () => {
    const user = await createUser({ name: "Paul Passe" });
    const browser = await signedIn(user);
    const before = await (await browser.get("/account/second-factor", fr)).text();
    expect(before).toContain("<h1>Second facteur</h1>");
    expect(before).toMatch(/<title>Second facteur — Votre compte — Accord<\/title>/);
    expect(before).toContain("Aucune clé d’accès pour l’instant.");
    expectNoEnglish(before, ["Authenticator app", "Passkeys", "No passkey yet", "Set up a second factor", "Your account"]);

    expect((await browser.post("/account/second-factor", { intent: "start" }, fr)).status).toBe(302);
    const setUp = await (await browser.get("/account/second-factor", fr)).text();
    expect(setUp).toContain('aria-label="QR code de votre clé Accord pour une application d’authentification"');
    expect(setUp).toMatch(/Ou saisissez cette clé dans l’application \(basée sur le temps, 6 chiffres, toutes les 30 secondes\) : <code class="typed-key">[A-Z2-7 ]+<\/code>/);
    const wrong = await browser.post("/account/second-factor", { intent: "confirm", code: "12ab56" }, fr);
    expect(wrong.status).toBe(400);
    expectNoEnglish(await wrong.text(), ["That code is not right", "Scan this code"]);

    const added = await registerPasskey(browser, "Portable");
    expect(added.status).toBe(200);
    const [addedMail] = await getSql()<{ subject: string; text: string }[]>`select subject, text_body as text from outbox where to_address = ${user.email} order by id desc limit 1`;
    expect(addedMail?.subject).toBe("Une clé d’accès a été ajoutée à votre compte Accord");
    expect(addedMail?.text).toContain("Bonjour Paul Passe");
    expect(addedMail?.text).toContain("Une clé d’accès nommée « Portable » a été ajoutée");
    const codesPage = await added.text();
    expect(recoveryCodesOf(codesPage)).toHaveLength(10);
    expect(codesPage).toContain("Vos codes de récupération");
    expectNoEnglish(codesPage, ["Your recovery codes", "Back to your account"]);

    const on = (await (await browser.get("/account/second-factor", fr)).text()).replace(/<!-- -->/g, "");
    expect(on).toContain("Le second facteur est activé");
    expect(on).toContain("Accord demande l’une de vos clés d’accès. Il reste 10 codes de récupération sur 10.");
    expect(on).toMatch(/<time dateTime="[^"]+">\d{1,2} [a-zéû]+\.? \d{4}(,| à) \d{2}:\d{2} UTC<\/time>/);
    expect(on).toContain(">jamais<");
    expectNoEnglish(on, ["The second factor is on", "recovery codes are left", "Last used", "never", "Remove the passkey", "Turn it off"]);

    const refused = await browser.post("/account/second-factor", { intent: "disable" }, fr);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Indiquez votre mot de passe, ou un code de votre application ou un code de récupération.");
    const badPassword = await browser.post("/account/second-factor", { intent: "disable", password: "not the password at all" }, fr);
    expect(badPassword.status).toBe(400);
    expect(await badPassword.text()).toContain("Ce n’est pas votre mot de passe.");
  });

  it("refuses a wrong code, a code already used and a malformed form in French on the second-factor page", async () => {
    const { key, browser } = await pendingSignIn();
    const used = await codeAt(key, 1);
    expect((await browser.post("/login/second-factor", { code: used }, fr)).status).toBe(302);
    const wrongCode = used === "000000" ? "111111" : "000000";

    const wrong = await browser.post("/account/second-factor", { intent: "regenerate", code: wrongCode }, fr);
    expect(wrong.status).toBe(400);
    const wrongText = visibleText(await wrong.text());
    expect(wrongText).toContain("Ce code est incorrect, ou il a déjà été utilisé.");
    expectNoEnglish(wrongText, ["That code is not right", "Type the 6 digits"]);

    // The code that signed in was spent: the same one again is refused, in French.
    const reused = await browser.post("/account/second-factor", { intent: "disable", code: used }, fr);
    expect(reused.status).toBe(400);
    const reusedText = visibleText(await reused.text());
    expect(reusedText).toContain("Ce code est incorrect, ou il a déjà été utilisé.");
    expectNoEnglish(reusedText, ["That code is not right", "already used"]);

    const long = await browser.post("/account/second-factor", { intent: "disable", code: "9".repeat(200) }, fr);
    expect(long.status).toBe(400);
    expect(visibleText(await long.text())).toContain("Un code compte au plus 6 chiffres");
    const unknown = await browser.post("/account/second-factor", { intent: "<b>drop</b>" }, fr);
    expect(unknown.status).toBe(400);
    const unknownHtml = await unknown.text();
    expect(visibleText(unknownHtml)).toContain("Le formulaire n’a pas pu être lu.");
    expect(unknownHtml).not.toContain("<b>drop</b>");
    expectNoEnglish(unknownHtml, ["Invalid discriminator", "The form could not be read"]);
    const status = await (await browser.get("/account/second-factor", fr)).text();
    expect(status).toContain("Le second facteur est activé");
  });

  it("refuses passkeys in French: no request open, an answer that does not match, a session without the second factor, one too many", async () => {
    const user = await createUser({ name: "Clé Refusée" });
    const browser = await signedIn(user);
    const unasked = await browser.post("/account/second-factor", { intent: "passkey", name: "Portable", response: "{}" }, fr);
    expect(unasked.status).toBe(400);
    const unaskedText = visibleText(await unasked.text());
    expect(unaskedText).toContain("Cette demande de clé d’accès n’est plus ouverte");
    expectNoEnglish(unaskedText, ["That passkey request is no longer open"]);

    expect((await browser.post("/account/second-factor", { intent: "passkey-start", name: "Portable" }, fr)).status).toBe(200);
    const forged = await browser.post("/account/second-factor", { intent: "passkey", name: "Portable", response: JSON.stringify({ id: "x", type: "public-key" }) }, fr);
    expect(forged.status).toBe(400);
    const forgedText = visibleText(await forged.text());
    expect(forgedText).toContain("Cette clé d’accès n’a pas pu être ajoutée");
    expectNoEnglish(forgedText, ["could not be added"]);

    // Signed in with the password alone, then the account gets its passkeys (as from another browser).
    const full = await createUser({ name: "Trop Clés" });
    const fullBrowser = await signedIn(full);
    for (let i = 0; i < MAX_PASSKEYS; i++) {
      await getSql()`insert into passkeys (user_id, credential_id, public_key, counter, transports, name)
        values (${full.id}, ${`cred-${full.id}-${i}`}, ${Buffer.from([i])}, 0, ${[]}, ${`Clé ${i}`})`;
    }
    const again = await fullBrowser.post("/account/second-factor", { intent: "passkey-start", name: "Une de plus" }, fr);
    expect(again.status).toBe(409);
    expect(visibleText(await again.text())).toContain("Déconnectez-vous puis reconnectez-vous avec votre second facteur");
    // This session proves the second factor now: the refusal is the number of passkeys.
    await getSql()`update sessions set second_factor_verified_at = now() where user_id = ${full.id}`;
    const tooMany = await fullBrowser.post("/account/second-factor", { intent: "passkey-start", name: "Une de plus" }, fr);
    expect(tooMany.status).toBe(409);
    const tooManyText = visibleText(await tooMany.text());
    expect(tooManyText).toContain(`Un compte peut avoir ${MAX_PASSKEYS} clés d’accès : supprimez-en une d’abord.`);
    expectNoEnglish(tooManyText, ["An account can have", "remove one first"]);
  });

  it("refuses an organiser's reset of a second factor in French, saying why", async () => {
    const workshop = await createWorkshop(undefined, { secondFactorRequired: false });
    const membersPath = `/workshops/${workshop.slug}/members`;
    const other = await createUser({ name: "Odile Autre" });
    await addMember(workshop.id, other.id, "organizer");
    const plain = await createUser({ name: "Pierre Simple" });
    await addMember(workshop.id, plain.id, "organizer");
    const weak = await signedIn(plain);
    const ownFirst = await weak.post(membersPath, { intent: "reset-second-factor", userId: other.id }, fr);
    expect(ownFirst.status).toBe(409);
    expect(visibleText(await ownFirst.text())).toContain("Configurez d’abord votre propre second facteur, et connectez-vous avec");

    const { user, key, browser } = await pendingSignIn();
    expect((await browser.post("/login/second-factor", { code: await codeAt(key, 1) }, fr)).status).toBe(302);
    await addMember(workshop.id, user.id, "organizer");
    const own = await browser.post(membersPath, { intent: "reset-second-factor", userId: user.id }, fr);
    expect(own.status).toBe(409);
    expect(visibleText(await own.text())).toContain("Vous ne pouvez pas réinitialiser votre propre second facteur ici");
    const none = await browser.post(membersPath, { intent: "reset-second-factor", userId: other.id }, fr);
    expect(none.status).toBe(409);
    const noneText = visibleText(await none.text());
    expect(noneText).toContain("Cet organisateur n’a pas de second facteur à réinitialiser.");
    expectNoEnglish(noneText, ["no second factor to reset", "cannot reset your own"]);
  });

  it("shows the personal access tokens in French: the form, the scopes, the lifetimes and the list with French dates", async () => {
    const user = await createUser({ name: "Jeanne Jeton" });
    await createAccessToken(user.id, { name: "export nocturne", scopes: ["read", "admin"], lifetimeDays: 30 });
    const browser = await signedIn(user);
    const html = (await (await browser.get("/account", fr)).text()).replace(/<!-- -->/g, "");
    expect(html).toContain('<h2 id="tokens-heading">Jetons d’accès personnels</h2>');
    expect(html).toContain("(envoyez-le sous la forme <code>Authorization: Bearer …</code>)");
    expect(html).toContain('<label for="field-lifetimeDays">Expire après</label>');
    expect(html).toContain('<option value="90" selected="">90 jours</option>');
    expect(html).toContain('<option value="365">1 an</option>');
    expect(html).toContain('<label for="scope-admin">Administration</label>');
    expect(html).toContain('<td data-label="Autorisations">Lecture, Administration</td>');
    expect(html).toMatch(/<td data-label="Expire le"> <time dateTime="[^"]+">\d{1,2} [a-zéû]+\.? \d{4}(,| à) \d{2}:\d{2} UTC<\/time><\/td>/);
    expect(html).toContain('<td data-label="Dernière utilisation">jamais</td>');
    expect(html).toContain('aria-label="Révoquer le jeton « export nocturne »"');
    expectNoEnglish(html, ["Personal access tokens", "Token name", "What may it do?", "Expires after", "90 days", "Revoke", "never"]);
  });

  it("resets a password in French: the form, its refusals and the broken or used link", async () => {
    const user = await createUser({ name: "Rémi Reset" });
    const browser = new Browserish(server.url);
    expect((await browser.post("/forgot-password", { email: user.email }, fr)).status).toBe(302);
    const [mail] = await getSql()<{ text: string }[]>`select text_body as text from outbox where to_address = ${user.email} order by id desc limit 1`;
    const path = /https?:\/\/[^/\s]+(\/reset-password\?token=[^\s]+)/.exec(mail?.text ?? "")?.[1];
    expect(path, "a reset link was mailed").toBeTruthy();
    const token = new URLSearchParams(path!.split("?")[1]).get("token")!;

    const page = await (await browser.get(path!, fr)).text();
    expect(page).toContain("<h1>Choisissez un nouveau mot de passe</h1>");
    expect(page).toMatch(/<title>Choisissez un nouveau mot de passe — Accord<\/title>/);
    expect(page).toContain("Nouveau mot de passe (confirmation)");
    expectNoEnglish(page, ["Choose a new password", "New password", "Save the new password", "Between 12 and 256 characters"]);

    const mismatch = await (await browser.post(path!, { token, password: "ember compass tide 44", confirmPassword: "ember compass tide 45" }, fr)).text();
    expect(mismatch).toContain("Les deux mots de passe ne sont pas identiques.");
    expect(mismatch).toContain("Veuillez corriger le champ signalé ci-dessous.");
    const weak = await (await browser.post(path!, { token, password: "short", confirmPassword: "short" }, fr)).text();
    expect(weak).toContain("Utilisez au moins 12 caractères.");
    expectNoEnglish(mismatch + weak, ["The two passwords are not the same", "Please correct", "Use at least"]);

    expect((await browser.post(path!, { token, password: "ember compass tide 44", confirmPassword: "ember compass tide 44" }, fr)).status).toBe(302);
    const used = await (await browser.get(path!, fr)).text();
    expect(used).toContain("<h1>Ce lien a expiré ou a déjà été utilisé</h1>");
    const garbage = await (await browser.get("/reset-password?token=%3Cscript%3E", fr)).text();
    expect(garbage).toContain("<h1>Ce lien ne fonctionne pas</h1>");
    expect(garbage).toContain(">Demander un nouveau lien<");
    expectNoEnglish(used + garbage, ["This link", "Ask for a new link", "Password reset links"]);
    const sv = await (await browser.get("/reset-password?token=x", { "accept-language": "sv-SE,sv;q=0.9" })).text();
    expect(sv).toContain("<h1>Den här länken fungerar inte</h1>");
    const es = await (await browser.get("/reset-password?token=x", { "accept-language": "es-ES,es;q=0.9" })).text();
    expect(es).toContain("<h1>Este enlace no funciona</h1>");
  });

  it("writes the second factor's mails in the account's chosen language, whatever the browser asks for", async () => {
    const { user, browser } = await pendingSignInWith("es");
    const codes = await browser.post("/account/second-factor", { intent: "regenerate", password: TEST_PASSWORD }, { "accept-language": "en" });
    expect(codes.status).toBe(200);
    const [mail] = await getSql()<{ subject: string; text: string }[]>`select subject, text_body as text from outbox where to_address = ${user.email} order by id desc limit 1`;
    expect(mail?.subject).toBe("Nuevos códigos de recuperación para su cuenta de Accord");
    expect(mail?.text).toContain("/account/second-factor");
    expect(mail?.text).not.toContain("Hello");
    const off = await browser.post("/account/second-factor", { intent: "disable", password: TEST_PASSWORD }, { "accept-language": "en" });
    expect(off.status).toBe(302);
    const [offMail] = await getSql()<{ subject: string }[]>`select subject from outbox where to_address = ${user.email} order by id desc limit 1`;
    expect(offMail?.subject).toBe("Se ha desactivado el segundo factor de su cuenta de Accord");
  });
});
