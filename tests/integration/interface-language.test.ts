/**
 * The interface in the reader's language (issue 14): pages arrive translated from the server (no flash of English),
 * `<html lang>` says which, the footer switch works without JavaScript and is remembered, a signed-in account's
 * preference wins over the browser, and the public micro-cache never gives one language's page to another reader.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { sessionCookie } from "../support/collab-client";
import { createUser } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

let server: TestServer;
let cached: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  cached = await startTestServer({}, 60_000);
});

afterAll(async () => {
  await server?.close();
  await cached?.close();
});

const htmlLang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

describe("the interface language", () => {
  it("follows the browser's Accept-Language, already in the server's HTML", async () => {
    const res = await fetch(server.url + "/declarations", { headers: { "accept-language": "fr-CA,fr;q=0.9,en;q=0.5" } });
    const html = await res.text();
    expect(htmlLang(html)).toBe("fr");
    expect(html).toContain("Se connecter");
    expect(html).not.toContain(">Sign in<");
    expect(res.headers.get("vary")).toMatch(/Accept-Language/);
  });

  it("is English for a browser asking only for languages Accord does not speak", async () => {
    const html = await (await fetch(server.url + "/declarations", { headers: { "accept-language": "de-DE, pl;q=0.5" } })).text();
    expect(htmlLang(html)).toBe("en");
    expect(html).toContain(">Sign in<");
  });

  it("can be switched in the footer without JavaScript, and the choice is remembered", async () => {
    const b = new Browserish(server.url);
    const page = await (await b.get("/declarations", { "accept-language": "en" })).text();
    expect(page).toMatch(/<form[^>]*action="\/language"/);
    expect(page).toMatch(/<label for="language-switch">Language<\/label>/);
    const switched = await b.post("/language", { locale: "sv", back: "/declarations?x=1" });
    expect(switched.status).toBe(303);
    expect(switched.headers.get("location")).toBe("/declarations?x=1");
    const after = await (await b.get("/declarations", { "accept-language": "en" })).text();
    expect(htmlLang(after)).toBe("sv");
    expect(after).toContain("Logga in");
  });

  it("refuses a language it does not have and a way back to another site, changing nothing", async () => {
    const b = new Browserish(server.url);
    const res = await b.post("/language", { locale: "de", back: "https://evil.example/" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    expect(b.cookies.has("accord_lang")).toBe(false);
    const away = await b.post("/language", { locale: "fr", back: "//evil.example/x" });
    expect(away.headers.get("location")).toBe("/");
  });

  it("refuses a switch posted from another site", async () => {
    const res = await fetch(server.url + "/language", {
      method: "POST",
      redirect: "manual",
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "locale=fr&back=%2F",
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie") ?? "").not.toContain("accord_lang");
  });

  it("is the signed-in account's preference, set by the switch, over the browser's and on every device", async () => {
    const user = await createUser({ name: "Ana Ortega" });
    const b = new Browserish(server.url);
    const [name, value] = (await sessionCookie(user.id)).split("=");
    b.cookies.set(name!, value!);
    await b.post("/language", { locale: "es", back: "/workshops" });
    const [row] = await getSql()<{ language: string | null }[]>`select language from users where id = ${user.id}`;
    expect(row?.language).toBe("es");
    // Another device of the same account, with an English browser and no language cookie.
    const other = await fetch(server.url + "/workshops", { headers: { cookie: await sessionCookie(user.id), "accept-language": "en-GB" } });
    const html = await other.text();
    expect(htmlLang(html)).toBe("es");
    expect(html).toContain("Cerrar sesión");
  });

  it("never serves one language's cached public page to a reader of another", async () => {
    const fr = await fetch(cached.url + "/declarations", { headers: { "accept-language": "fr" } });
    expect(htmlLang(await fr.text())).toBe("fr");
    const en = await fetch(cached.url + "/declarations", { headers: { "accept-language": "en" } });
    expect(htmlLang(await en.text())).toBe("en");
    const frAgain = await fetch(cached.url + "/declarations", { headers: { "accept-language": "fr-FR" } });
    expect(frAgain.headers.get("x-accord-cache")).toBe("hit");
    expect(htmlLang(await frAgain.text())).toBe("fr");
  });
});
