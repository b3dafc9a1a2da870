/**
 * The public reading pages are sent without JavaScript (issue 15: "the public pages stay at zero JavaScript"): a
 * reader's browser runs nothing of ours on the declarations list, a declaration, a version, its changes, the
 * verification page and the start page, signed in or not. Pages people work on (the endorsement form, the receipt,
 * the editor) still load the app's JavaScript, and work without it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishDeclaration, publishVersion, type Declaration } from "../support/endorsement-fixtures";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

let server: TestServer;
let declaration: Declaration;

beforeAll(async () => {
  server = await startTestServer();
  declaration = await publishDeclaration();
  await publishVersion(declaration, "Police for harm reduction\n\nA second version, so that a page of changes exists.");
});

afterAll(async () => {
  await server?.close();
});

/** Everything in a page that would make a browser run or fetch JavaScript. */
function javaScriptIn(html: string): string[] {
  return [
    ...html.matchAll(/<script\b[^>]*>/gi),
    ...html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*>/gi),
    ...html.matchAll(/\son[a-z]+="/gi),
  ].map((m) => m[0]);
}

describe("the public reading pages", () => {
  const readingPages = () => [
    "/",
    "/declarations",
    `/d/${declaration.slug}`,
    `/d/${declaration.slug}/v/1`,
    `/d/${declaration.slug}/changes/2`,
    "/verify",
  ];

  it("carry no JavaScript at all", async () => {
    for (const path of readingPages()) {
      const res = await fetch(server.url + path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).toContain("<main");
      expect(javaScriptIn(html), path).toEqual([]);
    }
  });

  it("carry none after a form post either: the verification page answers in plain HTML", async () => {
    const res = await new Browserish(server.url).post("/verify", { text: "Not a published text", slug: "" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("No published version has this fingerprint.");
    expect(javaScriptIn(html)).toEqual([]);
  });

  it("and a page that is not found is plain too", async () => {
    const res = await fetch(`${server.url}/d/no-such-declaration`);
    expect(res.status).toBe(404);
    expect(javaScriptIn(await res.text())).toEqual([]);
  });
});

describe("the pages people work on", () => {
  it("still load the app's JavaScript (the endorsement form checks as one types, and works without it)", async () => {
    const html = await (await fetch(`${server.url}/d/${declaration.slug}/endorse`)).text();
    expect(html).toMatch(/<script\b/);
  });
});
