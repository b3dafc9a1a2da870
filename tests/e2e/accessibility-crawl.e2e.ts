/**
 * Every page, as every kind of person, passes axe-core: a crawler starts at the home page as each role (signed out,
 * unconfirmed, viewer, commenter, editor, organiser, administrator), follows every link on our origin (never a form,
 * never a download), and runs axe on each kind of page it reaches (each route, with its real data, once per role).
 * Then it checks that every page route of app/routes was reached by someone, so a new page cannot escape: pages that
 * only a mailed or handed-out link opens are visited from such a link here, or named below with the test that checks
 * them.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { createSession } from "../../app/auth/session.server";
import { requestPasswordReset } from "../../app/auth/accounts.server";
import { initHashedKeys } from "../../app/auth/hashed-key.server";
import { findDocumentForUser } from "../../db/access";
import { saveVersion } from "../../app/models/versions.server";
import { publishVersion } from "../../app/models/publishing.server";
import { documentPlainText, renderDocumentHtml, tiptapJsonToProseMirror } from "../../app/editor/document-tools.server";
import { expectNoAxeViolations, launchBrowser } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { addMember, createUser } from "../support/factories";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DOCUMENT = "call-for-harm-reduction-policing";
const ROLES = ["signed out", "unconfirmed", "viewer", "commenter", "editor", "organiser", "administrator"] as const;
type Who = (typeof ROLES)[number];

/** Page routes no link on the site leads to, with where their accessibility is checked instead. */
const REACHED_ELSEWHERE: Record<string, string> = {
  "/join/:token": "an invitation link, handed out by organisers: tests/e2e/foundation.e2e.ts (axe on the join page)",
  "/verify-email": "the confirmation link in a mail: tests/e2e/foundation.e2e.ts (axe on both forms)",
  "/login/second-factor": "only after the password of an account with a second factor: tests/e2e/second-factor.e2e.ts (axe on it)",
};

/** Links the crawler never follows: files, data downloads and the way out. */
const NOT_PAGES = [/\.(csv|svg|json|txt|pdf)$/, /\/text$/, /\/pdf$/, /\/export/, /^\/account\/data$/, /^\/api\//, /^\/build\//, /^\/logout/];

let server: ServerProcess;
let browser: Browser;
const cookies = new Map<Who, string | null>();
const extraEntries: string[] = [];

/** Page routes (files with a default export) as patterns: "documents.$id_.history.tsx" → "/documents/:id/history". */
function pageRoutes(): { pattern: string; regex: RegExp }[] {
  const dir = path.join(ROOT, "app/routes");
  return readdirSync(dir)
    .filter((f) => /\.tsx$/.test(f) && /export default/.test(readFileSync(path.join(dir, f), "utf8")))
    .map((f) => {
      const segments = f
        .replace(/\.tsx$/, "")
        .split(".")
        .filter((s) => s !== "_index")
        .map((s) => s.replace(/_$/, "").replace(/^\$(.+)$/, ":$1"));
      const pattern = "/" + segments.join("/");
      return { pattern, regex: new RegExp(`^${pattern.replace(/:[^/]+/g, "[^/]+")}$`) };
    });
}

const ROUTES = pageRoutes();
const routeOf = (pathname: string) => ROUTES.find((r) => r.regex.test(pathname))?.pattern ?? null;

async function seed(): Promise<void> {
  await initHashedKeys();
  const sql = getSql();
  const [doc] = await sql<{ id: string; workshop_id: string }[]>`select id, workshop_id from documents where slug = ${DOCUMENT}`;
  const people: Record<Exclude<Who, "signed out">, { id: string; email: string }> = {
    unconfirmed: await createUser({ name: "Una Unconfirmed", verified: false }),
    viewer: await createUser({ name: "Vera Viewer" }),
    commenter: await createUser({ name: "Cora Commenter" }),
    editor: await createUser({ name: "Eda Editor" }),
    organiser: await createUser({ name: "Olga Organiser" }),
    administrator: await createUser({ name: "Ada Administrator", isAdmin: true }),
  };
  for (const role of ["viewer", "commenter", "editor"] as const) await addMember(doc!.workshop_id, people[role].id, role);
  await addMember(doc!.workshop_id, people.organiser.id, "organizer");
  for (const [who, user] of Object.entries(people)) cookies.set(who as Who, (await createSession(user.id, "accessibility crawl")).token);
  cookies.set("signed out", null);

  // A declaration with two published versions and one public endorsement, so every public page has content.
  const document = (await findDocumentForUser(doc!.id, people.organiser.id))!;
  const first = await saveVersion({ document, userId: people.organiser.id, name: "After session 1" });
  await publishVersion({ documentId: doc!.id, versionId: first.id, actorId: people.organiser.id, slug: "call-by-police" });
  const json = { type: "doc", content: [{ type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: "Call by police" }] }, { type: "paragraph", content: [{ type: "text", text: "Police call for harm reduction, revised after session 2." }] }] };
  const node = tiptapJsonToProseMirror(json);
  const [second] = await sql<{ id: string }[]>`
    insert into document_versions (document_id, name, created_by, log_seq, yjs_state, tiptap_json, html, plain_text)
    values (${doc!.id}, 'After session 2', ${people.organiser.id}, 0, ${Buffer.from([0, 0])}, ${sql.json(json)}, ${renderDocumentHtml(node)}, ${documentPlainText(node)})
    returning id`;
  await publishVersion({ documentId: doc!.id, versionId: second!.id, actorId: people.organiser.id });
  const [pv] = await sql<{ id: string; sha256: string }[]>`select id, sha256 from published_versions where document_id = ${doc!.id} order by number desc limit 1`;
  await sql`
    insert into endorsements (published_version_id, version_sha256, user_id, kind, display_name, country, capacity, public_fields, evidence, moderation, consent)
    values (${pv!.id}, ${pv!.sha256}, ${people.editor.id}, 'individual', 'Eda Editor', 'SE', 'serving_officer', ${["name", "country", "capacity"]}::text[], 'email', 'visible', true)`;

  // Pages a mailed link opens: a live password-reset link.
  await requestPasswordReset(people.viewer.email);
  const [mail] = await sql<{ text: string }[]>`select text_body as text from outbox where to_address = ${people.viewer.email} order by id desc limit 1`;
  const reset = /\/reset-password\?token=[^\s]+/.exec(mail!.text)?.[0];
  if (reset) extraEntries.push(reset);
}

async function visitAs(who: Who, visited: Map<string, Set<Who>>): Promise<string[]> {
  const context = await browser.newContext();
  context.setDefaultTimeout(20_000);
  const cookie = cookies.get(who);
  if (cookie) await context.addCookies([{ name: "accord_session", value: cookie, url: server.url }]);
  const page: Page = await context.newPage();
  const queue = ["/", "/verify", "/dev/outbox", ...extraEntries];
  const seenUrls = new Set<string>();
  const checkedRoutes = new Set<string>();
  /** URLs opened per route: each kind of page is explored at most twice (its plain form and one with a query). */
  const opened = new Map<string, number>();
  const problems: string[] = [];
  while (queue.length > 0 && seenUrls.size < 150) {
    const next = queue.shift()!;
    if (seenUrls.has(next)) continue;
    seenUrls.add(next);
    const response = await page.goto(server.url + next);
    const here = new URL(page.url());
    if (here.origin !== new URL(server.url).origin) continue;
    const route = routeOf(here.pathname);
    if (route) opened.set(route, (opened.get(route) ?? 0) + 1);
    if (route && (response?.status() ?? 500) < 400) {
      if (!visited.has(route)) visited.set(route, new Set());
      visited.get(route)!.add(who);
      if (!checkedRoutes.has(route)) {
        checkedRoutes.add(route);
        try {
          await expectNoAxeViolations(page);
        } catch (error) {
          problems.push(`${who} ${here.pathname}${here.search}: ${(error as Error).message.split("\n").slice(0, 6).join(" ")}`);
        }
      }
    }
    const hrefs = await page.$$eval("a[href]:not([download])", (anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
    for (const href of hrefs) {
      const url = new URL(href);
      if (url.origin !== new URL(server.url).origin) continue;
      const target = url.pathname + url.search;
      if (NOT_PAGES.some((p) => p.test(url.pathname))) continue;
      const route = routeOf(url.pathname);
      if (route && (opened.get(route) ?? 0) >= 2) continue;
      if (!seenUrls.has(target) && !queue.includes(target)) queue.push(target);
    }
  }
  await context.close();
  return problems;
}

beforeAll(async () => {
  const url = await createE2eDatabase();
  server = await startServerProcess(url);
  await seed();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

describe("accessibility, page by page, as everyone", () => {
  it("finds no axe-core violation on any page any role reaches from the home page, and reaches every page route", async () => {
    const visited = new Map<string, Set<Who>>();
    const problems: string[] = [];
    // Two people at a time: the crawl waits on the server as much as on the browser.
    for (let i = 0; i < ROLES.length; i += 2) {
      for (const found of await Promise.all(ROLES.slice(i, i + 2).map((who) => visitAs(who, visited)))) problems.push(...found);
    }
    expect(problems).toEqual([]);
    const unreached = ROUTES.map((r) => r.pattern).filter((p) => !visited.has(p) && !(p in REACHED_ELSEWHERE));
    expect(unreached, "page routes no role reached: link them, or name the test that checks them in REACHED_ELSEWHERE").toEqual([]);
    // Sanity: the crawl saw the pages of each kind of person.
    expect([...(visited.get("/documents/:id/publish") ?? [])]).toEqual(expect.arrayContaining(["organiser", "administrator"]));
    expect([...(visited.get("/d/:slug") ?? [])]).toContain("signed out");
  }, 900_000);
});
