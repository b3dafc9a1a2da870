/**
 * The second factor, passkeys, access tokens and password reset in the reader's language (issue 14): a browser asking
 * for French gets these pages, their refusals and dates in French, with no English left; the mails about the
 * second factor go in the recipient's language. Needs a current build (`npm run build`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserRow } from "../../db/users";
import { resetConfigCache } from "../../app/config.server";
import { createUser, TEST_PASSWORD } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";
import { codeAt, enrolOverHttp } from "../support/second-factor";

let server: TestServer;

beforeAll(async () => {
  process.env.ACCORD_LOG_LEVEL = "error";
  resetConfigCache();
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const fr = { "accept-language": "fr-FR,fr;q=0.9" };

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
});
