/**
 * Earlier bodies of edited comments over real HTTP on real PostgreSQL (issue 13): a named version shows every
 * comment as it read when the version was saved ("edited later" when it reads differently now) while the live
 * thread list shows today's words; each edit keeps the body it replaced in its own transaction, concurrent edits
 * included; deleting a comment erases its earlier bodies; the data download holds one's own; deleting an account
 * removes them; refused edits write nothing.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { appendUpdates } from "../../db/document-log";
import { findDocumentForUser } from "../../db/access";
import { findUserById } from "../../db/users";
import { tiptapJsonToYDocUpdate } from "../../app/editor/document-tools.server";
import { saveVersion } from "../../app/models/versions.server";
import { deleteAccount } from "../../app/models/account-data.server";
import type { Thread } from "../../app/threads/contract";
import type { Role } from "../../app/models/roles";
import { addMember, createUser, createWorkshop, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { sessionCookie } from "../support/collab-client";

type Who = "organiser" | "editor" | "commenter" | "commenter2" | "viewer" | "outsider";

let server: TestServer;
let workshopId: string;
const people = {} as Record<Who, { id: string; name: string; cookie: string }>;

const EDITED_LATER = "Edited later — shown as it read when this version was saved";
const NOT_KEPT = "Edited later — its earlier wording was not kept, shown as it reads now";

async function newDocument(text: string): Promise<string> {
  const slug = `h-${randomBytes(5).toString("hex")}`;
  const [row] = await getSql()<{ id: string }[]>`
    insert into documents (workshop_id, slug, title, kind) values (${workshopId}, ${slug}, ${"Draft " + slug}, 'declaration') returning id`;
  const content = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] };
  await getSql().begin((tx) => appendUpdates(tx, row!.id, [{ update: tiptapJsonToYDocUpdate(content), userId: null }]));
  return row!.id;
}

async function api(who: Who | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(server.url + path, {
    method,
    headers: {
      origin: server.url,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...(who ? { cookie: people[who].cookie } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A thread on `exact` whose opening comment says `body`; the ids of both. */
async function startThread(who: Who, documentId: string, exact: string, body: string): Promise<{ threadId: string; commentId: string }> {
  const res = await api(who, "POST", `/api/documents/${documentId}/threads`, { body, quote: { exact } });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  const [comment] = await getSql()<{ id: string }[]>`select id from thread_comments where thread_id = ${id}`;
  return { threadId: id, commentId: comment!.id };
}

async function edit(who: Who, commentId: string, body: unknown): Promise<Response> {
  return api(who, "PATCH", `/api/comments/${commentId}`, body);
}

async function save(documentId: string, name: string): Promise<string> {
  const document = (await findDocumentForUser(documentId, people.editor.id))!;
  return (await saveVersion({ document, userId: people.editor.id, name })).id;
}

/** The discussion part of a version's page, as `who` reads it. */
async function versionDiscussion(documentId: string, versionId: string, who: Who = "viewer", language = "en"): Promise<string> {
  const res = await api(who, "GET", `/documents/${documentId}/versions/${versionId}`, undefined, { "accept-language": language });
  expect(res.status).toBe(200);
  const html = await res.text();
  return html.slice(html.indexOf('id="version-threads-title"'), html.indexOf("</main>"));
}

async function liveThreads(documentId: string, who: Who = "viewer"): Promise<Thread[]> {
  const res = await api(who, "GET", `/api/documents/${documentId}/threads`);
  expect(res.status).toBe(200);
  return (await res.json()) as Thread[];
}

async function revisions(commentId: string) {
  return getSql()<{ body: string; replacedAt: Date; editorId: string | null }[]>`
    select body, replaced_at as "replacedAt", editor_id as "editorId" from comment_revisions where comment_id = ${commentId} order by id`;
}

beforeAll(async () => {
  workshopId = (await createWorkshop()).id;
  const roles: [Who, Role | null, string][] = [
    ["organiser", "organizer", "Olga Organiser"],
    ["editor", "editor", "Edna Editor"],
    ["commenter", "commenter", "Cora Commenter"],
    ["commenter2", "commenter", "Carl Commenter"],
    ["viewer", "viewer", "Vic Viewer"],
    ["outsider", null, "Otto Outsider"],
  ];
  for (const [key, role, name] of roles) {
    const user = await createUser({ name });
    if (role) await addMember(workshopId, user.id, role);
    people[key] = { id: user.id, name, cookie: await sessionCookie(user.id) };
  }
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe("a named version shows each comment as it read when the version was saved", () => {
  it("shows the old text on the version page, marked edited later, and the new text in the live thread list", async () => {
    const doc = await newDocument("Harm reduction saves lives in every country.");
    const { commentId } = await startThread("commenter", doc, "saves lives", "Say how many lives.");
    const versionId = await save(doc, "First reading");
    expect((await edit("commenter", commentId, { body: "Cite the 2023 figures." })).status).toBe(200);

    const section = await versionDiscussion(doc, versionId);
    expect(section).toContain("Say how many lives.");
    expect(section).toContain(EDITED_LATER);
    expect(section).not.toContain("Cite the 2023 figures.");

    const [thread] = await liveThreads(doc);
    expect(thread!.comments.map((c) => c.body)).toEqual(["Cite the 2023 figures."]);
    expect(thread!.comments[0]!.editedAt).toEqual(expect.any(String));
    // The JSON API keeps its shape: no earlier bodies, no field of the version page.
    expect(Object.keys(thread!.comments[0]!).sort()).toEqual(["author", "body", "createdAt", "editedAt", "id", "mine"]);
    expect(JSON.stringify(thread)).not.toContain("Say how many lives.");

    // In every interface language.
    const words: Record<string, string> = {
      fr: "Modifié ensuite — tel qu’il se lisait quand cette version a été enregistrée",
      es: "Editado después — tal como se leía cuando se guardó esta versión",
      sv: "Ändrad senare – visas som den löd när den här versionen sparades",
    };
    for (const [language, said] of Object.entries(words)) {
      const translated = await versionDiscussion(doc, versionId, "viewer", language);
      expect(translated, language).toContain(said);
      expect(translated, language).toContain("Say how many lives.");
      expect(translated, language).not.toContain(EDITED_LATER);
    }
  });

  it("edited before and after the version, shows the wording it had in between; a later version shows today's, unmarked", async () => {
    const doc = await newDocument("Police officers refer people to services.");
    const { commentId } = await startThread("commenter", doc, "refer people", "Wording one.");
    const unedited = await startThread("commenter2", doc, "to services", "Never edited.");
    expect((await edit("commenter", commentId, { body: "Wording two." })).status).toBe(200);
    const middle = await save(doc, "Middle");
    expect((await edit("editor", commentId, { body: "Wording three." })).status).toBe(200);
    const last = await save(doc, "Last");

    const atMiddle = await versionDiscussion(doc, middle);
    expect(atMiddle).toContain("Wording two.");
    expect(atMiddle).not.toContain("Wording one.");
    expect(atMiddle).not.toContain("Wording three.");
    expect(atMiddle.split(EDITED_LATER)).toHaveLength(2); // once: the unedited comment carries no mark
    expect(atMiddle).toContain("Never edited.");

    const atLast = await versionDiscussion(doc, last);
    expect(atLast).toContain("Wording three.");
    expect(atLast).not.toContain("Wording two.");
    expect(atLast).not.toContain(EDITED_LATER);

    expect((await revisions(commentId)).map((r) => [r.body, r.editorId])).toEqual([
      ["Wording one.", people.commenter.id],
      ["Wording two.", people.editor.id],
    ]);
    expect(await revisions(unedited.commentId)).toEqual([]);
  });

  it("does not show comments written after the version", async () => {
    const doc = await newDocument("Naloxone in every patrol car.");
    const { threadId } = await startThread("commenter", doc, "every patrol car", "Before the version.");
    const versionId = await save(doc, "Saved");
    expect((await api("commenter2", "POST", `/api/threads/${threadId}/comments`, { body: "A reply after the version." })).status).toBe(201);
    const section = await versionDiscussion(doc, versionId);
    expect(section).toContain("Before the version.");
    expect(section).not.toContain("A reply after the version.");
  });

  it("erases a deleted comment's earlier bodies with it, and its version page no longer shows it", async () => {
    const doc = await newDocument("Decriminalise possession for personal use.");
    const { commentId } = await startThread("commenter", doc, "personal use", "Define personal use.");
    const reply = await api("commenter2", "POST", `/api/threads/${(await getSql()<{ t: string }[]>`select thread_id as t from thread_comments where id = ${commentId}`)[0]!.t}/comments`, { body: "Agreed, define it." });
    expect(reply.status).toBe(201);
    const versionId = await save(doc, "Before deletion");
    expect((await edit("commenter", commentId, { body: "Define it by quantity." })).status).toBe(200);
    expect(await revisions(commentId)).toHaveLength(1);

    expect((await api("commenter", "DELETE", `/api/comments/${commentId}`)).status).toBe(204);
    expect(await revisions(commentId)).toEqual([]);
    const section = await versionDiscussion(doc, versionId);
    expect(section).not.toContain("Define personal use.");
    expect(section).not.toContain("Define it by quantity.");
    expect(section).toContain("Agreed, define it.");

    // Deleting a whole thread erases its comments' earlier bodies too.
    const other = await startThread("commenter", doc, "Decriminalise", "First take.");
    expect((await edit("commenter", other.commentId, { body: "Second take." })).status).toBe(200);
    expect(await revisions(other.commentId)).toHaveLength(1);
    expect((await api("editor", "DELETE", `/api/threads/${other.threadId}`)).status).toBe(204);
    const [{ n }] = await getSql()<{ n: number }[]>`select count(*)::int as n from comment_revisions where comment_id = ${other.commentId}`;
    expect(n).toBe(0);
  });
});

describe("edits at the same moment", () => {
  it("keeps every replaced body, in the order the edits happened, none lost", async () => {
    const doc = await newDocument("Drug checking services at festivals.");
    const { commentId } = await startThread("commenter", doc, "at festivals", "Body 0.");
    const writers: Who[] = ["commenter", "editor", "organiser", "commenter", "editor", "organiser"];
    const answers = await Promise.all(writers.map((who, i) => edit(who, commentId, { body: `Body ${i + 1}.` })));
    expect(answers.map((r) => r.status)).toEqual(writers.map(() => 200));

    const kept = await revisions(commentId);
    const [{ body: current }] = await getSql()<{ body: string }[]>`select body from thread_comments where id = ${commentId}`;
    expect(kept).toHaveLength(writers.length);
    expect(kept[0]!.body).toBe("Body 0.");
    // Each edit replaced the body the previous one wrote: together they hold every body once, the current one last.
    const written = [...kept.slice(1).map((r) => r.body), current];
    expect([...written].sort()).toEqual(writers.map((_, i) => `Body ${i + 1}.`).sort());
    const times = kept.map((r) => r.replacedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe("refused edits write no earlier body", () => {
  it("empty, too long, not text, not JSON, someone else's comment, not a member, no such comment", async () => {
    const doc = await newDocument("Training for officers on stigma.");
    const { commentId } = await startThread("commenter", doc, "on stigma", "Unchanged body.");
    const refused: [Who, string, unknown, number][] = [
      ["commenter", commentId, { body: "" }, 400],
      ["commenter", commentId, { body: "   \n " }, 400],
      ["commenter", commentId, { body: "x".repeat(10_001) }, 400],
      ["commenter", commentId, { body: 42 }, 400],
      ["commenter", commentId, { body: null }, 400],
      ["commenter", commentId, { body: ["a list"] }, 400],
      ["commenter", commentId, {}, 400],
      ["commenter", commentId, "{not json", 400],
      ["commenter", commentId, { body: "with a \u0007 bell" }, 400],
      ["commenter2", commentId, { body: "Carl rewrites Cora." }, 403],
      ["viewer", commentId, { body: "A viewer rewrites." }, 403],
      ["outsider", commentId, { body: "An outsider rewrites." }, 404],
      ["commenter", "00000000-0000-4000-8000-000000000000", { body: "No such comment." }, 404],
      ["commenter", "not-a-uuid", { body: "Not an id." }, 404],
    ];
    for (const [who, id, body, status] of refused) {
      const res = await edit(who, id, body);
      expect(res.status, `${who} ${JSON.stringify(body).slice(0, 40)}`).toBe(status);
      expect(((await res.json()) as { error?: string }).error).toEqual(expect.any(String));
    }
    expect(await revisions(commentId)).toEqual([]);
    const [{ count }] = await getSql()<{ count: number }[]>`
      select count(*)::int as count from comment_revisions r join thread_comments c on c.id = r.comment_id
      join comment_threads t on t.id = c.thread_id where t.document_id = ${doc}`;
    expect(count).toBe(0);
    const [row] = await getSql()<{ body: string; editedAt: Date | null }[]>`select body, edited_at as "editedAt" from thread_comments where id = ${commentId}`;
    expect(row).toEqual({ body: "Unchanged body.", editedAt: null });
    // 10,000 characters are accepted, and keep the body they replace.
    expect((await edit("commenter", commentId, { body: "y".repeat(10_000) })).status).toBe(200);
    expect((await revisions(commentId)).map((r) => r.body)).toEqual(["Unchanged body."]);
  });
});

describe("your data", () => {
  it("the download holds the earlier bodies of your own comments; deleting the account removes them and the version says they were not kept", async () => {
    const dana = await createUser({ name: "Dana Departing" });
    await addMember(workshopId, dana.id, "commenter");
    const cookie = await sessionCookie(dana.id);
    const doc = await newDocument("Peer workers in every police station.");
    const created = await fetch(`${server.url}/api/documents/${doc}/threads`, {
      method: "POST",
      headers: { origin: server.url, cookie, "content-type": "application/json" },
      body: JSON.stringify({ body: "Dana's first words.", quote: { exact: "Peer workers" } }),
    });
    expect(created.status).toBe(201);
    const { id: threadId } = (await created.json()) as { id: string };
    const [{ id: commentId }] = await getSql()<{ id: string }[]>`select id from thread_comments where thread_id = ${threadId}`;
    const versionId = await save(doc, "With Dana's words");
    const danaEdits = await fetch(`${server.url}/api/comments/${commentId}`, {
      method: "PATCH",
      headers: { origin: server.url, cookie, "content-type": "application/json" },
      body: JSON.stringify({ body: "Dana's second words." }),
    });
    expect(danaEdits.status).toBe(200);
    expect((await edit("editor", commentId, { body: "Edna's wording of Dana's comment." })).status).toBe(200);
    // Someone else's comment that Dana never wrote stays out of her download.
    const { commentId: othersComment } = await startThread("commenter2", doc, "police station", "Carl's first words.");
    expect((await edit("commenter2", othersComment, { body: "Carl's second words." })).status).toBe(200);

    const res = await fetch(`${server.url}/account/data`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const data = JSON.parse(text) as { comments: { body: string; earlierBodies: { body: string; replacedAt: string; replacedByYou: boolean }[] }[] };
    expect(data.comments).toHaveLength(1);
    expect(data.comments[0]!.body).toBe("Edna's wording of Dana's comment.");
    expect(data.comments[0]!.earlierBodies).toEqual([
      { body: "Dana's first words.", replacedAt: expect.any(String), replacedByYou: true },
      { body: "Dana's second words.", replacedAt: expect.any(String), replacedByYou: false },
    ]);
    for (const foreign of ["Carl's first words.", "Carl's second words.", people.editor.id, people.editor.name]) expect(text).not.toContain(foreign);

    const user = (await findUserById(dana.id))!;
    expect(await deleteAccount({ user, password: TEST_PASSWORD, ip: null })).toEqual({ ok: true });
    expect(await revisions(commentId)).toEqual([]);
    expect(await revisions(othersComment)).toHaveLength(1);
    // The comment itself stays, without her name, as comments of deleted accounts do; the version says its
    // wording then was not kept.
    const [kept] = await getSql()<{ authorId: string | null; body: string }[]>`select author_id as "authorId", body from thread_comments where id = ${commentId}`;
    expect(kept).toEqual({ authorId: null, body: "Edna's wording of Dana's comment." });
    const section = await versionDiscussion(doc, versionId);
    expect(section).not.toContain("Dana's first words.");
    expect(section).toContain("Edna&#x27;s wording of Dana&#x27;s comment.");
    expect(section).toContain(NOT_KEPT);
  });
});

describe("public pages", () => {
  it("a published version's public pages carry no comment, neither today's body nor an earlier one", async () => {
    const doc = await newDocument("Published words under discussion.");
    const { commentId } = await startThread("commenter", doc, "under discussion", "An early private remark.");
    expect((await edit("commenter", commentId, { body: "A later private remark." })).status).toBe(200);
    const version = await api("organiser", "POST", `/api/documents/${doc}/versions`, { name: "To publish" });
    expect(version.status).toBe(201);
    const { id: versionId } = (await version.json()) as { id: string };
    const published = await api("organiser", "POST", `/api/documents/${doc}/publish`, { versionId });
    expect(published.status).toBe(201);
    const { slug } = (await published.json()) as { slug: string };
    for (const path of [`/d/${slug}`, `/d/${slug}/v/1`, `/d/${slug}/v/1/text`, `/api/declarations/${slug}`]) {
      const res = await fetch(server.url + path);
      expect(res.status, path).toBe(200);
      const body = await res.text();
      expect(body, path).not.toContain("private remark");
    }
    // Members read the version page; others do not.
    expect((await api("outsider", "GET", `/documents/${doc}/versions/${versionId}`)).status).toBe(404);
    expect((await fetch(`${server.url}/documents/${doc}/versions/${versionId}`, { redirect: "manual" })).status).toBe(302);
  });
});
