/**
 * The account fields' problems and the unreadable form in the reader's language (issue 14), from their codes
 * (app/auth/field-words.ts): a French, Spanish or Swedish reader sees no English, whichever form refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionCookie } from "../support/collab-client";
import { createUser, TEST_PASSWORD } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";
import { es, expectNoEnglish, fr, sv, visibleText } from "../support/language-pages";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const UNREADABLE_FR = "Le formulaire n’a pas pu être lu. Veuillez réessayer.";
const ENGLISH = ["The form could not be read", "Please check the form", "Enter your", "Enter a password", "Use at", "That password", "That is not your", "commonly used", "Remove control"];

/** A post whose body cannot be read as a form (it claims to be multipart and is not). */
const unreadable = (b: Browserish, path: string, headers: Record<string, string>) =>
  b.post(path, { email: "x" }, { ...headers, "content-type": "multipart/form-data; boundary=nothing-here" });

async function signedIn(user: { id: string }): Promise<Browserish> {
  const b = new Browserish(server.url);
  const [name, value] = (await sessionCookie(user.id)).split("=");
  b.cookies.set(name!, value!);
  return b;
}

describe("form problems in the reader's language", () => {
  it("says an unreadable form in French on every account form", async () => {
    const b = new Browserish(server.url);
    for (const path of ["/login", "/signup", "/forgot-password", "/reset-password?token=nope", "/verify-email?token=nope"]) {
      const res = await unreadable(b, path, fr);
      expect(res.status, path).toBe(400);
      const html = await res.text();
      expect(visibleText(html), path).toContain(UNREADABLE_FR);
      expectNoEnglish(html, ENGLISH);
    }
    const camille = await signedIn(await createUser({ name: "Camille Formulaire" }));
    for (const path of ["/account", "/account/second-factor"]) {
      const res = await unreadable(camille, path, fr);
      expect(res.status, path).toBe(400);
      const html = await res.text();
      expect(visibleText(html), path).toContain(UNREADABLE_FR);
      expectNoEnglish(html, ENGLISH);
    }
  });

  it("says every sign-in and sign-up field problem in French", async () => {
    const b = new Browserish(server.url);
    const empty = await (await b.post("/login", { email: "", password: "" }, fr)).text();
    expect(visibleText(empty)).toContain("Indiquez votre adresse e-mail.");
    expect(visibleText(empty)).toContain("Choisissez un mot de passe.");
    expectNoEnglish(empty, ENGLISH);

    const cases: [Record<string, string>, string[]][] = [
      [{ name: "", email: "", password: "short" }, ["Indiquez votre nom.", "Indiquez votre adresse e-mail.", "Utilisez au moins 12 caractères."]],
      [{ name: "x".repeat(121), email: "pas-une-adresse", password: "qwerty123456" }, ["120 caractères au maximum.", "Indiquez une adresse e-mail de la forme nom@exemple.org.", "Ce mot de passe fait partie des plus courants"]],
      [{ name: "tab\tname", email: `${"a".repeat(250)}@example.org`, password: "abababababababab" }, ["Retirez les caractères de contrôle de votre nom.", "Cette adresse e-mail est trop longue.", "répète trop peu de caractères"]],
      [{ name: "Rosalind", email: "rosalind.franklin@example.org", password: "rosalind.franklin-2024!" }, ["Ne construisez pas le mot de passe à partir de votre adresse e-mail."]],
      [{ name: "Grace Brewster Hopper", email: "not-an-address", password: "Grace Brewster Hopper" }, ["N’utilisez pas votre nom comme mot de passe."]],
      [{ name: "Long", email: "not-an-address", password: "abcdefghij".repeat(26) }, ["Utilisez au plus 256 caractères."]],
      [{ name: "Longer", email: "not-an-address", password: "x".repeat(1025) }, ["Ce mot de passe est trop long."]],
    ];
    for (const [form, words] of cases) {
      const res = await b.post("/signup", form, fr);
      expect(res.status, words[0]).toBe(400);
      const html = await res.text();
      for (const w of words) expect(visibleText(html), w).toContain(w);
      expectNoEnglish(html, ENGLISH);
    }
  });

  it("says a wrong current password in Swedish and an unreadable form in Spanish", async () => {
    const user = await createUser({ name: "Sigrid Svensson" });
    const b = await signedIn(user);
    const wrong = await b.post("/account", { intent: "change-password", currentPassword: `${TEST_PASSWORD}!`, newPassword: "tre ord utan samband 42", confirmPassword: "tre ord utan samband 42" }, sv);
    expect(wrong.status).toBe(400);
    const html = await wrong.text();
    expect(visibleText(html)).toContain("Det är inte ditt nuvarande lösenord.");
    expectNoEnglish(html, ENGLISH);

    const res = await unreadable(new Browserish(server.url), "/login", es);
    expect(visibleText(await res.text())).toContain("No se pudo leer el formulario. Vuelva a intentarlo.");
  });
});
