/**
 * The PDF of a published version (GET /d/:slug/v/:number/pdf), fetched from the built server and read back with a PDF
 * parser (pdfjs-dist), as a reader who receives it would: the title, text, version and SHA-256; the signatories that
 * chose to be listed, in Polish, Greek and Cyrillic; never a hidden name or an e-mail address; the page's counts; a
 * withdrawn signer gone from the next PDF; 404 for what is not published.
 */
import { getSql } from "../../db/client";
import type { JSONContent } from "@tiptap/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalHash, canonicalText } from "../../app/declarations/canonical";
import { documentPlainText, renderDocumentHtml, tiptapJsonToProseMirror } from "../../app/editor/document-tools.server";
import { call, organisation, person, publishDeclaration, signer, type Declaration, type Signer } from "../support/endorsement-fixtures";
import { startTestServer, type TestServer } from "../support/http-server";
import { pdfQrCode, pdfText } from "../support/pdf-text";

let server: TestServer;
let declaration: Declaration;
const people: Record<"pawel" | "dmitry" | "hilda" | "org" | "giorgos", Signer> = {} as never;
const endorsementIds: Record<string, string> = {};

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const squash = (text: string) => text.replace(/\s+/g, " ");

const RICH: JSONContent = {
  type: "doc",
  content: [
    { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: "Police for harm reduction" }] },
    {
      type: "paragraph",
      content: [
        { type: "text", text: "We call for drug policies that " },
        { type: "text", marks: [{ type: "bold" }], text: "save lives" },
        { type: "text", text: " in every country: " },
        { type: "text", marks: [{ type: "italic" }], text: "Ζωή, жизнь, życie" },
        { type: "text", text: "." },
      ],
    },
    { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "What we ask" }] },
    {
      type: "orderedList",
      attrs: { start: 1, type: null },
      content: [
        { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "Naloxone in every patrol car." }] }] },
        { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "Referral instead of arrest." }] }] },
      ],
    },
    { type: "blockquote", content: [{ type: "paragraph", content: [{ type: "text", text: "Harm reduction is police work." }] }] },
  ],
};

/** Seal the next published version from Tiptap JSON, as publishing stores it (HTML from the editor's schema). */
async function publishRich(d: Declaration, json: JSONContent): Promise<{ number: number; sha256: string }> {
  const sql = getSql();
  const node = tiptapJsonToProseMirror(json);
  const plain = documentPlainText(node);
  const html = renderDocumentHtml(node);
  const [version] = await sql<{ id: string }[]>`
    insert into document_versions (document_id, name, log_seq, yjs_state, tiptap_json, html, plain_text)
    values (${d.documentId}, ${`Rich ${d.versions.length + 1}`}, 0, ${Buffer.alloc(0)}, ${sql.json(json as never)}, ${html}, ${plain})
    returning id`;
  const text = canonicalText(plain);
  const sha256 = canonicalHash(text);
  const number = d.versions.length + 1;
  const [published] = await sql<{ id: string }[]>`
    insert into published_versions (document_id, number, version_id, title, canonical_text, html, sha256, published_by)
    values (${d.documentId}, ${number}, ${version!.id}, 'Police for harm reduction', ${text}, ${html}, ${sha256}, ${d.organiser.id})
    returning id`;
  d.versions.push({ id: published!.id, number, sha256 });
  return { number, sha256 };
}

async function endorse(who: Signer, body: unknown): Promise<string> {
  const res = await call(server.url, "POST", `/api/declarations/${declaration.slug}/endorsements`, { cookie: who.cookie, json: body });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function fetchPdf(number: number, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/d/${declaration.slug}/v/${number}/pdf`, { headers });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, bytes, read: () => pdfText(bytes) };
}

beforeAll(async () => {
  server = await startTestServer();
  declaration = await publishDeclaration();
  people.pawel = await signer({ name: "Paweł Łukasiewicz", email: `pawel-${Date.now()}@policja.example` });
  people.dmitry = await signer({ name: "Дмитрий Иванов" });
  people.hilda = await signer({ name: "Hilda Hidden", email: `hilda-${Date.now()}@polisen.example` });
  people.org = await signer({ name: "Orla Org" });
  people.giorgos = await signer({ name: "Γιώργος Παπαδόπουλος" });
  endorsementIds.pawel = await endorse(people.pawel, person({ name: "Paweł Łukasiewicz", country: "PL", publicFields: ["name", "country", "capacity"] }));
  endorsementIds.dmitry = await endorse(people.dmitry, person({ name: "Дмитрий Иванов", country: "UA", role: "Майор", publicFields: ["name", "role", "country"] }));
  endorsementIds.hilda = await endorse(
    people.hilda,
    person({ name: "Hilda Hidden", role: "Undercover Detective", affiliation: "Secret Squad", statement: "My private reasons.", publicFields: ["capacity", "country"] }),
  );
  endorsementIds.org = await endorse(people.org, organisation({ organisationName: "Example Police (Ops) \\ Unit", signerRole: "Head of Confidential Affairs" }));
  await publishRich(declaration, RICH);
  endorsementIds.giorgos = await endorse(people.giorgos, person({ name: "Γιώργος Παπαδόπουλος", country: "GR", statement: "Η μείωση της βλάβης σώζει ζωές.", publicFields: ["name", "country", "statement"] }));
});

afterAll(async () => {
  await server?.close();
});

describe("the PDF of a published version", () => {
  it("is a public PDF with a safe file name and a strong ETag, and If-None-Match answers 304", async () => {
    const { res, bytes } = await fetchPdf(2);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(`inline; filename="${declaration.slug}-v2.pdf"`);
    expect(Buffer.from(bytes.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const again = await fetch(`${server.url}/d/${declaration.slug}/v/2/pdf`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect((await fetchPdf(2)).res.headers.get("etag"), "an unchanged annex is served from the cache").toBe(etag);
  });

  it("carries the title, the text with its headings and lists, the version and its SHA-256 on every page", async () => {
    const { text, pages, info } = await (await fetchPdf(2)).read();
    const flat = squash(text);
    for (const piece of ["Police for harm reduction", "What we ask", "save lives", "Ζωή, жизнь, życie", "Naloxone in every patrol car.", "Referral instead of arrest.", "Harm reduction is police work."]) {
      expect(flat).toContain(piece);
    }
    expect(flat).toContain("Version 2");
    const hash = declaration.versions[1]!.sha256;
    expect(squash(text).split(`SHA-256 ${hash}`).length - 1, "the SHA-256 in each page's footer").toBe(pages);
    expect(flat).toContain(`SHA-256 of the canonical text: ${hash}`);
    expect(text.replace(/\s+/g, ""), "the verification URL (it may wrap)").toContain(`/verify?hash=${hash}`);
    expect(flat).toContain(`Page ${pages} of ${pages}`);
    expect(String(info.Title)).toContain("Police for harm reduction");
  });

  it("has a QR code on its pages that a phone reads as the version's verification URL", async () => {
    const { bytes, read } = await fetchPdf(2);
    const { pages } = await read();
    const hash = declaration.versions[1]!.sha256;
    for (const n of new Set([1, pages])) {
      const url = new URL((await pdfQrCode(bytes, n)) ?? "about:blank");
      expect(url.protocol, `page ${n}`).toMatch(/^https?:$/);
      expect(url.pathname + url.search, `page ${n}`).toBe(`/verify?hash=${hash}`);
    }
  });

  it("lists the signatories as the public page does — names in Polish, Greek and Cyrillic — with the page's counts, and never a hidden name, a private field or an e-mail", async () => {
    const { text } = await (await fetchPdf(2)).read();
    const flat = squash(text);
    for (const name of ["Paweł Łukasiewicz", "Дмитрий Иванов", "Майор", "Γιώργος Παπαδόπουλος", "Η μείωση της βλάβης σώζει ζωές.", "Example Police (Ops) \\ Unit", "A serving police officer, Sweden"]) {
      expect(flat).toContain(name);
    }
    expect(flat).toContain("Endorsing version 2");
    expect(flat).toContain("Endorsed an earlier version");
    const page = await (await fetch(`${server.url}/d/${declaration.slug}`)).text();
    const counts = /<p class="counts">([^<]+)<\/p>/.exec(page)![1]!;
    expect(counts).toBe("1 endorses version 2; 4 endorsed an earlier version");
    expect(flat).toContain(counts);
    for (const secret of ["Hilda Hidden", "Undercover Detective", "Secret Squad", "My private reasons.", "Head of Confidential Affairs", "Orla Org", people.hilda.user.email, people.pawel.user.email]) {
      expect(flat).not.toContain(secret);
    }
    expect(flat.match(EMAIL)?.[0] ?? null).toBeNull();
  });

  it("says its own words in the reader's language (French here), keeps the text and its language, and varies by language", async () => {
    const { res, bytes, read } = await fetchPdf(2, { "accept-language": "fr-FR,fr;q=0.9" });
    expect(res.status).toBe(200);
    expect(res.headers.get("vary") ?? "").toContain("Accept-Language");
    const { text, pages } = await read();
    const flat = squash(text);
    const hash = declaration.versions[1]!.sha256;
    expect(flat).toContain("Déclaration publiée · Accord");
    expect(flat).toContain(`SHA-256 du texte canonique : ${hash}`);
    expect(flat).toContain("Annexe : Signataires");
    expect(flat).toContain(`Page ${pages} sur ${pages}`);
    expect(flat).toContain("Ce fichier a été produit le");
    expect(flat).toContain("Pologne");
    expect(flat).toContain("What we ask");
    for (const english of ["Published declaration", "SHA-256 of the canonical text", "Annex: Signatories", `of ${pages}`, "This file was made", "Poland"]) {
      expect(flat, english).not.toContain(english);
    }
    expect(Buffer.from(bytes).toString("latin1"), "/Lang is the text's language").toMatch(/\/Lang \(en\)/);
    // An English reader still gets English words, and the earlier version's notice is French for a French reader.
    expect(squash((await (await fetchPdf(2, { "accept-language": "en" })).read()).text)).toContain("Annex: Signatories");
    expect(squash((await (await fetchPdf(1, { "accept-language": "fr" })).read()).text)).toContain("Ceci est la version 1, une version antérieure.");
  });

  it("of an earlier version lists that version's own signatories and names the current version", async () => {
    const { res, read } = await fetchPdf(1);
    expect(res.status).toBe(200);
    const flat = squash((await read()).text);
    expect(flat).toContain("This is version 1, an earlier version. The current version is version 2");
    expect(flat).toContain("4 endorsed version 1");
    expect(flat).toContain("Paweł Łukasiewicz");
    expect(flat).toContain(declaration.versions[0]!.sha256);
    expect(flat).not.toContain("Γιώργος Παπαδόπουλος");
    expect(flat).not.toContain("Hilda Hidden");
  });

  it("is regenerated when someone withdraws: the withdrawn signer disappears and the counts follow", async () => {
    const before = await fetchPdf(2);
    expect(squash((await before.read()).text)).toContain("Γιώργος Παπαδόπουλος");
    expect((await call(server.url, "DELETE", `/api/endorsements/${endorsementIds.giorgos}`, { cookie: people.giorgos.cookie })).status).toBe(204);
    const after = await fetchPdf(2);
    expect(after.res.status).toBe(200);
    expect(after.res.headers.get("etag")).not.toBe(before.res.headers.get("etag"));
    const flat = squash((await after.read()).text);
    expect(flat).not.toContain("Γιώργος Παπαδόπουλος");
    expect(flat).not.toContain("Η μείωση της βλάβης");
    expect(flat).toContain("Nobody endorses version 2 yet; 4 endorsed an earlier version");
    expect(flat).toContain("Nobody has endorsed version 2 yet.");
  });

  it("answers 404 for an unknown version, an unknown declaration and a malformed number", async () => {
    for (const path of [
      `/d/${declaration.slug}/v/3/pdf`,
      `/d/${declaration.slug}/v/0/pdf`,
      `/d/${declaration.slug}/v/01/pdf`,
      `/d/${declaration.slug}/v/1e3/pdf`,
      `/d/${declaration.slug}/v/99999999999/pdf`,
      "/d/no-such-declaration/v/1/pdf",
      "/d/Not_A_Slug/v/1/pdf",
    ]) {
      const res = await fetch(server.url + path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type") ?? "", path).not.toContain("application/pdf");
    }
  });

  it("is linked from the declaration's page and from each version's page", async () => {
    const page = await (await fetch(`${server.url}/d/${declaration.slug}`)).text();
    expect(page).toContain(`href="/d/${declaration.slug}/v/2/pdf"`);
    const v1 = await (await fetch(`${server.url}/d/${declaration.slug}/v/1`)).text();
    expect(v1).toContain(`href="/d/${declaration.slug}/v/1/pdf"`);
  });
});
