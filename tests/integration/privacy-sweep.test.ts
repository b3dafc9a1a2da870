/**
 * The privacy sweep: a whole story — people sign up and confirm, an organiser publishes, one person endorses with
 * their name hidden, another on behalf of an organisation, a third endorses and withdraws, a second version is
 * published and re-confirmed — and then every public answer (pages, JSON, CSV, badge, receipts, the exact text, PDFs, the
 * verification page, Open Graph tags, headers) and every log line the server wrote during the story is searched
 * for what must never be public: e-mail addresses, account ids, IP addresses, session and access tokens, hidden
 * names, and the signers' private fields.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { createAccessToken } from "../../app/auth/access-tokens.server";
import { call, organisation, person, publishDeclaration, publishVersion, type Declaration } from "../support/endorsement-fixtures";
import { createUser } from "../support/factories";
import { sessionCookie } from "../support/collab-client";
import { startTestServer, type TestServer } from "../support/http-server";
import { pdfText } from "../support/pdf-text";

let server: TestServer;
let declaration: Declaration;
const logLines: string[] = [];
const restore: (() => void)[] = [];

/** Everything written to stdout and stderr while the story runs (the server runs in this process). */
function captureLogs(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logLines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
}

beforeAll(async () => {
  server = await startTestServer();
  captureLogs();
  declaration = await publishDeclaration();
});

afterAll(async () => {
  for (const undo of restore) undo();
  await server?.close();
});

describe("the privacy sweep", () => {
  it("finds no e-mail address, account id, IP, token or hidden field in any public answer or log line of a whole story", async () => {
    const secrets: string[] = [];
    const hidden = await createUser({ name: "Hilda Hidden", email: `hilda.hidden-${Date.now()}@polisen.se` });
    const named = await createUser({ name: "Nils Named", email: `nils.named-${Date.now()}@example.org` });
    const org = await createUser({ name: "Orla Org", email: `orla-${Date.now()}@police.example` });
    const withdrawn = await createUser({ name: "Walter Withdrawn", email: `walter-${Date.now()}@example.net` });
    const token = await createAccessToken(org.id, { name: "script", scopes: ["endorse", "read"], lifetimeDays: 30 });
    const cookies = { hidden: await sessionCookie(hidden.id), named: await sessionCookie(named.id), withdrawn: await sessionCookie(withdrawn.id) };
    secrets.push(hidden.email, named.email, org.email, withdrawn.email, hidden.id, named.id, org.id, withdrawn.id, declaration.organiser.id, declaration.organiser.email, token.token);
    secrets.push(...Object.values(cookies).map((c) => c.split("=")[1]!));

    const endorse = (auth: { cookie?: string; bearer?: string }, body: unknown) =>
      call(server.url, "POST", `/api/declarations/${declaration.slug}/endorsements`, { ...auth, json: body });
    const ids: string[] = [];
    for (const [auth, body] of [
      [{ cookie: cookies.hidden }, person({ name: "Hilda Hidden", role: "Detective Inspector", affiliation: "Secret Squad", statement: "My private reasons.", publicFields: ["capacity", "country"] })],
      [{ cookie: cookies.named }, person({ name: "Nils Named", publicFields: ["name", "country"] })],
      [{ bearer: token.token }, organisation({ organisationName: "Example Police", signerRole: "Head of Confidential Affairs" })],
      [{ cookie: cookies.withdrawn }, person({ name: "Walter Withdrawn", publicFields: ["name"] })],
    ] as const) {
      const res = await endorse(auth, body);
      expect(res.status, await res.clone().text()).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    expect((await call(server.url, "DELETE", `/api/endorsements/${ids[3]}`, { cookie: cookies.withdrawn })).status).toBe(204);
    secrets.push("Hilda Hidden", "Detective Inspector", "Secret Squad", "My private reasons.", "Head of Confidential Affairs", "Walter Withdrawn");
    await publishVersion(declaration, "Police for harm reduction\n\nA second, better text.");
    const [pv] = await getSql()<{ sha256: string }[]>`select sha256 from published_versions where document_id = ${declaration.documentId} order by number desc limit 1`;

    // Someone signs up (a mail with a secret link goes out) and a sign-in fails: both leave log lines.
    const newcomer = `nora.newcomer-${Date.now()}@example.org`;
    secrets.push(newcomer);
    const form = (path: string, fields: Record<string, string>) =>
      fetch(server.url + path, { method: "POST", redirect: "manual", headers: { origin: server.url, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
    expect((await form("/signup", { name: "Nora Newcomer", email: newcomer, password: "a long secret passphrase 9" })).status).toBe(302);
    expect((await form("/login", { email: named.email, password: "not the password at all" })).status).toBe(400);
    const [link] = await getSql()<{ text: string }[]>`select text_body as text from outbox where to_address = ${newcomer}`;
    secrets.push(/token=([^\s]+)/.exec(link!.text)![1]!);

    const slug = declaration.slug;
    const publicPaths = [
      "/", "/declarations", `/d/${slug}`, `/d/${slug}?kind=organisation`, `/d/${slug}?country=SE`, `/d/${slug}/v/1`, `/d/${slug}/v/2`,
      `/d/${slug}/changes/2`, `/d/${slug}/badge.svg`, `/d/${slug}/v/1/text`, `/d/${slug}/v/1/pdf`, `/d/${slug}/v/2/pdf`, `/d/${slug}/endorse`, "/api/declarations", `/api/declarations/${slug}`,
      `/api/declarations/${slug}/endorsements`, `/api/declarations/${slug}/endorsements.csv`, `/verify?hash=${pv!.sha256}`, `/verify?slug=${slug}`,
      ...ids.map((id) => `/e/${id}`),
    ];
    const answers: string[] = [];
    // Asked for by name, so that the server's own address (in the CSP's connect-src) is not the client's, 127.0.0.1.
    const byName = server.url.replace("127.0.0.1", "localhost");
    for (const path of publicPaths) {
      const res = await fetch(byName + path, { redirect: "manual" });
      expect(res.status, path).toBeLessThan(400);
      const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n");
      // A PDF is searched as the text a reader extracts from it and its document information (title, subject…);
      // not as raw bytes, whose compressed streams would sooner or later match the e-mail pattern by chance.
      const pdf = res.headers.get("content-type") === "application/pdf" ? await pdfText(new Uint8Array(await res.arrayBuffer())) : null;
      const body = pdf ? `${pdf.text}\n${JSON.stringify(pdf.info)}` : await res.text();
      answers.push(`${path}\n${headers}\n${body}`);
    }
    const everything = [...answers, logLines.join("")];
    const ipv4 = /(?<![\d.])(?:127\.0\.0\.1|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|::1|::ffff:127\.0\.0\.1)(?![\d.])/;
    const email = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
    const tokens = /accord_pat_[a-z2-9]{24}\.[a-z2-9]{24}|[a-z2-9]{24}\.[a-z2-9]{24}/;
    for (const [i, text] of everything.entries()) {
      const where = i < answers.length ? publicPaths[i] : "the log";
      for (const secret of secrets) expect(text.includes(secret), `${where} contains ${secret.slice(0, 12)}…`).toBe(false);
      expect(text.match(email)?.[0] ?? null, `${where}: an e-mail address`).toBeNull();
      expect(text.match(tokens)?.[0] ?? null, `${where}: a token`).toBeNull();
      if (i < answers.length) expect(text.match(ipv4)?.[0] ?? null, `${where}: an IP address`).toBeNull();
    }
    // The log may name the address it listens on; it never names a client's.
    expect(logLines.join("").match(/from 127\.0\.0\.1|ip[=: ]+127\.0\.0\.1/i)).toBeNull();
    expect(logLines.length, "the story wrote log lines to sweep").toBeGreaterThan(0);
    // The named signer is public, as chosen: the sweep did look at the lists.
    expect(answers.join("\n")).toContain("Nils Named");
  });
});
