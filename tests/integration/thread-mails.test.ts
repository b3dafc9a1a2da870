/**
 * Mention and reply e-mails of the discussion, over real HTTP on real PostgreSQL (issue 13): `@Name` of a workshop
 * member queues one plain-text mail in the outbox with the quoted words, the comment and a link; replies tell the
 * thread's earlier participants; at most one mail per member, thread and 10 minutes (also when two comments race);
 * the account setting turns them off; hostile bodies. Also the list's `mine` flags and its X-Thread-Seq header.
 */
import type * as decoding from "lib0/decoding";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { getConfig } from "../../app/config.server";
import { appendUpdates } from "../../db/document-log";
import { tiptapJsonToYDocUpdate } from "../../app/editor/document-tools.server";
import { MESSAGE_THREADS, readThreadEvent } from "../../app/collab/protocol";
import { THREAD_SEQ_HEADER, type Thread, type ThreadEvent } from "../../app/threads/contract";
import { findMentions } from "../../app/threads/thread-mails.server";
import type { Role } from "../../app/models/roles";
import { addMember, createUser, createWorkshop } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { connectClient, sessionCookie, waitFor, type TestClient } from "../support/collab-client";

type Who = "organiser" | "editor" | "commenter" | "commenter2" | "viewer" | "ann" | "annLee" | "meta" | "outsider";

let server: TestServer;
let workshopId: string;
const people = {} as Record<Who, { id: string; name: string; email: string; cookie: string }>;
const clients: TestClient[] = [];

const META_NAME = "Zoë (Chair) [*]+? $1 \\d";

async function newDocument(paragraphs: string[]): Promise<string> {
  const slug = `d-${randomBytes(5).toString("hex")}`;
  const [row] = await getSql()<{ id: string }[]>`
    insert into documents (workshop_id, slug, title, kind) values (${workshopId}, ${slug}, ${"Draft " + slug}, 'declaration') returning id`;
  const content = { type: "doc", content: paragraphs.map((text) => ({ type: "paragraph", content: [{ type: "text", text }] })) };
  await getSql().begin((tx) => appendUpdates(tx, row!.id, [{ update: tiptapJsonToYDocUpdate(content), userId: null }]));
  return row!.id;
}

async function api(who: Who, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(server.url + path, {
    method,
    headers: { origin: server.url, cookie: people[who].cookie, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function startThread(who: Who, documentId: string, exact: string, body: string): Promise<string> {
  const res = await api(who, "POST", `/api/documents/${documentId}/threads`, { body, quote: { exact } });
  const answer = (await res.json()) as { id?: string; error?: string };
  expect(res.status, answer.error).toBe(201);
  return answer.id!;
}

async function reply(who: Who, threadId: string, body: string): Promise<void> {
  const res = await api(who, "POST", `/api/threads/${threadId}/comments`, { body });
  expect(res.status).toBe(201);
}

interface OutboxMail {
  subject: string;
  text: string;
}

/** The mails in the outbox to `who` about `documentId` (its link is in every one). */
async function mailsTo(who: Who, documentId: string): Promise<OutboxMail[]> {
  return getSql()<OutboxMail[]>`
    select subject, text_body as text from outbox
    where to_address = ${people[who].email} and strpos(text_body, ${`/documents/${documentId}`}) > 0 order by id`;
}

async function mailsAbout(documentId: string): Promise<number> {
  const [row] = await getSql()<{ n: number }[]>`select count(*)::int as n from outbox where strpos(text_body, ${`/documents/${documentId}`}) > 0`;
  return row!.n;
}

async function setThreadEmails(who: Who, on: boolean): Promise<void> {
  const form = new URLSearchParams({ intent: "notifications", ...(on ? { threadEmails: "on" } : {}) });
  const res = await fetch(`${server.url}/account`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: server.url, cookie: people[who].cookie, "content-type": "application/x-www-form-urlencoded" },
    body: form,
  });
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe(`/account?done=thread-emails-${on ? "on" : "off"}#notifications`);
  const page = await (await fetch(`${server.url}/account`, { headers: { cookie: people[who].cookie } })).text();
  const box = /<input[^>]*id="thread-emails"[^>]*>/.exec(page)?.[0];
  expect(box, "the account page shows the setting").toBeDefined();
  expect(/\schecked(=""|\s|\/|>)/.test(box!)).toBe(on);
}

beforeAll(async () => {
  const workshop = await createWorkshop();
  workshopId = workshop.id;
  const roles: [Who, Role | null, string][] = [
    ["organiser", "organizer", "Olga Organiser"],
    ["editor", "editor", "Edna Editor"],
    ["commenter", "commenter", "Cora Commenter"],
    ["commenter2", "commenter", "Carl Commenter"],
    ["viewer", "viewer", "Vic Viewer"],
    ["ann", "commenter", "Ann"],
    ["annLee", "viewer", "Ann Lee"],
    ["meta", "commenter", META_NAME],
    ["outsider", null, "Otto Outsider"],
  ];
  for (const [key, role, name] of roles) {
    const user = await createUser({ name });
    if (role) await addMember(workshopId, user.id, role);
    people[key] = { id: user.id, name, email: user.email, cookie: await sessionCookie(user.id) };
  }
  server = await startTestServer({ accessCheckMs: 300, unloadAfterMs: 200 });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
});

describe("mentions", () => {
  it("mail the mentioned member exactly once, with the quoted words, the comment and a link, and nobody else", async () => {
    const doc = await newDocument(["We hold these truths to be self-evident."]);
    const body = "@Vic Viewer do you agree? @Otto Outsider too.";
    await startThread("commenter", doc, "these truths", body);

    const mails = await mailsTo("viewer", doc);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Cora Commenter mentioned you in “${await title(doc)}”`);
    expect(mails[0]!.text).toContain("“these truths”");
    expect(mails[0]!.text).toContain(body);
    expect(mails[0]!.text).toContain(`${getConfig().publicUrl}/documents/${doc}\n`);
    // The author, and a name that is not a member's, get nothing.
    expect(await mailsTo("commenter", doc)).toHaveLength(0);
    expect(await mailsTo("outsider", doc)).toHaveLength(0);
    expect(await mailsAbout(doc)).toBe(1);
  });

  it("send no second mail to the same member about the same thread within 10 minutes, and another once they passed", async () => {
    const doc = await newDocument(["Everyone has the right to education."]);
    const thread = await startThread("commenter", doc, "right to education", "@vic viewer (case does not matter) please read.");
    await reply("editor", thread, "@Vic Viewer again, please.");
    expect(await mailsTo("viewer", doc)).toHaveLength(1);

    // Ten minutes later (the slot's time moved back instead of waiting).
    await getSql()`update thread_mail_sends set sent_at = sent_at - interval '10 minutes' where thread_id = ${thread}`;
    await reply("editor", thread, "@Vic Viewer one more time.");
    expect(await mailsTo("viewer", doc)).toHaveLength(2);
  });

  it("a mention in another thread of the same document is mailed too (the limit is per thread)", async () => {
    const doc = await newDocument(["Alpha words here. Beta words there."]);
    await startThread("commenter", doc, "Alpha words", "@Vic Viewer first");
    await startThread("commenter", doc, "Beta words", "@Vic Viewer second");
    expect(await mailsTo("viewer", doc)).toHaveLength(2);
  });

  it("two comments racing to mention the same member send one mail", async () => {
    const doc = await newDocument(["Racing words are here."]);
    const thread = await startThread("organiser", doc, "Racing words", "Opening, no mention.");
    await Promise.all([reply("editor", thread, "@Ann look"), reply("commenter2", thread, "@Ann look too"), reply("commenter", thread, "@Ann and here")]);
    expect(await mailsTo("ann", doc)).toHaveLength(1);
  });

  it("in a proposal's comment mail the mentioned member", async () => {
    const doc = await newDocument(["The parties shall meet yearly."]);
    const res = await api("commenter", "POST", `/api/documents/${doc}/proposals`, { quote: { exact: "yearly" }, proposed: "twice a year", body: "@Edna Editor what do you think?" });
    expect(res.status).toBe(201);
    const mails = await mailsTo("editor", doc);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain("“yearly”");
  });

  it("mail nobody when the comment was refused", async () => {
    const doc = await newDocument(["Only these words."]);
    const res = await api("commenter", "POST", `/api/documents/${doc}/threads`, { body: "@Vic Viewer look", quote: { exact: "words that are not there" } });
    expect(res.status).toBe(409);
    expect(await mailsAbout(doc)).toBe(0);
  });

  it("respect the account setting: off, no mail; on again, mail", async () => {
    const doc = await newDocument(["Setting words one. Setting words two."]);
    await setThreadEmails("viewer", false);
    try {
      await startThread("commenter", doc, "Setting words one", "@Vic Viewer you will not hear of this");
      expect(await mailsTo("viewer", doc)).toHaveLength(0);
    } finally {
      await setThreadEmails("viewer", true);
    }
    await startThread("commenter", doc, "Setting words two", "@Vic Viewer now you will");
    expect(await mailsTo("viewer", doc)).toHaveLength(1);
  });
});

describe("editing a comment", () => {
  async function firstCommentId(doc: string, thread: string): Promise<string> {
    const res = await api("commenter", "GET", `/api/documents/${doc}/threads`);
    const list = (await res.json()) as Thread[];
    return list.find((t) => t.id === thread)!.comments[0]!.id;
  }

  async function edit(who: Who, commentId: string, body: string): Promise<void> {
    const res = await api(who, "PATCH", `/api/comments/${commentId}`, { body });
    expect(res.status).toBe(200);
  }

  it("mails only the members the edit newly mentions, within the 10-minute limit and the account setting", async () => {
    const doc = await newDocument(["Editing words are here."]);
    const thread = await startThread("commenter", doc, "Editing words", "@Vic Viewer look.");
    await reply("editor", thread, "@Ann you too."); // Ann's slot for this thread is taken now.
    const comment = await firstCommentId(doc, thread);
    expect(await mailsTo("viewer", doc)).toHaveLength(1);

    await edit("commenter", comment, "@Vic Viewer look. And @Edna Editor, @Ann, @Olga Organiser?");
    // Edna is newly mentioned: one mail, from the person who edited; Vic was mentioned before: nothing new.
    const edna = await mailsTo("editor", doc);
    expect(edna).toHaveLength(1);
    expect(edna[0]!.subject).toBe(`Cora Commenter mentioned you in “${await title(doc)}”`);
    expect(edna[0]!.text).toContain("And @Edna Editor");
    expect(await mailsTo("viewer", doc)).toHaveLength(1);
    // Ann was mailed about this thread minutes ago; Olga newly mentioned too.
    expect(await mailsTo("ann", doc)).toHaveLength(1);
    expect(await mailsTo("organiser", doc)).toHaveLength(1);

    // An edit that mentions nobody new mails nobody.
    const before = await mailsAbout(doc);
    await edit("commenter", comment, "@Vic Viewer look. And @Edna Editor, @Ann, @Olga Organiser? (typo fixed)");
    expect(await mailsAbout(doc)).toBe(before);
  });

  it("respects the account setting of the newly mentioned member", async () => {
    const doc = await newDocument(["Quiet words are here."]);
    const thread = await startThread("commenter", doc, "Quiet words", "Nobody yet.");
    const comment = await firstCommentId(doc, thread);
    await setThreadEmails("viewer", false);
    try {
      await edit("commenter", comment, "Now @Vic Viewer.");
      expect(await mailsTo("viewer", doc)).toHaveLength(0);
    } finally {
      await setThreadEmails("viewer", true);
    }
  });
});

describe("replies", () => {
  it("tell the thread's author and earlier commenters, never the one replying", async () => {
    const doc = await newDocument(["All persons are equal before the law."]);
    const thread = await startThread("commenter", doc, "equal before the law", "Is this enough?");
    await reply("editor", thread, "I think so.");
    expect(await mailsTo("commenter", doc)).toHaveLength(1);
    expect((await mailsTo("commenter", doc))[0]!.subject).toBe(`Edna Editor replied in “${await title(doc)}”`);
    expect(await mailsTo("editor", doc)).toHaveLength(0);

    await reply("commenter2", thread, "Me too.");
    // The editor hears of it for the first time; the author was mailed about this thread minutes ago.
    expect(await mailsTo("editor", doc)).toHaveLength(1);
    expect(await mailsTo("commenter", doc)).toHaveLength(1);
    expect(await mailsTo("commenter2", doc)).toHaveLength(0);
    // A member who only reads and took no part hears nothing.
    expect(await mailsTo("viewer", doc)).toHaveLength(0);
  });
});

describe("hostile comment bodies", () => {
  it("an @ followed by 5,000 characters is stored and mails nobody", async () => {
    const doc = await newDocument(["Long words to start."]);
    await startThread("commenter", doc, "Long words", "@" + "A".repeat(5_000));
    await startThread("commenter", doc, "start", "@".repeat(5_000));
    expect(await mailsAbout(doc)).toBe(0);
  });

  it("names with pattern characters are matched as text, and patterns in the body match nobody", async () => {
    const doc = await newDocument(["Pattern words one. Pattern words two."]);
    await startThread("commenter", doc, "Pattern words one", "@.* @[A-Z]+ @\\d @(Chair) hello");
    expect(await mailsAbout(doc)).toBe(0);
    await startThread("commenter", doc, "Pattern words two", `Dear @${META_NAME}, hello`);
    expect(await mailsTo("meta", doc)).toHaveLength(1);
    expect(await mailsAbout(doc)).toBe(1);
  });

  it("HTML in the body stays plain text in the mail and breaks nothing", async () => {
    const doc = await newDocument(["Markup words here."]);
    const body = `@Vic Viewer <script>alert("x")</script><img src=x onerror=alert(1)> &amp; </p>\nSecond line`;
    await startThread("commenter", doc, "Markup words", body);
    const [mail] = await mailsTo("viewer", doc);
    expect(mail!.text).toContain(`<script>alert("x")</script><img src=x onerror=alert(1)> &amp; </p>`);
    expect(mail!.text).toContain("  Second line");
  });

  it("the longest member name wins, and an e-mail address mentions nobody", async () => {
    const doc = await newDocument(["Name words one. Name words two."]);
    await startThread("commenter", doc, "Name words one", "@Ann Lee, a question for you; write to someone@Ann.example");
    expect(await mailsTo("annLee", doc)).toHaveLength(1);
    expect(await mailsTo("ann", doc)).toHaveLength(0);
    await startThread("commenter", doc, "Name words two", "@Ann: and you. @Annabel is nobody.");
    expect(await mailsTo("ann", doc)).toHaveLength(1);
  });
});

describe("finding mentions", () => {
  const members = [
    { id: "ann", name: "Ann" },
    { id: "ann-lee", name: "Ann Lee" },
    { id: "meta", name: META_NAME },
    { id: "dotted", name: "İsa" },
  ];
  it("matches whole names as text, longest first, case-insensitively, not inside words or addresses", () => {
    expect(findMentions("@ann lee and @ANN.", members).sort()).toEqual(["ann", "ann-lee"]);
    expect(findMentions("@Annabel x@Ann", members)).toEqual([]);
    expect(findMentions(`@${META_NAME.toUpperCase()}!`, members)).toEqual(["meta"]);
    expect(findMentions("@İSA hi", members)).toEqual(["dotted"]);
    expect(findMentions("@".repeat(10_000), members)).toEqual([]);
  });
});

describe("the list of threads", () => {
  it("says which threads and comments are the caller's (not by name: two members share one)", async () => {
    const namesake = await createUser({ name: "Cora Commenter" });
    await addMember(workshopId, namesake.id, "commenter");
    const namesakeCookie = await sessionCookie(namesake.id);
    const doc = await newDocument(["Mine and yours are here."]);
    const thread = await startThread("commenter", doc, "Mine and yours", "Mine.");
    const res = await fetch(`${server.url}/api/documents/${doc}/threads`, { headers: { cookie: namesakeCookie } });
    const [seen] = (await res.json()) as Thread[];
    expect(seen!.author.name).toBe("Cora Commenter");
    expect(seen!.mine).toBe(false);
    expect(seen!.comments[0]!.mine).toBe(false);

    await reply("editor", thread, "Yours.");
    const [own] = (await (await api("commenter", "GET", `/api/documents/${doc}/threads`)).json()) as Thread[];
    expect(own!.mine).toBe(true);
    expect(own!.comments.map((c) => c.mine)).toEqual([true, false]);
  });

  it("says the seq of the latest thread event it includes in X-Thread-Seq, and socket events follow it", async () => {
    const doc = await newDocument(["Sequence words one. Sequence words two."]);
    const seqOf = async () => {
      const res = await api("viewer", "GET", `/api/documents/${doc}/threads`);
      expect(res.status).toBe(200);
      return Number(res.headers.get(THREAD_SEQ_HEADER));
    };
    expect(await seqOf()).toBe(0);
    const thread = await startThread("commenter", doc, "Sequence words one", "First.");
    expect(await seqOf()).toBe(1);

    const client = connectClient(server.url, doc, people.commenter.cookie);
    clients.push(client);
    const events: ThreadEvent[] = [];
    client.provider.messageHandlers[MESSAGE_THREADS] = (_encoder: unknown, decoder: decoding.Decoder) => {
      events.push(readThreadEvent(decoder));
    };
    await waitFor(() => client.provider.synced, "the client synced");
    await reply("editor", thread, "Second.");
    await waitFor(() => events.length > 0, "the reply's event arrived");
    const listed = await seqOf();
    expect(listed).toBe(2);
    expect(events[0]!.seq).toBe(listed);
    // The event's thread is seen by the socket's own person: the commenter started it, the reply is the editor's.
    expect(events[0]!.thread!.mine).toBe(true);
    expect(events[0]!.thread!.comments.map((c) => c.mine)).toEqual([true, false]);
  });
});

async function title(documentId: string): Promise<string> {
  const [row] = await getSql()<{ title: string }[]>`select title from documents where id = ${documentId}`;
  return row!.title;
}
