/**
 * Signing up and in, the account's language preference and the mails answering a sign-up, in French, Spanish and
 * Swedish (issue 14); mention and reply mails in their recipient's language.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig } from "../../app/config.server";
import { tiptapJsonToYDocUpdate } from "../../app/editor/document-tools.server";
import { getSql } from "../../db/client";
import { appendUpdates } from "../../db/document-log";
import { findUserById } from "../../db/users";
import { sessionCookie } from "../support/collab-client";
import { addMember, createUser, createWorkshop, uniqueEmail } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const page = async (path: string, lang: string) => (await fetch(server.url + path, { headers: { "accept-language": lang } })).text();
const lastMail = async (to: string) =>
  (await getSql()<{ subject: string; text: string }[]>`select subject, text_body as text from outbox where to_address = ${to} order by id desc limit 1`)[0];

describe("signing up and in in the reader's language", () => {
  it("shows the sign-in page in French, Spanish and Swedish with no English left", async () => {
    const fr = await page("/login", "fr");
    expect(fr).toContain("<title>Se connecter — Accord</title>");
    expect(fr).toContain("Mot de passe oublié ?");
    expect(fr).toContain("Créez un compte");
    const es = await page("/login", "es");
    expect(es).toContain("¿Ha olvidado su contraseña?");
    const sv = await page("/login", "sv");
    expect(sv).toContain("Glömt lösenordet?");
    for (const html of [fr, es, sv]) {
      for (const english of ["Forgot your password?", "New to Accord?", ">Password<", "Create an account", "Sign in — Accord"]) expect(html).not.toContain(english);
    }
  });

  it("shows the sign-up page and its validation errors in the reader's language", async () => {
    const sv = await page("/signup", "sv");
    expect(sv).toContain("Skapa ett konto");
    expect(sv).toContain("Mellan 12 och 256 tecken");
    for (const english of ["Your name", "Already have an account?", "Between 12 and 256", "Create account<"]) expect(sv).not.toContain(english);

    const b = new Browserish(server.url);
    const res = await b.post("/signup", { name: "", email: "not-an-address", password: "password" }, { "accept-language": "es-ES" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("Escriba su nombre.");
    expect(html).toContain("Escriba una dirección de correo como nombre@ejemplo.org.");
    expect(html).toContain("Corrija los campos señalados abajo.");
    for (const english of ["Enter your name.", "Enter an e-mail address like", "Please correct", "Use at least"]) expect(html).not.toContain(english);
  });

  it("sends the confirmation mail of a French sign-up in French, its link intact", async () => {
    const email = uniqueEmail("fr-signup");
    const b = new Browserish(server.url);
    const res = await b.post("/signup", { name: "Camille", email, password: "trois mots sans rapport 42" }, { "accept-language": "fr-FR,fr;q=0.9" });
    expect(res.status).toBe(302);
    const mail = await lastMail(email);
    expect(mail?.subject).toBe("Confirmez votre adresse e-mail pour Accord");
    expect(mail?.text).toContain("Bonjour,");
    expect(mail?.text).toMatch(/https?:\/\/[^/\s]+\/verify-email\?token=\S+/);
    expect(mail?.text).not.toContain("Someone asked");
  });

  it("says to wait with each language's plurals", async () => {
    const { pleaseWaitIn } = await import("../../app/utils/wait-words");
    const { tFor } = await import("../../app/i18n/strings.server");
    expect(pleaseWaitIn(tFor("fr"), 12)).toBe("Veuillez patienter 12 secondes avant de réessayer.");
    expect(pleaseWaitIn(tFor("sv"), 1)).toBe("Vänta en sekund innan du försöker igen.");
    expect(pleaseWaitIn(tFor("es"), 61)).toBe("Espere 2 minutos antes de volver a intentarlo.");
    expect(pleaseWaitIn(tFor("en"), 12)).toBe("Please wait 12 seconds before trying again.");
  });
});

describe("the account's language preference", () => {
  it("is saved and wins over the browser's Accept-Language, and can follow the browser again", async () => {
    const user = await createUser();
    const b = new Browserish(server.url);
    const [name, value] = (await sessionCookie(user.id)).split("=");
    b.cookies.set(name!, value!);
    const before = await (await b.get("/account", { "accept-language": "en" })).text();
    expect(before).toContain("Follow my browser");
    expect(before).toContain(">Svenska<");

    const saved = await b.post("/account", { intent: "language", language: "sv" }, { "accept-language": "en" });
    expect(saved.status).toBe(302);
    expect((await findUserById(user.id))?.language).toBe("sv");
    const after = await (await b.get("/account?done=language", { "accept-language": "en" })).text();
    expect(after).toContain('<html lang="sv"');
    expect(after).toContain("Sparat: Accord talar nu med dig på det här språket.");
    expect(after).toContain("Följ min webbläsare");

    await b.post("/account", { intent: "language", language: "" }, { "accept-language": "en" });
    expect((await findUserById(user.id))?.language).toBeNull();
  });

  it("refuses a language that is not one of the four, with a clear message, and saves nothing", async () => {
    const user = await createUser();
    const b = new Browserish(server.url);
    const [name, value] = (await sessionCookie(user.id)).split("=");
    b.cookies.set(name!, value!);
    for (const hostile of ["de", "EN", "fr'; drop table users;--", "x".repeat(5000)]) {
      const res = await b.post("/account", { intent: "language", language: hostile }, { "accept-language": "fr" });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("Choisissez l’une des langues proposées.");
    }
    expect((await findUserById(user.id))?.language).toBeNull();
  });
});

describe("mention and reply mails in the recipient's language", () => {
  async function newDocument(workshopId: string, text: string): Promise<string> {
    const slug = `d-${randomBytes(5).toString("hex")}`;
    const [row] = await getSql()<{ id: string }[]>`
      insert into documents (workshop_id, slug, title, kind) values (${workshopId}, ${slug}, ${"Draft " + slug}, 'declaration') returning id`;
    const content = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] };
    await getSql().begin((tx) => appendUpdates(tx, row!.id, [{ update: tiptapJsonToYDocUpdate(content), userId: null }]));
    return row!.id;
  }
  const mailAbout = async (to: string, documentId: string) =>
    (
      await getSql()<{ subject: string; text: string }[]>`
        select subject, text_body as text from outbox where to_address = ${to} and strpos(text_body, ${`/documents/${documentId}`}) > 0`
    )[0];

  it("mails a Swedish member in Swedish and an English one in English, whatever the sender reads, links intact", async () => {
    const workshop = await createWorkshop();
    const sender = await createUser({ name: "Cora Commenter" });
    const swede = await createUser({ name: "Stina Svensson" });
    const english = await createUser({ name: "Eve English" });
    for (const u of [sender, swede, english]) await addMember(workshop.id, u.id, "commenter");
    await getSql()`update users set language = 'sv' where id = ${swede.id}`;
    const doc = await newDocument(workshop.id, "Harm reduction saves lives.");
    const title = `Draft ${(await getSql()<{ slug: string }[]>`select slug from documents where id = ${doc}`)[0]!.slug}`;

    // Text that looks like i18next markup stays as written.
    const body = "@Stina Svensson @Eve English agree? {{name}} $& $t(mail:reset.subject)";
    const res = await fetch(`${server.url}/api/documents/${doc}/threads`, {
      method: "POST",
      headers: { origin: server.url, cookie: await sessionCookie(sender.id), "content-type": "application/json", "accept-language": "en" },
      body: JSON.stringify({ body, quote: { exact: "saves lives" } }),
    });
    expect(res.status).toBe(201);

    const sv = await mailAbout(swede.email, doc);
    expect(sv?.subject).toBe(`Cora Commenter nämnde dig i ”${title}”`);
    expect(sv?.text).toContain("Hej Stina Svensson!");
    expect(sv?.text).toContain(`Cora Commenter nämnde dig i diskussionen om ”${title}”`);
    expect(sv?.text).toContain("Om orden:\n\n  ”saves lives”");
    expect(sv?.text).toContain(`  ${body}\n`);
    expect(sv?.text).toContain(`${getConfig().publicUrl}/documents/${doc}\n`);
    expect(sv?.text).toContain(`${getConfig().publicUrl}/account#notifications`);
    expect(sv?.text).toContain("var 10:e minut");
    for (const english of ["Hello", "mentioned you", "On the words", "wrote:", "Open the document", "at most one e-mail"]) expect(sv?.text).not.toContain(english);

    const en = await mailAbout(english.email, doc);
    expect(en?.subject).toBe(`Cora Commenter mentioned you in “${title}”`);
    expect(en?.text).toContain("On the words:\n\n  “saves lives”");
    expect(en?.text).toContain(`  ${body}\n`);

    // A reply tells the thread's author in their language too.
    await getSql()`update users set language = 'fr' where id = ${sender.id}`;
    const threadId = ((await res.json()) as { id: string }).id;
    const answer = await fetch(`${server.url}/api/threads/${threadId}/comments`, {
      method: "POST",
      headers: { origin: server.url, cookie: await sessionCookie(english.id), "content-type": "application/json", "accept-language": "sv" },
      body: JSON.stringify({ body: "Yes." }),
    });
    expect(answer.status).toBe(201);
    const fr = await mailAbout(sender.email, doc);
    expect(fr?.subject).toBe(`Eve English a répondu dans « ${title} »`);
    expect(fr?.text).toContain("Bonjour Cora Commenter,");
    expect(fr?.text).toContain(`${getConfig().publicUrl}/documents/${doc}\n`);
  });
});

describe("invitation mails", () => {
  it("are in the inviter's language for a new address, in the account's for an address whose account chose one", async () => {
    const workshop = await createWorkshop();
    const organiser = await createUser({ name: "Olive Organiser" });
    await addMember(workshop.id, organiser.id, "organizer");
    const swede = await createUser({ name: "Stina" });
    await getSql()`update users set language = 'sv' where id = ${swede.id}`;
    const follower = await createUser({ name: "Felix" }); // follows the browser: the inviter's language
    const stranger = uniqueEmail("fr-invite");
    const b = new Browserish(server.url);
    const [name, value] = (await sessionCookie(organiser.id)).split("=");
    b.cookies.set(name!, value!);
    const res = await b.post(
      `/workshops/${workshop.slug}/members`,
      { intent: "invite-email", emails: `${stranger}, ${swede.email}, ${follower.email}`, role: "commenter", days: "7" },
      { "accept-language": "fr" },
    );
    expect(res.status).toBe(200);

    for (const to of [stranger, follower.email]) {
      const fr = await lastMail(to);
      expect(fr?.subject).toBe(`Invitation à rejoindre « Workshop ${workshop.slug} » sur Accord`);
      expect(fr?.text).toContain("Olive Organiser vous invite à rejoindre l’atelier");
      expect(fr?.text).toContain("Commentateur (lit les documents, les commente et propose des modifications)");
      expect(fr?.text).toMatch(/jusqu’au \d{1,2} \S+ \d{4}, \d\d:\d\d UTC :\n\nhttps?:\/\/[^/\s]+\/join\/\S+\n/);
      for (const english of ["Hello", "invites you", "Open this link", "Commenter", "forward"]) expect(fr?.text).not.toContain(english);
    }
    const sv = await lastMail(swede.email);
    expect(sv?.subject).toBe(`Inbjudan att gå med i ”Workshop ${workshop.slug}” på Accord`);
    expect(sv?.text).toContain("som Kommentator (läser dokument, kommenterar dem och föreslår ändringar)");
    expect(sv?.text).toMatch(/https?:\/\/[^/\s]+\/join\/\S+\n/);
    expect(sv?.text).not.toContain("vous");
  });
});

describe("the password pages", () => {
  it("show the forgotten-password page and its answer in French and Swedish with no English left", async () => {
    const fr = await page("/forgot-password", "fr");
    expect(fr).toContain("<title>Réinitialiser votre mot de passe — Accord</title>");
    expect(fr).toContain("M’envoyer un lien");
    expect(fr).toContain("Retour à la connexion");
    const sv = await page("/forgot-password?sent=1", "sv");
    expect(sv).toContain("Om ett konto använder den adressen har vi skickat en länk till den.");
    expect(sv).toContain("Skicka en länk till mig");
    for (const html of [fr, sv]) {
      for (const english of ["Reset your password", "Send me a link", "Back to sign in", "Tell us the e-mail", "If an account uses", "No message after"]) {
        expect(html).not.toContain(english);
      }
    }
    const b = new Browserish(server.url);
    const bad = await b.post("/forgot-password", { email: "not-an-address" }, { "accept-language": "fr" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Indiquez une adresse e-mail de la forme nom@exemple.org.");
  });
});
