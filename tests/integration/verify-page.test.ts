/**
 * /verify, the verification page anyone can use without a command line, over real HTTP and without JavaScript (plain
 * form posts): a pasted copy with different spacing matches its published version; one changed word does not, and
 * the page shows what differs; an uploaded file matches; a fingerprint can be looked up; and each version's exact text
 * downloads as the bytes its SHA-256 was taken of.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DECLARATION_TEXT, publishDeclaration, publishVersion, type Declaration } from "../support/endorsement-fixtures";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

let server: TestServer;
let declaration: Declaration;
const SECOND = "Police for harm reduction\n\nWe, serving and retired police officers, call for drug policies that save lives and dignity.";

beforeAll(async () => {
  server = await startTestServer();
  declaration = await publishDeclaration();
  await publishVersion(declaration, SECOND);
});

afterAll(async () => {
  await server?.close();
});

const reader = () => new Browserish(server.url);

async function upload(bytes: Uint8Array<ArrayBuffer> | string, name = "declaration.txt", extra: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  form.set("text", "");
  form.set("file", new Blob([bytes], { type: "text/plain" }), name);
  for (const [k, v] of Object.entries(extra)) form.set(k, v);
  return fetch(`${server.url}/verify`, { method: "POST", headers: { origin: server.url }, body: form });
}

describe("the verification page", () => {
  it("says which published version a pasted copy is, whatever its spacing and line endings", async () => {
    const messy = `  ${DECLARATION_TEXT.replace(/\n\n/g, "\r\n\r\n\r\n").replace(/ /g, "  ")}\n\n`;
    const res = await reader().post("/verify", { text: messy, slug: "" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("This text is exactly a published version.");
    expect(html).toContain(`href="/d/${declaration.slug}/v/1"`);
    expect(html).toContain("version 2 has been published since.");
    expect(html).toContain(declaration.versions[0]!.sha256);
  });

  it("says plainly when one word differs, and shows the difference from the chosen declaration's current version", async () => {
    const forged = SECOND.replace("save lives", "end lives");
    const html = await (await reader().post("/verify", { text: forged, slug: declaration.slug })).text();
    expect(html).toContain("No published version has this fingerprint.");
    expect(html).not.toContain("This text is exactly a published version.");
    expect(html).toMatch(/<del[^>]*>[\s\S]*save/);
    expect(html).toMatch(/<ins[^>]*>[\s\S]*end/);
  });

  it("checks an uploaded file, and the downloaded exact text is the bytes its fingerprint was taken of", async () => {
    const download = await fetch(`${server.url}/d/${declaration.slug}/v/2/text`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(declaration.versions[1]!.sha256);
    const html = await (await upload(bytes)).text();
    expect(html).toContain("This text is exactly a published version.");
    expect(html).toContain("the current version.");
    // With a byte-order mark, as some editors save it.
    expect(await (await upload(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]))).text()).toContain("This text is exactly a published version.");
    expect((await fetch(`${server.url}/d/${declaration.slug}/v/9/text`)).status).toBe(404);
  });

  it("refuses what it cannot check, in words: nothing given, a file that is not UTF-8 text, more than 1 MB", async () => {
    const empty = await reader().post("/verify", { text: "  \n ", slug: "" });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Paste the text to check, or choose its file.");
    const binary = await upload(new Uint8Array([0xff, 0xfe, 0x00, 0xd8, 0x41]), "scan.pdf");
    expect(binary.status).toBe(400);
    expect(await binary.text()).toContain("not plain text in UTF-8");
    const huge = await reader().post("/verify", { text: "a".repeat(1024 * 1024 + 1), slug: "" });
    expect(huge.status).toBe(413);
    expect(await huge.text()).toContain("That text is longer than 1 MB.");
    // A file of 900 kB is taken (the page's cap is larger than the 64 kB of every other form).
    const large = await upload(`${SECOND}\n\n${"word ".repeat(180_000)}`);
    expect(large.status).toBe(200);
    expect(await large.text()).toContain("No published version has this fingerprint.");
  });

  it("looks up a fingerprint, and says when it is not one", async () => {
    const found = await (await reader().get(`/verify?hash=${declaration.versions[1]!.sha256.toUpperCase()}`)).text();
    expect(found).toContain("This fingerprint is sealed as:");
    expect(found).toContain(`href="/d/${declaration.slug}/v/2"`);
    expect(await (await reader().get(`/verify?hash=${"0".repeat(64)}`)).text()).toContain("No published version has this fingerprint.");
    expect(await (await reader().get("/verify?hash=%3Cscript%3E")).text()).toContain("A SHA-256 fingerprint is 64 characters");
  });

  it("is linked from the declaration's page", async () => {
    const html = await (await reader().get(`/d/${declaration.slug}`)).text();
    expect(html).toContain(`href="/verify?slug=${declaration.slug}"`);
    expect(html).toContain(`href="/d/${declaration.slug}/v/2/text"`);
  });
});
