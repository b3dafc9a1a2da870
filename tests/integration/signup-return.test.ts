/**
 * Someone who comes to endorse and has no account: they sign up from the declaration, confirm the address from the
 * mail in the same browser with one button (that browser chose the password), are signed in and land back on the
 * declaration's endorse page — not on an empty list of workshops. Confirming from another browser still asks for a
 * name and password (the pre-registration rule), and then returns there after signing in. Everyone sees
 * "Declarations" in the header; "My endorsements" lists the person's own endorsements, nobody else's.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { call, person, publishDeclaration, signer, type Declaration } from "../support/endorsement-fixtures";
import { TEST_PASSWORD, uniqueEmail } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

let server: TestServer;
let declaration: Declaration;

beforeAll(async () => {
  server = await startTestServer();
  declaration = await publishDeclaration();
});

afterAll(async () => {
  await server?.close();
});

beforeEach(async () => {
  await getSql()`delete from request_limits`;
});

async function mailedLinkPath(to: string): Promise<string> {
  const [row] = await getSql()<{ text: string }[]>`select text_body as text from outbox where to_address = ${to} order by id desc limit 1`;
  const match = /https?:\/\/[^/\s]+(\/verify-email\?token=[^\s]+)/.exec(row?.text ?? "");
  if (!match) throw new Error(`no confirmation link mailed to ${to}`);
  return match[1]!;
}

const endorsePath = () => `/d/${declaration.slug}/endorse`;

async function signUp(browser: Browserish, email: string, redirectTo: string | null): Promise<Response> {
  return browser.post(redirectTo ? `/signup?redirectTo=${encodeURIComponent(redirectTo)}` : "/signup", {
    name: "Nora Newcomer",
    email,
    password: TEST_PASSWORD,
    ...(redirectTo ? { redirectTo } : {}),
  });
}

describe("signing up to endorse", () => {
  it("offers sign-up from the endorse page with the way back, and after confirming in the same browser lands there signed in", async () => {
    const anonymous = await (await new Browserish(server.url).get(endorsePath())).text();
    expect(anonymous).toContain(`href="/signup?redirectTo=${encodeURIComponent(endorsePath())}"`);
    expect(anonymous).toContain(`href="/login?redirectTo=${encodeURIComponent(endorsePath())}"`);

    const browser = new Browserish(server.url);
    const email = uniqueEmail("nora");
    const signupPage = await (await browser.get(`/signup?redirectTo=${encodeURIComponent(endorsePath())}`)).text();
    expect(signupPage).toContain(`name="redirectTo" value="${endorsePath()}"`);
    const res = await signUp(browser, email, endorsePath());
    expect(res.status).toBe(302);
    expect(res.headers.getSetCookie().some((c) => /^accord_signup=[a-z2-7]{32}; Path=\/; HttpOnly/.test(c))).toBe(true);

    const link = await mailedLinkPath(email);
    const page = await (await browser.get(link)).text();
    expect(page, "the browser that chose the password is not asked for it again").not.toContain('name="password"');
    expect(page).toContain("Confirm my e-mail address");
    const confirmed = await browser.post(link, { token: decodeURIComponent(/token=([^\s&]+)/.exec(link)![1]!) });
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("location")).toBe(endorsePath());
    const endorse = await (await browser.get(endorsePath())).text();
    expect(endorse, "signed in, confirmed: the form is there").toContain("How are you endorsing?");
  });

  it("from another browser asks for the name and a password, then returns through signing in", async () => {
    const first = new Browserish(server.url);
    const email = uniqueEmail("omar");
    await signUp(first, email, endorsePath());
    const link = await mailedLinkPath(email);
    const token = decodeURIComponent(/token=([^\s&]+)/.exec(link)![1]!);
    const phone = new Browserish(server.url);
    expect(await (await phone.get(link)).text()).toContain('name="password"');
    const refused = await phone.post(link, { token });
    expect(refused.status).toBe(400);
    const confirmed = await phone.post(link, { token, name: "Omar Officer", password: "a brand new passphrase 42", confirmPassword: "a brand new passphrase 42" });
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("location")).toBe(`/login?verified=1&redirectTo=${encodeURIComponent(endorsePath())}`);
  });

  it("binds only the browser that created the account: a second sign-up for an unconfirmed address gets no shortcut", async () => {
    const email = uniqueEmail("squat");
    await signUp(new Browserish(server.url), email, null);
    const second = new Browserish(server.url);
    await signUp(second, email, null);
    const link = await mailedLinkPath(email);
    expect(await (await second.get(link)).text()).toContain('name="password"');
  });

  it("ignores a way back that leaves the site", async () => {
    const browser = new Browserish(server.url);
    const email = uniqueEmail("evil");
    await signUp(browser, email, "https://evil.example/phish");
    const link = await mailedLinkPath(email);
    const confirmed = await browser.post(link, { token: decodeURIComponent(/token=([^\s&]+)/.exec(link)![1]!) });
    expect(confirmed.headers.get("location")).toBe("/workshops");
  });
});

describe("the header and My endorsements", () => {
  it("shows Declarations to everyone", async () => {
    const html = await (await new Browserish(server.url).get("/")).text();
    expect(html).toMatch(/<a[^>]*href="\/declarations"[^>]*>Declarations<\/a>/);
  });

  it("lists the person's own endorsements with receipt and withdraw, and says when there are none", async () => {
    const anna = await signer({ name: "Anna Berg" });
    const empty = await (await call(server.url, "GET", "/account/endorsements", { cookie: anna.cookie })).text();
    expect(empty).toContain("You have not endorsed anything yet.");
    const { id } = (await (await call(server.url, "POST", `/api/declarations/${declaration.slug}/endorsements`, { cookie: anna.cookie, json: person({ name: "Anna Berg", publicFields: ["name"] }) })).json()) as { id: string };
    const mine = await (await call(server.url, "GET", "/account/endorsements", { cookie: anna.cookie })).text();
    expect(mine).toContain(`href="/e/${id}"`);
    expect(mine).toContain(`href="/e/${id}?withdraw=1#withdraw"`);
    expect(mine).toContain("Anna Berg");
    const other = await signer();
    expect(await (await call(server.url, "GET", "/account/endorsements", { cookie: other.cookie })).text()).not.toContain(id);
    expect((await call(server.url, "DELETE", `/api/endorsements/${id}`, { cookie: anna.cookie })).status).toBe(204);
    const after = await (await call(server.url, "GET", "/account/endorsements", { cookie: anna.cookie })).text();
    expect(after).toContain("Withdrawn");
    expect(after).not.toContain(`?withdraw=1`);
  });
});
