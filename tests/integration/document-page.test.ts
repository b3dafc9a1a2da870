/**
 * The read-only document page, over real HTTP: the stored Yjs state of a seeded draft rendered as HTML, and
 * hostile content appended to the log shown as text, never as markup.
 */
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { appendUpdates } from "../../db/document-log";
import type { UserRow } from "../../db/users";
import { loadDocument } from "../../app/models/document-content.server";
import { seed } from "../../app/models/seed.server";
import { YJS_FIELD } from "../../app/editor/extensions";
import { addMember, createUser, TEST_PASSWORD } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

const CALL_TITLE = "Call by police for harm reduction policing and drug policy reform";

let server: TestServer;
let harmId: string;

beforeAll(async () => {
  await seed();
  const [row] = await getSql()`select id from workshops where slug = 'harm-reduction-policing-2023'`;
  harmId = row!.id as string;
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

async function signedIn(user: UserRow): Promise<Browserish> {
  const browser = new Browserish(server.url);
  const res = await browser.post("/login", { email: user.email, password: TEST_PASSWORD });
  expect(res.status, "login should redirect").toBe(302);
  return browser;
}

async function documentId(slug: string): Promise<string> {
  const [row] = await getSql()`select id from documents where slug = ${slug}`;
  return row!.id as string;
}

/** The <article class="document"> of a page. */
function articleOf(html: string): string {
  const match = /<article class="document"[^>]*>([\s\S]*?)<\/article>/.exec(html);
  expect(match, "the page has a document article").toBeTruthy();
  return match![1]!;
}

/** Append one edit to a document's log the way the collaboration server will: a Yjs update, in a transaction. */
async function appendEdit(id: string, edit: (fragment: Y.XmlFragment) => void): Promise<void> {
  const { doc } = await loadDocument(id);
  const before = Y.encodeStateVector(doc);
  edit(doc.getXmlFragment(YJS_FIELD));
  const update = Y.encodeStateAsUpdate(doc, before);
  doc.destroy();
  await getSql().begin((tx) => appendUpdates(tx, id, [{ update, userId: null }]));
}

function paragraph(text: string, attributes: Record<string, string> = {}, format?: Record<string, unknown>): Y.XmlElement {
  const element = new Y.XmlElement("paragraph");
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  const content = new Y.XmlText();
  content.insert(0, text, format);
  element.insert(0, [content]);
  return element;
}

describe("the document page", () => {
  it("shows a member the seeded text as HTML: title, purpose and the empty sections to write", async () => {
    const member = await createUser();
    await addMember(harmId, member.id, "commenter");
    const browser = await signedIn(member);
    const res = await browser.get(`/documents/${await documentId("call-for-harm-reduction-policing")}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const article = articleOf(html);
    expect(article.startsWith(`<h1>${CALL_TITLE}</h1>`)).toBe(true);
    expect(article).toContain("<strong>Purpose</strong> (from the workshop programme)");
    expect(article).toContain("the Global Commission on Drug Policy, 2021.");
    for (const section of ["Preamble", "What we call for", "Harm reduction policing", "Signatories&#39; commitments"]) {
      expect(article).toContain(`<h2>${section}</h2>`);
    }
    // One h1 on the page: the document's own title.
    expect(html.match(/<h1[ >]/g)).toHaveLength(1);
    expect(html).toContain('<a data-discover="true" href="/workshops">Workshops</a>');
    expect(html).toContain('href="/workshops/harm-reduction-policing-2023">Law enforcement, harm reduction and drug policy</a>');
    expect(html).toContain(`<span aria-current="page">${CALL_TITLE}</span>`);
    expect(html).toContain('<span class="badge draft">Draft</span>');
    expect(html).toContain("<span>Your role: Commenter</span>");
    // Before JavaScript runs there is no connection to speak of: no status line, and a note for browsers without it.
    expect(html).not.toContain('data-testid="save-status"');
    expect(html).toContain("<noscript><p class=\"alert info\">Following the text live needs JavaScript, which is off in this browser.");
  });

  it("renders every seeded draft of both workshops", async () => {
    const admin = await createUser({ isAdmin: true });
    const browser = await signedIn(admin);
    const rows = await getSql()<{ id: string; title: string }[]>`select id, title from documents`;
    expect(rows).toHaveLength(7);
    for (const { id, title } of rows) {
      const res = await browser.get(`/documents/${id}`);
      expect(res.status, title).toBe(200);
      expect(articleOf(await res.text())).toContain(`<h1>${title.replace(/'/g, "&#39;")}</h1>`);
    }
  });

  it("shows script injected into the stored text as text, escaped", async () => {
    const id = await documentId("statement-of-support");
    await appendEdit(id, (fragment) => {
      fragment.insert(fragment.length, [paragraph("<script>alert(1)</script>")]);
      fragment.insert(fragment.length, [paragraph("\"><img src=x onerror=alert(2)>")]);
    });
    const member = await createUser();
    await addMember(harmId, member.id, "viewer");
    const html = await (await (await signedIn(member)).get(`/documents/${id}`)).text();
    const article = articleOf(html);
    expect(article).toContain("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    expect(article).toContain("<p>&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</p>");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<img src=x");
  });

  it("drops hostile elements, attributes and link targets that the schema does not allow", async () => {
    const id = await documentId("amsterdam-declaration");
    await appendEdit(id, (fragment) => {
      const script = new Y.XmlElement("script");
      script.insert(0, [new Y.XmlText("alert(3)")]);
      fragment.insert(fragment.length, [script]);
      fragment.insert(fragment.length, [paragraph("click me", { onclick: "alert(4)", style: "x" })]);
      fragment.insert(fragment.length, [paragraph("a link", {}, { link: { href: "javascript:alert(5)" } })]);
    });
    const member = await createUser();
    await addMember(harmId, member.id, "viewer");
    const res = await (await signedIn(member)).get(`/documents/${id}`);
    expect(res.status).toBe(200);
    const article = articleOf(await res.text());
    expect(article).not.toMatch(/<script/i);
    expect(article).not.toContain("alert(3)");
    expect(article).not.toContain("onclick");
    expect(article).not.toContain("javascript:");
    expect(article).toContain("<p>click me</p>");
    expect(article).toContain("a link");
  });

  it("sends someone who is not signed in to sign in, and shows nothing of the document", async () => {
    const id = await documentId("call-for-harm-reduction-policing");
    const res = await fetch(`${server.url}/documents/${id}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/documents/${id}`)}`);
    expect(await res.text()).not.toContain("Preamble");
  });
});
