/**
 * The authorization matrix: every page and API route of app/routes (and the endorsement POST that Express answers
 * ahead of Remix), GET and POST, asked by every kind of caller — signed out, an unconfirmed account, each role of the
 * workshop, an administrator, another workshop's organiser, a token with each single scope, an expired session, a
 * revoked token, and the organiser's session from a foreign Origin — answers exactly what the table says. A route
 * file without a row fails the test, so a new route cannot escape. Every POST is sent with an empty body: "ok"
 * means the caller got past authorization (to the route's own answer, a 200, a redirect or a 400 about the form).
 * The collaboration socket's rows are at the end: the upgrade, and what each caller's edits get.
 *
 * Run with ACCORD_PRINT_MATRIX=1 to print what the server answers, in the table's own notation (with
 * ACCORD_MATRIX_ALL=1 too, for every route and method: the way to draft the row of a new route — then check each
 * answer against what the route should allow before putting it in the table).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { seed } from "../../app/models/seed.server";
import { createAccessToken } from "../../app/auth/access-tokens.server";
import { createSession } from "../../app/auth/session.server";
import { findDocumentForUser } from "../../db/access";
import { saveVersion } from "../../app/models/versions.server";
import { publishVersion } from "../../app/models/publishing.server";
import { createTranslation, publishTranslation } from "../../app/models/translations.server";
import { SCOPES, type Scope } from "../../app/auth/token-scopes";
import { addMember, createUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { awarenessMessage, realMessages, syncMessage } from "../support/fuzz-inputs";
import { paragraphUpdate } from "../support/document-log";
import { MESSAGE_AUTH, MESSAGE_SAVED, MESSAGE_SYNC } from "../../app/collab/protocol";
import { createProposal, createThread } from "../../app/threads/threads.server";
import { indexText, proseMirrorOf } from "../../app/threads/anchoring.server";
import { insertComment } from "../../db/threads";
import { loadDocument } from "../../app/models/document-content.server";

/** Who asks. */
const CALLERS = ["anon", "unconf", "viewer", "commenter", "editor", "organiser", "admin", "otherOrg", "tRead", "tWrite", "tEndorse", "tAdmin", "expired", "revoked", "foreign"] as const;
type Caller = (typeof CALLERS)[number];

/**
 * What each caller gets, in CALLERS order: ok (past authorization), login (sent to sign in), confirm (sent to confirm
 * the address), or the status of the refusal (401, 403, 404, 405). `*` stands for one code repeated for every caller.
 */
type Method = "GET" | "POST" | "PATCH" | "DELETE";
const TABLE: [method: Method, route: string, answers: string, body?: Record<string, string>][] = [
  // Public pages and files: the same for everyone. An unconfirmed account is sent to confirm its address first; a token is refused where the page asks who is calling (tokens are for the API).
  ["GET", "/", "ok confirm ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/d/:slug", "ok confirm ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/d/:slug", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/d/:slug/badge.svg", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"],
  ["POST", "/d/:slug/badge.svg", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/d/:slug/changes/:number", "ok confirm ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/d/:slug/changes/:number", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/d/:slug/endorse", "ok confirm ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/d/:slug/endorse", "login confirm ok ok ok ok ok ok 403 403 403 403 login login 403"],
  ["GET", "/d/:slug/reconfirm", "login confirm ok ok ok ok ok ok 403 403 403 403 login login ok"],
  ["POST", "/d/:slug/reconfirm", "login confirm ok ok ok ok ok ok 403 403 403 403 login login 403"],
  ["GET", "/d/:slug/v/:number", "ok confirm ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/d/:slug/v/:number", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/d/:slug/v/:number/text", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"],
  ["POST", "/d/:slug/v/:number/text", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/d/:slug/v/:number/pdf", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"],
  ["POST", "/d/:slug/v/:number/pdf", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/declarations", "ok confirm ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/declarations", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/e/:id", "ok confirm ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/e/:id", "login confirm ok ok ok ok ok ok 403 403 403 403 login login 403"],
  ["POST", "/e/:id", "login confirm 404 404 404 404 404 404 403 403 403 403 login login 403", { intent: "withdraw", confirm: "yes" }],
  ["GET", "/verify", "ok confirm ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/verify", "ok confirm ok ok ok ok ok ok ok ok ok ok ok ok 403"],
  // Signing in and out, links from mails, the outbox (readable here: the test server is this machine without SMTP).
  ["GET", "/dev/outbox", "ok ok ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/dev/outbox", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/forgot-password", "ok ok ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/forgot-password", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok 403"],
  ["GET", "/join/:token", "404 404 404 404 404 404 404 404 403 403 403 403 404 404 404"],
  ["POST", "/join/:token", "login 404 404 404 404 404 404 404 403 403 403 403 login login 403"],
  // The second step of signing in: only a browser with a pending sign-in (none here) gets the form; everyone else is sent to sign in.
  ["GET", "/login/second-factor", "login confirm ok ok ok ok ok ok 403 403 403 403 login login ok"],
  ["POST", "/login/second-factor", "login login login login login login login login login login login login login login 403"],
  ["GET", "/login", "ok confirm ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/login", "ok confirm ok ok ok ok ok ok ok ok ok ok ok ok 403"],
  ["GET", "/logout", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"],
  ["POST", "/logout", "ok ok ok ok ok ok ok ok 403 403 403 403 ok ok 403"],
  // The footer's language switch: anyone (a cookie; a signed-in account's preference); never from another site.
  ["GET", "/language", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"],
  ["POST", "/language", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok 403", { locale: "fr", back: "/" }],
  ["GET", "/reset-password", "ok ok ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/reset-password", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok 403"],
  ["GET", "/signup", "ok confirm ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/signup", "ok confirm ok ok ok ok ok ok ok ok ok ok ok ok 403"],
  ["GET", "/verify-email", "ok ok ok ok ok ok ok ok 403 403 403 403 ok ok ok"],
  ["POST", "/verify-email", "ok ok ok ok ok ok ok ok 403 403 403 403 ok ok 403"],
  ["GET", "/verify-email/change", "login ok ok ok ok ok ok ok 403 403 403 403 login login ok"],
  ["POST", "/verify-email/change", "login ok ok ok ok ok ok ok 403 403 403 403 login login 403"],
  ["GET", "/verify-email/resend", "login ok ok ok ok ok ok ok 403 403 403 403 login login ok"],
  ["POST", "/verify-email/resend", "login confirm confirm confirm confirm confirm confirm confirm 403 403 403 403 login login 403"],
  // Members' pages: a workshop's members only (another workshop's organiser: 404); the role decides what they may post.
  ["GET", "/documents/:id", "login confirm ok ok ok ok ok 404 403 403 403 403 login login ok"],
  ["POST", "/documents/:id", "login confirm ok ok ok ok ok 404 403 403 403 403 login login 403"],
  ["GET", "/documents/:id/compare", "login confirm ok ok ok ok ok 404 403 403 403 403 login login ok"],
  ["POST", "/documents/:id/compare", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/documents/:id/endorsements", "login confirm 403 403 403 ok ok 404 403 403 403 403 login login ok"],
  ["POST", "/documents/:id/endorsements", "login confirm 403 403 403 ok ok 404 403 403 403 403 login login 403"],
  ["GET", "/documents/:id/endorsements/export", "login confirm 403 403 403 ok ok 404 403 403 403 ok login login ok"],
  ["POST", "/documents/:id/endorsements/export", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/documents/:id/history", "login confirm ok ok ok ok ok 404 403 403 403 403 login login ok"],
  ["POST", "/documents/:id/history", "login confirm 403 403 ok ok ok 404 403 403 403 403 login login 403"],
  ["GET", "/documents/:id/publish", "login confirm 403 403 403 ok ok 404 403 403 403 403 login login ok"],
  ["POST", "/documents/:id/publish", "login confirm 403 403 403 ok ok 404 403 403 403 403 login login 403"],
  ["GET", "/documents/:id/versions/:versionId", "login confirm ok ok ok ok ok 404 403 403 403 403 login login ok"],
  ["POST", "/documents/:id/versions/:versionId", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/workshops", "login confirm ok ok ok ok ok ok 403 403 403 403 login login ok"],
  ["POST", "/workshops", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/workshops/:slug", "login confirm ok ok ok ok ok 404 403 403 403 403 login login ok"],
  ["POST", "/workshops/:slug", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/workshops/:slug/members", "login confirm 403 403 403 ok ok 404 403 403 403 403 login login ok"],
  ["POST", "/workshops/:slug/members", "login confirm 403 403 403 ok ok 404 403 403 403 403 login login 403"],
  // The account: its owner's session only (a token only for the data download, with the admin scope).
  ["GET", "/account", "login confirm ok ok ok ok ok ok 403 403 403 403 login login ok"],
  ["POST", "/account", "login confirm ok ok ok ok ok ok 403 403 403 403 login login 403"],
  ["GET", "/account/data", "login confirm ok ok ok ok ok ok 403 403 403 ok login login ok"],
  ["POST", "/account/data", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/account/delete", "login confirm ok ok ok ok ok ok 403 403 403 403 login login ok"],
  ["POST", "/account/delete", "login confirm ok ok ok ok ok ok 403 403 403 403 login login 403"],
  ["GET", "/account/endorsements", "login confirm ok ok ok ok ok ok 403 403 403 403 login login ok"],
  ["POST", "/account/endorsements", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/account/second-factor", "login confirm ok ok ok ok ok ok 403 403 403 403 login login ok"],
  ["POST", "/account/second-factor", "login confirm ok ok ok ok ok ok 403 403 403 403 login login 403"],
  // The JSON API: 401 without a caller, 403 without the scope or the role, 404 outside the workshop; public declarations for everyone.
  ["GET", "/api/declarations", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"],
  ["POST", "/api/declarations", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/api/declarations/:slug", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"],
  ["POST", "/api/declarations/:slug", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/api/declarations/:slug/endorsements", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"],
  ["POST", "/api/declarations/:slug/endorsements", "401 403 ok ok ok ok ok ok 403 403 ok 403 401 401 403"],
  ["GET", "/api/declarations/:slug/endorsements.csv", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"],
  ["POST", "/api/declarations/:slug/endorsements.csv", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/api/declarations/:slug/translations/:language", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"],
  ["POST", "/api/declarations/:slug/translations/:language", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/api/documents/:id/authorship", "401 403 ok ok ok ok ok 404 ok 403 403 403 401 401 ok"],
  ["POST", "/api/documents/:id/authorship", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/api/documents/:id/publish", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"],
  ["POST", "/api/documents/:id/publish", "401 403 403 403 403 ok ok 404 403 403 403 ok 401 401 403"],
  ["GET", "/api/documents/:id/translations", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"],
  ["POST", "/api/documents/:id/translations", "401 403 403 403 403 ok ok 404 403 403 403 ok 401 401 403"],
  ["GET", "/api/documents/:id/versions", "401 403 ok ok ok ok ok 404 ok 403 403 403 401 401 ok"],
  ["POST", "/api/documents/:id/versions", "401 403 403 403 ok ok ok 404 403 ok 403 403 401 401 403"],
  // Threads (issue 13): members read; commenters and up start threads, reply and propose; the commenter here wrote the
  // thread and its comment (so resolves and edits them); editors and organisers decide proposals.
  ["GET", "/api/documents/:id/threads", "401 403 ok ok ok ok ok 404 ok 403 403 403 401 401 ok"],
  ["POST", "/api/documents/:id/threads", "401 403 403 ok ok ok ok 404 403 ok 403 403 401 401 403"],
  ["GET", "/api/documents/:id/proposals", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"],
  ["POST", "/api/documents/:id/proposals", "401 403 403 ok ok ok ok 404 403 ok 403 403 401 401 403"],
  ["GET", "/api/threads/:id/comments", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"],
  ["POST", "/api/threads/:id/comments", "401 403 403 ok ok ok ok 404 403 ok 403 403 401 401 403"],
  ["GET", "/api/threads/:id/resolve", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"],
  ["POST", "/api/threads/:id/resolve", "401 403 403 ok ok ok ok 404 403 ok 403 403 401 401 403"],
  ["GET", "/api/threads/:id/reopen", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"],
  ["POST", "/api/threads/:id/reopen", "401 403 403 ok ok ok ok 404 403 ok 403 403 401 401 403"],
  ["GET", "/api/comments/:id", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"],
  ["POST", "/api/comments/:id", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["PATCH", "/api/comments/:id", "401 403 403 ok ok ok ok 404 403 ok 403 403 401 401 403"],
  ["DELETE", "/api/comments/:id", "401 403 403 ok ok ok ok 404 403 ok 403 403 401 401 403"],
  ["GET", "/api/threads/:id/reattach", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"],
  ["POST", "/api/threads/:id/reattach", "401 403 403 403 ok ok ok 404 403 ok 403 403 401 401 403"],
  ["GET", "/api/threads/:id", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"],
  ["POST", "/api/threads/:id", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["DELETE", "/api/threads/:id", "401 403 403 403 ok ok ok 404 403 ok 403 403 401 401 403"],
  ["GET", "/api/proposals/:id/accept", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"],
  ["POST", "/api/proposals/:id/accept", "401 403 403 403 ok ok ok 404 403 ok 403 403 401 401 403"],
  ["GET", "/api/proposals/:id/reject", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"],
  ["POST", "/api/proposals/:id/reject", "401 403 403 403 ok ok ok 404 403 ok 403 403 401 401 403"],
  ["GET", "/api/endorsements/:id", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"],
  ["POST", "/api/endorsements/:id", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["DELETE", "/api/endorsements/:id", "401 403 404 404 404 404 404 404 403 403 404 403 401 401 403"],
  ["GET", "/api/me", "401 403 ok ok ok ok ok ok ok 403 403 403 401 401 ok"],
  ["POST", "/api/me", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/api/workshops", "401 403 ok ok ok ok ok ok ok 403 403 403 401 401 ok"],
  ["POST", "/api/workshops", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
  ["GET", "/api/workshops/:slug/documents", "401 403 ok ok ok ok ok 404 ok 403 403 403 401 401 ok"],
  ["POST", "/api/workshops/:slug/documents", "405 405 405 405 405 405 405 405 405 405 405 405 405 405 403"],
];

/**
 * The collaboration socket of the document, per caller: the upgrade (open, or the HTTP status that refused it), then,
 * on an open socket, what each message type gets: a sync step 1 is answered; an edit is saved or refused (permission
 * denied); presence and a presence query are taken (the socket stays open). `-` where no socket opened.
 */
const SOCKET_TABLE: [row: "upgrade" | "sync1" | "update" | "awareness" | "queryAwareness", answers: string][] = [
  ["upgrade", "401 403 open open open open open 404 open open 403 403 401 401 403"],
  ["sync1", "- - answered answered answered answered answered - answered answered - - - - -"],
  ["update", "- - denied denied saved saved saved - denied saved - - - - -"],
  ["awareness", "- - taken taken taken taken taken - taken taken - - - - -"],
  ["queryAwareness", "- - answered answered answered answered answered - answered answered - - - - -"],
];

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Every route file as a path pattern ("documents.$id_.history.tsx" → "/documents/:id/history"). */
function routePatterns(): string[] {
  return readdirSync(path.join(ROOT, "app/routes"))
    .filter((f) => f.endsWith(".tsx") && f !== "api.$.tsx")
    .map((f) => {
      const segments = f
        .replace(/\.tsx$/, "")
        .replace(/\[\.\]/g, "\u0000")
        .split(".")
        .filter((s) => s !== "_index")
        .map((s) => s.replace(/_$/, "").replace(/^\$(.+)$/, ":$1").replace(/\u0000/g, "."));
      return "/" + segments.join("/");
    })
    .map((p) => (p === "/" ? "/" : p.replace(/\/$/, "")));
}

let server: TestServer;
const params: Record<string, string> = {};
const headersOf = new Map<Caller, Record<string, string>>();
const userIds = new Map<Caller, string>();

async function setUp(): Promise<void> {
  await seed();
  const sql = getSql();
  const [doc] = await sql<{ id: string; workshop_id: string; slug: string }[]>`
    select d.id, d.workshop_id, w.slug from documents d join workshops w on w.id = d.workshop_id where d.slug = 'call-for-harm-reduction-policing'`;
  const [other] = await sql<{ id: string }[]>`select id from workshops where slug = 'health-security-2023'`;
  const people = {
    unconf: await createUser({ name: "Una", verified: false }),
    viewer: await createUser({ name: "Vera" }),
    commenter: await createUser({ name: "Cora" }),
    editor: await createUser({ name: "Eda" }),
    organiser: await createUser({ name: "Olga" }),
    admin: await createUser({ name: "Ada", isAdmin: true }),
    otherOrg: await createUser({ name: "Otto" }),
  };
  // The endorsement everyone tries to withdraw is a signer's who is none of the callers.
  const signer = await createUser({ name: "Sigrid Signer" });
  for (const role of ["viewer", "commenter", "editor"] as const) await addMember(doc!.workshop_id, people[role].id, role);
  await addMember(doc!.workshop_id, people.organiser.id, "organizer");
  await addMember(other!.id, people.otherOrg.id, "organizer");
  const document = (await findDocumentForUser(doc!.id, people.organiser.id))!;
  const version = await saveVersion({ document, userId: people.organiser.id, name: "Matrix version" });
  await publishVersion({ documentId: doc!.id, versionId: version.id, actorId: people.organiser.id, slug: "matrix-call" });
  const [pv] = await sql<{ id: string; sha256: string }[]>`select id, sha256 from published_versions where document_id = ${doc!.id}`;
  const [endorsement] = await sql<{ id: string }[]>`
    insert into endorsements (published_version_id, version_sha256, user_id, kind, display_name, country, capacity, public_fields, evidence, moderation, consent)
    values (${pv!.id}, ${pv!.sha256}, ${signer.id}, 'individual', 'Sigrid', 'SE', 'serving_officer', ${["name"]}::text[], 'email', 'visible', true)
    returning id`;
  const json = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "A second text." }] }] };
  const [second] = await sql<{ id: string }[]>`
    insert into document_versions (document_id, name, created_by, log_seq, yjs_state, tiptap_json, html, plain_text)
    values (${doc!.id}, 'Matrix version 2', ${people.organiser.id}, 0, ${Buffer.from([0, 0])}, ${sql.json(json)}, '<p>A second text.</p>', 'A second text.')
    returning id`;
  await publishVersion({ documentId: doc!.id, versionId: second!.id, actorId: people.organiser.id });
  // A French translation of version 2, published (its public JSON is /api/declarations/:slug/translations/fr).
  const { documentId: french } = await createTranslation({ sourceDocumentId: doc!.id, versionNumber: 2, language: "fr", actorId: people.organiser.id });
  const [frenchVersion] = await sql<{ id: string }[]>`
    insert into document_versions (document_id, name, created_by, log_seq, yjs_state, tiptap_json, html, plain_text)
    values (${french}, 'Traduction', ${people.organiser.id}, 0, ${Buffer.from([0, 0])},
      ${sql.json({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Un second texte." }] }] })}, '<p>Un second texte.</p>', 'Un second texte.')
    returning id`;
  await publishTranslation({ documentId: french, versionId: frenchVersion!.id, actorId: people.organiser.id });
  // A thread and a proposal the commenter started on the document, and the commenter's first comment.
  const documentWithRole = (await findDocumentForUser(doc!.id, people.commenter.id))!;
  const words = await uniqueWords(doc!.id, 2);
  const thread = await createThread({ document: documentWithRole, userId: people.commenter.id, anchoring: { quote: { exact: words[0]! } }, body: "Matrix thread." });
  const proposal = await createProposal({ document: documentWithRole, userId: people.commenter.id, anchoring: { quote: { exact: words[1]! } }, proposed: words[1]!, body: null });
  const [comment] = await sql<{ id: string }[]>`select id from thread_comments where thread_id = ${thread.id}`;
  matrixThread = { threadId: thread.id, authorId: people.commenter.id, quote: words[0]! };
  Object.assign(params, { thread: thread.id, proposal: proposal.id, comment: comment!.id });
  Object.assign(params, { id: doc!.id, slug: doc!.slug, declaration: "matrix-call", versionId: version.id, number: "2", token: "inv_notarealinvitation.xxxxxxxxxxxxxxxxxxxxxxxx", endorsement: endorsement!.id, language: "fr" });
  for (const [who, user] of Object.entries(people)) userIds.set(who as Caller, user.id);
  userIds.set("foreign", people.organiser.id);

  const cookie = async (userId: string) => `accord_session=${(await createSession(userId, "matrix")).token}`;
  for (const who of ["unconf", "viewer", "commenter", "editor", "organiser", "admin", "otherOrg"] as const) headersOf.set(who, { cookie: await cookie(people[who].id) });
  headersOf.set("anon", {});
  headersOf.set("foreign", { cookie: await cookie(people.organiser.id), origin: "https://evil.example" });
  const expired = await createSession(people.organiser.id, "matrix");
  await sql`update sessions set expires_at = now() - interval '1 second' where id = ${expired.session.id}`;
  headersOf.set("expired", { cookie: `accord_session=${expired.token}` });
  const tokenCaller: Record<Scope, Caller> = { read: "tRead", write: "tWrite", endorse: "tEndorse", admin: "tAdmin" };
  for (const scope of SCOPES) {
    const { token } = await createAccessToken(people.organiser.id, { name: `only ${scope}`, scopes: [scope], lifetimeDays: 7 });
    headersOf.set(tokenCaller[scope], { authorization: `Bearer ${token}` });
  }
  const revoked = await createAccessToken(people.organiser.id, { name: "revoked", scopes: [...SCOPES], lifetimeDays: 7 });
  await sql`delete from personal_access_tokens where id = ${revoked.id}`;
  headersOf.set("revoked", { authorization: `Bearer ${revoked.token}` });
}

let matrixThread: { threadId: string; authorId: string; quote: string };

/** Two stretches of the document's text that each appear once in it (for a thread and a proposal). */
async function uniqueWords(documentId: string, count: number): Promise<string[]> {
  const { doc } = await loadDocument(documentId);
  const text = indexText(proseMirrorOf(doc).doc).text;
  doc.destroy();
  const found: string[] = [];
  for (let at = 0; at + 16 < text.length && found.length < count; at += 40) {
    const words = text.slice(at, at + 16);
    if (/^\S[^\n]*\S$/.test(words) && text.indexOf(words) === text.lastIndexOf(words) && !found.some((f) => f === words)) found.push(words);
  }
  return found;
}

/** A route pattern with this test's data in its parameters (/d/:slug is the declaration; /workshops/:slug the workshop). */
function concrete(route: string): string {
  return route
    .replace(/^\/d\/:slug/, `/d/${params.declaration}`)
    .replace(/^\/api\/declarations\/:slug/, `/api/declarations/${params.declaration}`)
    .replace(/^\/e\/:id/, `/e/${params.endorsement}`)
    .replace(/^\/api\/endorsements\/:id/, `/api/endorsements/${params.endorsement}`)
    .replace(/^\/api\/threads\/:id/, `/api/threads/${params.thread}`)
    .replace(/^\/api\/proposals\/:id/, `/api/proposals/${params.proposal}`)
    .replace(/^\/api\/comments\/:id/, `/api/comments/${params.comment}`)
    .replace(/:([a-zA-Z]+)/g, (_m, name: string) => params[name] ?? `missing-${name}`);
}

/** The caller's headers; signing out uses a fresh session of its own, so that the other rows keep theirs. */
async function headersFor(method: Method, route: string, caller: Caller): Promise<Record<string, string>> {
  const headers: Record<string, string> = { ...headersOf.get(caller) };
  const userId = userIds.get(caller);
  if (method === "POST" && route === "/logout" && userId && headers.cookie) headers.cookie = `accord_session=${(await createSession(userId, "matrix")).token}`;
  return headers;
}

async function ask(method: Method, route: string, caller: Caller, form?: Record<string, string>): Promise<string> {
  const headers = await headersFor(method, route, caller);
  let body: string | undefined;
  if (method !== "GET") {
    headers.origin ??= server.url;
    const api = route.startsWith("/api/");
    headers["content-type"] = api ? "application/json" : "application/x-www-form-urlencoded";
    body = api ? JSON.stringify(form ?? {}) : new URLSearchParams(form ?? {}).toString();
  }
  let path = concrete(route);
  if (method === "DELETE" && route === "/api/threads/:id") {
    // Deleting erases: each caller tries a thread of its own (the commenter's, on the matrix document).
    const document = await findDocumentForUser(params.id!, matrixThread.authorId);
    const { id } = await createThread({ document: document!, userId: matrixThread.authorId, anchoring: { quote: { exact: matrixThread.quote } }, body: "To delete." });
    path = `/api/threads/${id}`;
  }
  if (method === "DELETE" && route === "/api/comments/:id") {
    // Deleting erases: each caller tries a comment of its own (written by the thread's author, the commenter).
    const id = await insertComment({ threadId: matrixThread.threadId, authorId: matrixThread.authorId, body: "To delete." });
    path = `/api/comments/${id}`;
  }
  const res = await fetch(server.url + path, { method, headers, redirect: "manual", body });
  await res.arrayBuffer();
  const location = res.headers.get("location") ?? "";
  if (res.status >= 300 && res.status < 400) {
    if (location.startsWith("/login")) return "login";
    if (location.startsWith("/verify-email/resend")) return "confirm";
    return "ok";
  }
  if ([401, 403, 404, 405].includes(res.status)) return String(res.status);
  if (res.status >= 500) return `BROKEN-${res.status}`;
  return "ok";
}

/** Open the document's socket as `caller`: the socket, or the status of the refused upgrade. */
function openSocket(caller: Caller): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { origin: server.url, ...headersOf.get(caller) };
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${params.id}`, { headers });
    ws.binaryType = "nodebuffer";
    ws.on("open", () => resolve(ws));
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", () => {});
  });
}

/** Send `message` and say what came back within a second and a half: the first answer of interest, or "taken". */
function outcome(ws: WebSocket, message: Uint8Array, expect: (data: Buffer) => string | null): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(ws.readyState === WebSocket.OPEN ? "taken" : "closed"), 1500);
    const onMessage = (data: Buffer) => {
      const seen = expect(data);
      if (seen) done(seen);
    };
    const onClose = (code: number) => done(`closed:${code}`);
    function done(answer: string) {
      clearTimeout(timer);
      ws.off("message", onMessage);
      ws.off("close", onClose);
      resolve(answer);
    }
    ws.on("message", onMessage);
    ws.on("close", onClose);
    ws.send(message);
  });
}

async function socketRow(caller: Caller): Promise<string[]> {
  const ws = await openSocket(caller);
  if (typeof ws === "number") return [String(ws), "-", "-", "-", "-"];
  const real = realMessages();
  const sync1 = await outcome(ws, syncMessage(0, Y_EMPTY_STATE_VECTOR), (d) => (d[0] === MESSAGE_SYNC && d[1] === 1 ? "answered" : null));
  const update = await outcome(ws, syncMessage(2, paragraphUpdate(`Written by ${caller}.`)), (d) => (d[0] === MESSAGE_SAVED ? "saved" : d[0] === MESSAGE_AUTH ? "denied" : null));
  const awareness = await outcome(ws, awarenessMessage(real.awareness), () => null);
  const query = await outcome(ws, new Uint8Array([3]), (d) => (d[0] === 1 ? "answered" : null));
  ws.close();
  return ["open", sync1, update, awareness, query];
}

/** The state vector of an empty document (a client that has nothing yet). */
const Y_EMPTY_STATE_VECTOR = new Uint8Array([0]);

beforeAll(async () => {
  server = await startTestServer();
  await setUp();
});

afterAll(async () => {
  await server?.close();
});

if (process.env.ACCORD_MATRIX_ALL) {
  TABLE.length = 0;
  for (const r of routePatterns()) for (const m of ["GET", "POST"] as const) TABLE.push([m, r, "*x"]);
  TABLE.push(["DELETE", "/api/endorsements/:id", "*x"]);
  TABLE.push(["PATCH", "/api/comments/:id", "*x"]);
  TABLE.push(["DELETE", "/api/comments/:id", "*x"]);
  TABLE.push(["POST", "/e/:id", "*x", { intent: "withdraw", confirm: "yes" }]);
}

describe("the authorization matrix", () => {
  it("has a row for every route file", () => {
    const covered = new Set(TABLE.map(([, route]) => route));
    const missing = routePatterns().filter((p) => !covered.has(p));
    expect(missing, "routes without a row in the authorization matrix").toEqual([]);
  });

  it("answers each caller exactly as the table says", async () => {
    const observed: string[] = [];
    const wrong: string[] = [];
    for (const [method, route, answers, form] of TABLE) {
      const expected = answers.startsWith("*") ? CALLERS.map(() => answers.slice(1)) : answers.split(/\s+/);
      expect(expected, `${method} ${route}: one answer per caller`).toHaveLength(CALLERS.length);
      const got = await Promise.all(CALLERS.map((caller) => ask(method, route, caller, form)));
      observed.push(`  ["${method}", "${route}", "${got.join(" ")}"],`);
      got.forEach((g, i) => {
        if (g !== expected[i]) wrong.push(`${method} ${route} as ${CALLERS[i]}: expected ${expected[i]}, got ${g}`);
      });
    }
    if (process.env.ACCORD_PRINT_MATRIX) console.log(observed.join("\n"));
    expect(wrong).toEqual([]);
  }, 120_000);

  it("opens the collaboration socket, and takes each message type, exactly as the socket table says", async () => {
    const columns = await Promise.all(CALLERS.map((caller) => socketRow(caller)));
    const wrong: string[] = [];
    SOCKET_TABLE.forEach(([row, answers], r) => {
      const expected = answers.split(/\s+/);
      const got = CALLERS.map((_c, i) => columns[i]![r]!);
      if (process.env.ACCORD_PRINT_MATRIX) console.log(`  ["${row}", "${got.join(" ")}"],`);
      got.forEach((g, i) => {
        if (g !== expected[i]) wrong.push(`socket ${row} as ${CALLERS[i]}: expected ${expected[i]}, got ${g}`);
      });
    });
    expect(wrong).toEqual([]);
  }, 60_000);
});

