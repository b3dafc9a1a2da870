/**
 * Threads and proposals over real HTTP and real sockets on real PostgreSQL (issue 13): the server writes every
 * anchor mark in the thread's transaction and relays it like any committed edit; anchors survive the editor's
 * structural edits; accepting a proposal is a compare-and-swap; roles; thread events on the socket; hostile input.
 */
import * as Y from "yjs";
import type * as decoding from "lib0/decoding";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Node as PMNode } from "@tiptap/pm/model";
import { Transform, findWrapping } from "@tiptap/pm/transform";
import { initProseMirrorDoc, updateYFragment, absolutePositionToRelativePosition } from "@tiptap/y-tiptap";
import { getSql } from "../../db/client";
import { appendAfterTail, appendUpdates } from "../../db/document-log";
import { expectIntactChain, paragraphUpdate } from "../support/document-log";
import { holdLock, untilStatementWaitsForLock } from "../support/locks";
import { getEditorSchema, YJS_FIELD } from "../../app/editor/extensions";
import { tiptapJsonToYDocUpdate } from "../../app/editor/document-tools.server";
import { createAccessToken } from "../../app/auth/access-tokens.server";
import { loadDocument } from "../../app/models/document-content.server";
import { MESSAGE_SAVED, MESSAGE_THREADS, readThreadEvent } from "../../app/collab/protocol";
import type { Thread, ThreadEvent } from "../../app/threads/contract";
import { anchorSpans, indexText, locateQuote, proseMirrorOf } from "../../app/threads/anchoring.server";
import { anchorChecksSettled } from "../../app/threads/anchor-watch.server";
import { restoreVersion, saveVersion } from "../../app/models/versions.server";
import { findDocumentForUser } from "../../db/access";
import type { Role } from "../../app/models/roles";
import { addMember, createUser, createWorkshop } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { DEFAULT_COLLAB_OPTIONS } from "../../server/collab/collab-server";
import { connectClient, sessionCookie, typeParagraph, waitFor, type TestClient } from "../support/collab-client";
import { metrics } from "../../app/utils/metrics.server";

type Who = "organiser" | "editor" | "commenter" | "commenter2" | "viewer" | "outsider";

let server: TestServer;
let workshopId: string;
let otherWorkshopDocument: string;
const people = {} as Record<Who, { id: string; name: string; cookie: string }>;
const clients: TestClient[] = [];

async function newDocument(paragraphs: string[], workshop = workshopId): Promise<string> {
  const slug = `d-${randomBytes(5).toString("hex")}`;
  const [row] = await getSql()<{ id: string }[]>`
    insert into documents (workshop_id, slug, title, kind) values (${workshop}, ${slug}, ${"Draft " + slug}, 'declaration') returning id`;
  const content = { type: "doc", content: paragraphs.map((text) => ({ type: "paragraph", content: [{ type: "text", text }] })) };
  await getSql().begin((tx) => appendUpdates(tx, row!.id, [{ update: tiptapJsonToYDocUpdate(content), userId: null }]));
  return row!.id;
}

async function api(who: Who | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, baseUrl = server.url): Promise<Response> {
  return fetch(baseUrl + path, {
    method,
    headers: {
      origin: baseUrl,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...(who ? { cookie: people[who].cookie } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function createThread(who: Who, documentId: string, exact: string, body = "Why these words?", extra: Record<string, string> = {}, baseUrl = server.url): Promise<string> {
  const res = await api(who, "POST", `/api/documents/${documentId}/threads`, { body, quote: { exact, ...extra } }, {}, baseUrl);
  const answer = (await res.json()) as { id?: string; error?: string };
  expect(res.status, answer.error).toBe(201);
  return answer.id!;
}

async function threads(documentId: string, who: Who = "viewer"): Promise<Thread[]> {
  const res = await api(who, "GET", `/api/documents/${documentId}/threads`);
  expect(res.status).toBe(200);
  return (await res.json()) as Thread[];
}

async function threadOf(documentId: string, id: string): Promise<Thread> {
  const found = (await threads(documentId)).find((t) => t.id === id);
  if (!found) throw new Error(`no thread ${id}`);
  return found;
}

async function committedText(documentId: string): Promise<string> {
  const { doc } = await loadDocument(documentId);
  try {
    return indexText(proseMirrorOf(doc).doc).text;
  } finally {
    doc.destroy();
  }
}

async function committedAnchors(documentId: string) {
  const { doc } = await loadDocument(documentId);
  try {
    return anchorSpans(proseMirrorOf(doc).doc);
  } finally {
    doc.destroy();
  }
}

/** An editor's browser: a live client that changes its document the way y-tiptap's binding does. */
async function editorClient(documentId: string, who: Who = "editor", baseUrl = server.url): Promise<TestClient & { events: ThreadEvent[] }> {
  const client = connectClient(baseUrl, documentId, people[who].cookie) as TestClient & { events: ThreadEvent[] };
  client.events = [];
  client.provider.messageHandlers[MESSAGE_THREADS] = (_encoder: unknown, decoder: decoding.Decoder) => {
    client.events.push(readThreadEvent(decoder));
  };
  clients.push(client);
  await waitFor(() => client.provider.synced, "the client synced");
  return client;
}

function edit(client: TestClient, change: (doc: PMNode) => PMNode, origin: unknown = "local"): void {
  const fragment = client.doc.getXmlFragment(YJS_FIELD);
  const { doc, meta } = initProseMirrorDoc(fragment, getEditorSchema());
  const next = change(doc);
  client.doc.transact(() => updateYFragment(client.doc, fragment, next, meta), origin);
}

function where(doc: PMNode, exact: string): { from: number; to: number } {
  const found = locateQuote(indexText(doc), { exact });
  if (!found.ok) throw new Error(found.error);
  return found;
}

const clientAnchors = (client: TestClient) => anchorSpans(initProseMirrorDoc(client.doc.getXmlFragment(YJS_FIELD), getEditorSchema()).doc);
const clientText = (client: TestClient) => indexText(initProseMirrorDoc(client.doc.getXmlFragment(YJS_FIELD), getEditorSchema()).doc).text;
/** The commenter's account row, locked: a thread of theirs waits at its first insert (its author's foreign key). */
const holdCommenterRow = () => holdLock((tx) => tx`select 1 from users where id = ${people.commenter.id} for update`);

async function settled(client: TestClient): Promise<void> {
  await waitFor(() => client.isSaved(), "the edit was saved");
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
    ["outsider", null, "Otto Outsider"],
  ];
  for (const [key, role, name] of roles) {
    const user = await createUser({ name });
    if (role) await addMember(workshopId, user.id, role);
    people[key] = { id: user.id, name, cookie: await sessionCookie(user.id) };
  }
  const other = await createWorkshop();
  await addMember(other.id, people.outsider.id, "organizer");
  otherWorkshopDocument = await newDocument(["Another workshop's words."], other.id);
  server = await startTestServer({ accessCheckMs: 300, unloadAfterMs: 200 });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
});

describe("starting a thread on quoted words", () => {
  it("adds exactly one thread row, one log row of kind annotation by the requester, and one mark on those words", async () => {
    const id0 = await newDocument(["We, the participants, declare that water is a common good.", "Access is a right."]);
    const [{ n: logBefore }] = await getSql()<{ n: number }[]>`select count(*)::int as n from document_updates where document_id = ${id0}`;
    const id = await createThread("commenter", id0, "water is a common good", "Should we say 'public good'?");
    const rows = await getSql()`select id, author_id, kind, status, quote_exact, quote_prefix, quote_suffix from comment_threads where document_id = ${id0}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, author_id: people.commenter.id, kind: "comment", status: "open", quote_exact: "water is a common good" });
    expect(rows[0]!.quote_prefix).toBe(" the participants, declare that "); // 32 characters
    const log = await getSql()`select user_id, kind from document_updates where document_id = ${id0} order by seq`;
    expect(log).toHaveLength(logBefore + 1);
    expect(log[log.length - 1]).toMatchObject({ user_id: people.commenter.id, kind: "annotation" });
    const anchors = await committedAnchors(id0);
    expect([...anchors.keys()]).toEqual([id]);
    expect(anchors.get(id)!.text).toBe("water is a common good");

    const [thread] = await threads(id0);
    expect(thread).toMatchObject({
      id,
      kind: "comment",
      status: "open",
      anchorState: "active",
      quote: { exact: "water is a common good", prefix: " the participants, declare that ", suffix: ".\nAccess is a right." },
      author: { name: "Cora Commenter" },
      comments: [{ author: { name: "Cora Commenter" }, body: "Should we say 'public good'?", editedAt: null }],
    });
    expect(thread!.proposal).toBeUndefined();
  });

  it("answers 409 when the words are not in the text or appear twice, and a prefix chooses between two", async () => {
    const doc = await newDocument(["the state shall protect; the state shall fund."]);
    const missing = await api("commenter", "POST", `/api/documents/${doc}/threads`, { body: "?", quote: { exact: "the city" } });
    expect(missing.status).toBe(409);
    // `error` in English for API clients; `code` for the discussion panel, which says it in the page's language.
    const missingBody = (await missing.json()) as { error: string; code?: string };
    expect(missingBody.error).toMatch(/not in the current text/);
    expect(missingBody.code).toBe("wordsNotFound");
    const twice = await api("commenter", "POST", `/api/documents/${doc}/threads`, { body: "?", quote: { exact: "the state shall" } });
    expect(twice.status).toBe(409);
    const twiceBody = (await twice.json()) as { error: string; code?: string };
    expect(twiceBody.error).toMatch(/more than once/);
    expect(twiceBody.code).toBe("wordsMoreThanOnce");
    const empty = await api("commenter", "POST", `/api/documents/${doc}/threads`, { body: "   ", quote: { exact: "the city" } });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: "Write something first.", code: "commentEmpty" });
    const id = await createThread("commenter", doc, "the state shall", "Which one?", { prefix: "protect; " });
    expect((await threadOf(doc, id)).quote.prefix).toBe("the state shall protect; ");
    expect((await committedAnchors(doc)).get(id)!.from).toBeGreaterThan(20);
    expect(await getSql()`select 1 from comment_threads where document_id = ${doc}`).toHaveLength(1);
  });

  it("takes an editor's selection as encoded Yjs relative positions", async () => {
    const doc = await newDocument(["Everyone has the right to clean water."]);
    const client = await editorClient(doc, "commenter");
    const fragment = client.doc.getXmlFragment(YJS_FIELD);
    const { doc: pm, mapping } = initProseMirrorDoc(fragment, getEditorSchema());
    const { from, to } = where(pm, "clean water");
    const encode = (pos: number) => Buffer.from(Y.encodeRelativePosition(absolutePositionToRelativePosition(pos, fragment, mapping))).toString("base64");
    const res = await api("commenter", "POST", `/api/documents/${doc}/threads`, { body: "Drinkable?", range: { from: encode(from), to: encode(to) } });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect((await threadOf(doc, id)).quote.exact).toBe("clean water");
    // The commenter's own client receives the mark like any committed edit, and the thread event after it.
    await waitFor(() => clientAnchors(client).get(id)?.text === "clean water", "the mark reached the client");
    await waitFor(() => client.events.some((e) => e.threadId === id && e.type === "thread-created"), "the thread event");
    const event = client.events.find((e) => e.threadId === id)!;
    expect(event.thread).toMatchObject({ id, anchorState: "active", comments: [{ body: "Drinkable?" }] });
  });
});

describe("thread events on another instance", () => {
  it("reach a client connected to a second instance on the same database, after the mark, in order", async () => {
    const second = await startTestServer({ accessCheckMs: 300, unloadAfterMs: 200 });
    try {
      const doc = await newDocument(["Two instances share one database."]);
      const client = connectClient(second.url, doc, people.viewer.cookie) as TestClient & { events: ThreadEvent[] };
      client.events = [];
      client.provider.messageHandlers[MESSAGE_THREADS] = (_encoder: unknown, decoder: decoding.Decoder) => {
        client.events.push(readThreadEvent(decoder));
      };
      clients.push(client);
      await waitFor(() => client.provider.synced, "the client synced");
      const id = await createThread("commenter", doc, "share one database", "Seen over there?");
      await api("commenter", "POST", `/api/threads/${id}/comments`, { body: "A reply." });
      await api("commenter", "POST", `/api/threads/${id}/resolve`);
      await waitFor(() => client.events.length >= 3, "three thread events");
      expect(client.events.map((e) => [e.seq, e.type])).toEqual([
        [1, "thread-created"],
        [2, "comment-added"],
        [3, "thread-resolved"],
      ]);
      expect(client.events[0]!.thread).toMatchObject({ id, anchorState: "active" });
      expect(client.events[2]!.thread).toMatchObject({ status: "resolved", comments: [{ body: "Seen over there?" }, { body: "A reply." }] });
      expect(clientAnchors(client).get(id)?.text).toBe("share one database");
    } finally {
      await second.close();
    }
  });
});

describe("a thread's mark and event on a busy document", () => {
  it("reach each socket before anything written after them: an editor's \"saved\" for a later edit never comes first", async () => {
    // The room relays them with its next write to the sockets (room.ts, relaySoon): an editor's edit committed after
    // the thread must not overtake them — its "saved" names a log position, everything before it already sent.
    // A server whose rooms would hold such a relay for a minute: here it can only leave with the editor's next write.
    const own = await startTestServer({ ...DEFAULT_COLLAB_OPTIONS, limits: { ...DEFAULT_COLLAB_OPTIONS.limits, relaySoonMs: 60_000 } });
    const doc = await newDocument(["Marks leave with the room's next write.", "A second paragraph."]);
    const client = await editorClient(doc, "editor", own.url);
    const reader = await editorClient(doc, "viewer", own.url); // a room of two: its writes are corked together
    let id = "";
    // For each "saved" the editor receives: did it already hold the thread's mark and event?
    const heldAtSaved: boolean[] = [];
    const onSaved = client.provider.messageHandlers[MESSAGE_SAVED]!;
    client.provider.messageHandlers[MESSAGE_SAVED] = (encoder: unknown, decoder: decoding.Decoder) => {
      heldAtSaved.push(id !== "" && clientAnchors(client).has(id) && client.events.some((e) => e.threadId === id));
      (onSaved as (encoder: unknown, decoder: decoding.Decoder) => void)(encoder, decoder);
    };
    try {
      for (let round = 0; round < 3; round++) {
        id = await createThread("commenter", doc, round === 0 ? "the room's next write" : `Typed at once ${round - 1}`, "Why?", {}, own.url);
        const before = heldAtSaved.length;
        typeParagraph(client, `Typed at once ${round}.`);
        await waitFor(() => heldAtSaved.length > before && client.isSaved(), "the edit saved");
        expect(heldAtSaved.slice(before), `round ${round}`).not.toContain(false);
      }
    } finally {
      client.destroy();
      reader.destroy();
      await own.close();
    }
  });
});

describe("anchors through the editor's edits", () => {
  const cases: [string, (doc: PMNode, range: { from: number; to: number }) => PMNode][] = [
    ["Enter inside the range", (doc, r) => new Transform(doc).split(r.from + 3).doc],
    ["Enter before the range", (doc, r) => new Transform(doc).split(r.from - 4).doc],
    ["joining the paragraph with the one before", (doc) => new Transform(doc).join(doc.child(0).nodeSize).doc],
    ["turning the paragraph into a heading", (doc, r) => new Transform(doc).setBlockType(r.from, r.to, getEditorSchema().nodes.heading!, { level: 2 }).doc],
    [
      "wrapping the paragraph in a quote",
      (doc, r) => {
        const range = doc.resolve(r.from).blockRange(doc.resolve(r.to))!;
        return new Transform(doc).wrap(range, findWrapping(range, getEditorSchema().nodes.blockquote!)!).doc;
      },
    ],
    ["typing just before the range", (doc, r) => new Transform(doc).insert(r.from, getEditorSchema().text("very ", doc.resolve(r.from).marks())).doc],
    ["typing just after the range", (doc, r) => new Transform(doc).insert(r.to, getEditorSchema().text(" indeed", doc.resolve(r.to).marks())).doc],
  ];
  for (const [what, change] of cases) {
    it(`keeps the thread active after ${what}`, async () => {
      const doc = await newDocument(["A first paragraph.", "The parties agree to share water fairly."]);
      const client = await editorClient(doc);
      const id = await createThread("commenter", doc, "share water fairly");
      await waitFor(() => clientAnchors(client).has(id), "the mark reached the editor");
      edit(client, (pm) => change(pm, where(pm, "share water fairly")));
      await settled(client);
      const thread = await threadOf(doc, id);
      expect(thread.anchorState).toBe("active");
      expect((await committedAnchors(doc)).get(id)!.text.replace(/\n/g, "")).toBe("share water fairly");
    });
  }

  it("keeps 20 overlapping threads on one span; resolving one leaves 19 open", async () => {
    const doc = await newDocument(["Nothing about us without us."]);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await createThread(i % 2 ? "commenter" : "editor", doc, "without us", `Comment ${i}`));
    const anchors = await committedAnchors(doc);
    for (const id of ids) expect(anchors.get(id)?.text).toBe("without us");
    const res = await api("editor", "POST", `/api/threads/${ids[7]}/resolve`);
    expect(res.status).toBe(200);
    const all = await threads(doc);
    expect(all.filter((t) => t.status === "open")).toHaveLength(19);
    expect(all.every((t) => t.anchorState === "active")).toBe(true);
  });

  it("orphans the thread when its words are deleted, and undoing the deletion makes it active again", async () => {
    const doc = await newDocument(["Housing first, always and everywhere."]);
    const client = await editorClient(doc);
    const id = await createThread("commenter", doc, "always and everywhere");
    await waitFor(() => clientAnchors(client).has(id), "the mark reached the editor");
    const undo = new Y.UndoManager(client.doc.getXmlFragment(YJS_FIELD), { trackedOrigins: new Set(["local"]) });
    edit(client, (pm) => {
      const r = where(pm, "always and everywhere");
      return new Transform(pm).delete(r.from, r.to).doc;
    });
    await settled(client);
    expect((await threadOf(doc, id)).anchorState).toBe("orphaned");
    undo.undo();
    await settled(client);
    expect((await threadOf(doc, id)).anchorState).toBe("active");
  });

  it("shows a thread as edited when words inside it change", async () => {
    const doc = await newDocument(["Rights are universal."]);
    const client = await editorClient(doc);
    const id = await createThread("commenter", doc, "are universal");
    await waitFor(() => clientAnchors(client).has(id), "the mark reached the editor");
    edit(client, (pm) => {
      const r = where(pm, "universal");
      return new Transform(pm).replaceWith(r.from, r.from + 3, getEditorSchema().text("UNI", pm.resolve(r.from + 1).marks())).doc;
    });
    await settled(client);
    expect(await committedText(doc)).toBe("Rights are UNIversal.");
    expect((await threadOf(doc, id)).anchorState).toBe("edited");
  });
});

describe("an edit that takes a mark away while the words stay", () => {
  /** What a concurrent structural change can do: the words deleted and written again in place, without their mark. */
  function retypeWithoutMarks(client: TestClient, exact: string, elsewhere: { paragraph: number } | null = null): void {
    const fragment = client.doc.getXmlFragment(YJS_FIELD);
    client.doc.transact(() => {
      for (let p = 0; p < fragment.length; p++) {
        const text = (fragment.get(p) as Y.XmlElement).get(0) as Y.XmlText;
        const plain = text.toDelta().map((d: { insert: string }) => d.insert).join("");
        const at = plain.indexOf(exact);
        if (at < 0) continue;
        text.delete(at, exact.length);
        if (!elsewhere) text.insert(at, exact, {});
        else {
          const target = (fragment.get(elsewhere.paragraph) as Y.XmlElement).get(0) as Y.XmlText;
          target.insert(target.length, ` ${exact}`, {});
        }
        return;
      }
      throw new Error(`"${exact}" is not in the client's text`);
    }, "local");
  }

  const annotationRows = async (documentId: string) =>
    (await getSql()<{ n: number }[]>`select count(*)::int as n from document_updates where document_id = ${documentId} and kind = 'annotation'`)[0]!.n;

  it("marks the thread again where its words stand with their context, in one annotation row by its author, and tells every client", async () => {
    const doc = await newDocument(["Every patrol car carries naloxone and officers are trained to use it."]);
    const client = await editorClient(doc);
    const id = await createThread("commenter", doc, "carries naloxone");
    await waitFor(() => clientAnchors(client).has(id), "the mark reached the editor");
    const before = await annotationRows(doc);
    retypeWithoutMarks(client, "carries naloxone");
    await settled(client);
    expect(clientAnchors(client).has(id), "the edit took the mark away").toBe(false);
    await anchorChecksSettled();
    await waitFor(() => clientAnchors(client).get(id)?.text === "carries naloxone", "the mark came back to the editor");
    expect((await threadOf(doc, id)).anchorState).toBe("active");
    expect((await committedAnchors(doc)).get(id)?.text).toBe("carries naloxone");
    expect(await annotationRows(doc)).toBe(before + 1);
    const [row] = await getSql()<{ user_id: string }[]>`
      select user_id from document_updates where document_id = ${doc} and kind = 'annotation' order by seq desc limit 1`;
    expect(row!.user_id).toBe(people.commenter.id);
    await waitFor(() => client.events.some((e) => e.type === "thread-reattached" && e.threadId === id), "the event reached the editor");
    expect(await committedText(doc)).toBe("Every patrol car carries naloxone and officers are trained to use it.");
    await expectIntactChain(doc);
  });

  it("leaves a thread orphaned when its words were deleted or moved elsewhere, and writes nothing", async () => {
    const doc = await newDocument(["Harm reduction is public health.", "Training comes first."]);
    const client = await editorClient(doc);
    const moved = await createThread("commenter", doc, "public health");
    const deleted = await createThread("commenter", doc, "comes first");
    await waitFor(() => clientAnchors(client).has(moved) && clientAnchors(client).has(deleted), "the marks reached the editor");
    const before = await annotationRows(doc);
    retypeWithoutMarks(client, "public health", { paragraph: 1 });
    edit(client, (pm) => {
      const r = where(pm, " comes first");
      return new Transform(pm).delete(r.from, r.to).doc;
    });
    await settled(client);
    await anchorChecksSettled();
    expect((await threadOf(doc, moved)).anchorState).toBe("orphaned");
    expect((await threadOf(doc, deleted)).anchorState).toBe("orphaned");
    expect(await annotationRows(doc)).toBe(before);
  });

  it("does not mark a resolved thread again", async () => {
    const doc = await newDocument(["Decriminalise possession for personal use."]);
    const client = await editorClient(doc);
    const resolved = await createThread("commenter", doc, "possession for personal use");
    expect((await api("commenter", "POST", `/api/threads/${resolved}/resolve`)).status).toBe(200);
    await waitFor(() => clientAnchors(client).has(resolved), "the mark reached the editor");
    const before = await annotationRows(doc);
    retypeWithoutMarks(client, "possession for personal use");
    await settled(client);
    await anchorChecksSettled();
    expect(clientAnchors(client).has(resolved)).toBe(false);
    expect(await annotationRows(doc)).toBe(before);
  });
});

describe("a thread started while the text changes", () => {
  const anchorTexts = (anchors: Map<string, { text: string }>) => JSON.stringify([...anchors].map(([id, a]) => [id, a.text]).sort());

  it("goes in after an edit committed while it was being prepared, and records that log row as its anchor's", async () => {
    const doc = await newDocument(["Clause one stays.", "Clause two too."]);
    // Hold the commenter's account row: the thread's first insert (its author's foreign key) waits there, after the
    // document was read and the mark worked out.
    const held = await holdCommenterRow();
    const creating = api("commenter", "POST", `/api/documents/${doc}/threads`, { body: "Late?", quote: { exact: "Clause two" } });
    await untilStatementWaitsForLock("insert into comment_threads", "the thread's insert");
    // Meanwhile an editor's edit takes the log's next place.
    const [tail] = await getSql()<{ seq: number; hash: Buffer }[]>`select seq, hash from document_updates where document_id = ${doc} order by seq desc limit 1`;
    const typed = await appendAfterTail(doc, tail!, [{ update: paragraphUpdate("Typed meanwhile."), userId: people.editor.id }]);
    expect(typed.ok).toBe(true);
    await held.release();
    const res = await creating;
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const [row] = await getSql()<{ seq: number; kind: string; createdSeq: number }[]>`
      select u.seq, u.kind, t.created_seq as "createdSeq" from document_updates u join comment_threads t on t.id = ${id}
      where u.document_id = ${doc} order by u.seq desc limit 1`;
    expect(row).toEqual({ seq: tail!.seq + 2, kind: "annotation", createdSeq: tail!.seq + 2 });
    // Its event names that row too (rooms relay it once they hold the row).
    const events = await getSql()<{ logSeq: number }[]>`select log_seq as "logSeq" from thread_events where thread_id = ${id} and type = 'thread-created'`;
    expect(events).toEqual([{ logSeq: tail!.seq + 2 }]);
    expect(await expectIntactChain(doc)).toBe(tail!.seq + 2);
    // (The fresh client's paragraph goes before or after the others, as Yjs orders concurrent inserts.)
    expect((await committedText(doc)).split("\n").sort()).toEqual(["Clause one stays.", "Clause two too.", "Typed meanwhile."]);
    expect(await threadOf(doc, id)).toMatchObject({ anchorState: "active", quote: { exact: "Clause two" } });
  });

  it("while another client splits that paragraph, ends anchored or orphaned with its quote, and every client converges", async () => {
    for (const delayMs of [0, 3, 15]) {
      const doc = await newDocument(["Opening words.", "Drug checking services save lives every day."]);
      const writer = await editorClient(doc);
      const reader = await editorClient(doc, "viewer");
      const creating = api("commenter", "POST", `/api/documents/${doc}/threads`, { body: "Which services?", quote: { exact: "save lives every day" } });
      await new Promise((r) => setTimeout(r, delayMs));
      edit(writer, (pm) => new Transform(pm).split(where(pm, "save lives").from - 1).doc);
      const res = await creating;
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      await settled(writer);
      const thread = await threadOf(doc, id);
      expect(["active", "orphaned"]).toContain(thread.anchorState);
      expect(thread.quote.exact).toBe("save lives every day");
      const text = await committedText(doc);
      expect(text).toBe("Opening words.\nDrug checking services\n save lives every day.");
      const anchors = anchorTexts(await committedAnchors(doc));
      if (thread.anchorState === "active") expect(anchors).toBe(JSON.stringify([[id, "save lives every day"]]));
      for (const client of [writer, reader]) {
        await waitFor(() => clientText(client) === text && anchorTexts(clientAnchors(client)) === anchors, "the client converged");
      }
    }
  });
});

describe("threads started while an editor types", () => {
  /** Commits of the editors' edits the log refused (another writer had taken the place), as /metrics counts them. */
  async function refusedCommits(): Promise<number> {
    const { values } = await metrics().commitDuration.get();
    return values.find((v) => v.metricName === "accord_commit_duration_seconds_count" && v.labels.outcome === "refused")?.value ?? 0;
  }

  it("take the log's next place from the room: no edit's commit is refused, every edit and every mark reaches every client", async () => {
    const clauses = Array.from({ length: 20 }, (_, i) => `Clause ${i + 1} of the call.`);
    const doc = await newDocument(clauses);
    const writer = await editorClient(doc);
    const reader = await editorClient(doc, "viewer");
    const refusedBefore = await refusedCommits();
    let typed = 0;
    const typing = setInterval(() => typeParagraph(writer, `Typed line ${++typed}.`), 4);
    let ids: string[];
    try {
      // Twenty commenters' threads at once, while the writer's edits go out every few milliseconds.
      ids = await Promise.all(clauses.map((_, i) => createThread(i % 2 ? "commenter" : "commenter2", doc, `Clause ${i + 1} of`)));
    } finally {
      clearInterval(typing);
    }
    await settled(writer);
    expect(await refusedCommits()).toBe(refusedBefore);
    expect(typed).toBeGreaterThan(20);
    const text = await committedText(doc);
    for (let n = 1; n <= typed; n++) expect(text).toContain(`Typed line ${n}.`);
    const anchors = await committedAnchors(doc);
    expect([...anchors.keys()].sort()).toEqual([...ids].sort());
    expect(await expectIntactChain(doc)).toBeGreaterThan(typed);
    for (const client of [writer, reader]) {
      await waitFor(() => clientAnchors(client).size === ids.length, "the client holds every mark");
      await waitFor(() => new Set(client.events.filter((e) => e.type === "thread-created").map((e) => e.threadId)).size === ids.length, "the client heard of every thread");
      // Once each, in the order they were numbered (the room sends a thread it was handed, or one it read, never both).
      const created = client.events.filter((e) => e.type === "thread-created");
      expect(created).toHaveLength(ids.length);
      expect(client.events.map((e) => e.seq)).toEqual([...client.events.map((e) => e.seq)].sort((a, b) => a - b));
      expect(new Set(client.events.map((e) => e.seq)).size).toBe(client.events.length);
      for (const e of created) expect(e.thread).toMatchObject({ id: e.threadId, anchorState: "active", status: "open" });
    }
  });
});

describe("a thread whose held place another instance's writer took", () => {
  /** How many times server-side changes have held a room's log place in this process, as /metrics counts them. */
  const holdsSoFar = async () => (await metrics().logPlaceHold.get()).values.find((v) => v.metricName === "accord_log_place_hold_seconds_count")?.value ?? 0;

  it("goes in after that row, with its thread and event naming it, and reaches every client once", async () => {
    const doc = await newDocument(["Clause one stays.", "Clause two too."]);
    const writer = await editorClient(doc); // this instance's room holds the document: a thread takes its place
    await settled(writer);
    // A check of lost anchors that an earlier test's edits scheduled may still hold another room's place: not counted.
    await anchorChecksSettled();
    const holdsBefore = await holdsSoFar();
    // Hold the commenter's account row: the thread's first insert waits there, after the document was read.
    const held = await holdCommenterRow();
    const creating = api("commenter", "POST", `/api/documents/${doc}/threads`, { body: "Taken?", quote: { exact: "Clause two" } });
    await untilStatementWaitsForLock("insert into comment_threads", "the thread's insert");
    // Another instance's writer takes the log's next place; no NOTIFY, so the room here still holds the old tail and
    // hands it to the thread, whose row then finds that place taken and goes after it.
    const [tail] = await getSql()<{ seq: number; hash: Buffer }[]>`select seq, hash from document_updates where document_id = ${doc} order by seq desc limit 1`;
    expect((await appendAfterTail(doc, tail!, [{ update: paragraphUpdate("Typed on another instance."), userId: people.editor.id }])).ok).toBe(true);
    await held.release();
    const res = await creating;
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    // One thread, one event, one annotation row, after the other instance's.
    const threads = await getSql()<{ id: string; createdSeq: number }[]>`select id, created_seq as "createdSeq" from comment_threads where document_id = ${doc}`;
    expect(threads).toEqual([{ id, createdSeq: tail!.seq + 2 }]);
    const events = await getSql()<{ seq: number; logSeq: number }[]>`select seq, log_seq as "logSeq" from thread_events where document_id = ${doc}`;
    expect(events).toEqual([{ seq: 1, logSeq: tail!.seq + 2 }]);
    const kinds = await getSql()<{ seq: number; kind: string }[]>`select seq, kind from document_updates where document_id = ${doc} and seq > ${tail!.seq} order by seq`;
    expect(kinds).toEqual([
      { seq: tail!.seq + 1, kind: "edit" },
      { seq: tail!.seq + 2, kind: "annotation" },
    ]);
    expect(await expectIntactChain(doc)).toBe(tail!.seq + 2);
    expect(await threadOf(doc, id)).toMatchObject({ anchorState: "active", quote: { exact: "Clause two" } });
    // The thread held the room's place (once: its row went after the other instance's in the same transaction).
    const holdsAfter = await holdsSoFar();
    expect(holdsAfter - holdsBefore).toBe(1);
    // The writer gets the other instance's paragraph and the mark, and hears of the thread once.
    await waitFor(() => clientText(writer).includes("Typed on another instance.") && clientAnchors(writer).has(id), "the writer has the paragraph and the mark");
    await waitFor(() => writer.events.some((e) => e.type === "thread-created"), "the writer heard of the thread");
    expect(writer.events.filter((e) => e.type === "thread-created").map((e) => e.threadId)).toEqual([id]);
  });
});

describe("re-attaching an orphaned thread", () => {
  async function orphaned(): Promise<{ doc: string; id: string; client: TestClient & { events: ThreadEvent[] } }> {
    const doc = await newDocument(["Naloxone in every police car, and training for every officer."]);
    const client = await editorClient(doc);
    const id = await createThread("commenter", doc, "in every police car", "Is this affordable?");
    await waitFor(() => clientAnchors(client).has(id), "the mark reached the editor");
    edit(client, (pm) => {
      const r = where(pm, " in every police car");
      return new Transform(pm).delete(r.from, r.to).doc;
    });
    await settled(client);
    expect((await threadOf(doc, id)).anchorState).toBe("orphaned");
    return { doc, id, client };
  }

  it("anchors it to the new words in one annotation row, with its new quote, and tells every client", async () => {
    const { doc, id, client } = await orphaned();
    const [{ n: logBefore }] = await getSql()<{ n: number }[]>`select count(*)::int as n from document_updates where document_id = ${doc}`;
    const res = await api("editor", "POST", `/api/threads/${id}/reattach`, { quote: { exact: "training for every officer" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, quote: { exact: "training for every officer", prefix: "Naloxone, and " } });
    const log = await getSql()`select user_id, kind from document_updates where document_id = ${doc} order by seq`;
    expect(log).toHaveLength(logBefore + 1);
    expect(log[log.length - 1]).toMatchObject({ user_id: people.editor.id, kind: "annotation" });
    expect(await threadOf(doc, id)).toMatchObject({ anchorState: "active", quote: { exact: "training for every officer" }, comments: [{ body: "Is this affordable?" }] });
    await waitFor(() => clientAnchors(client).get(id)?.text === "training for every officer", "the mark reached the editor");
    await waitFor(() => client.events.some((e) => e.type === "thread-reattached" && e.threadId === id), "the event");
    expect(client.events.find((e) => e.type === "thread-reattached")!.thread).toMatchObject({ anchorState: "active" });
  });

  it("takes the editor's selection as encoded relative positions", async () => {
    const { doc, id, client } = await orphaned();
    const fragment = client.doc.getXmlFragment(YJS_FIELD);
    const { doc: pm, mapping } = initProseMirrorDoc(fragment, getEditorSchema());
    const { from, to } = where(pm, "every officer");
    const encode = (pos: number) => Buffer.from(Y.encodeRelativePosition(absolutePositionToRelativePosition(pos, fragment, mapping))).toString("base64");
    const res = await api("organiser", "POST", `/api/threads/${id}/reattach`, { range: { from: encode(from), to: encode(to) } });
    expect(res.status).toBe(200);
    expect((await committedAnchors(doc)).get(id)?.text).toBe("every officer");
  });

  it("re-attaches a pending proposal to new words, which it then proposes to replace: accepting replaces exactly those", async () => {
    const doc = await newDocument(["Officers refer people who use drugs to services, and they carry naloxone."]);
    const client = await editorClient(doc);
    const res = await api("commenter", "POST", `/api/documents/${doc}/proposals`, { quote: { exact: "refer people" }, proposed: "offer people referral", body: "Kinder." });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await waitFor(() => clientAnchors(client).has(id), "the mark reached the editor");
    edit(client, (pm) => {
      const r = where(pm, "refer people who use drugs to services, and ");
      return new Transform(pm).delete(r.from, r.to).doc;
    });
    await settled(client);
    expect((await threadOf(doc, id)).anchorState).toBe("orphaned");
    expect((await api("editor", "POST", `/api/threads/${id}/reattach`, { quote: { exact: "carry naloxone" } })).status).toBe(200);
    expect((await threadOf(doc, id)).proposal).toMatchObject({ original: "carry naloxone", proposed: "offer people referral", status: "pending" });
    expect((await api("organiser", "POST", `/api/proposals/${id}/accept`)).status).toBe(200);
    expect(await committedText(doc)).toBe("Officers they offer people referral.");
  });

  it("is for editors and organisers, for orphaned threads only, and refuses words not found once", async () => {
    const { doc, id } = await orphaned();
    expect((await api("commenter", "POST", `/api/threads/${id}/reattach`, { quote: { exact: "Naloxone" } })).status).toBe(403);
    expect((await api("viewer", "POST", `/api/threads/${id}/reattach`, { quote: { exact: "Naloxone" } })).status).toBe(403);
    expect((await api("outsider", "POST", `/api/threads/${id}/reattach`, { quote: { exact: "Naloxone" } })).status).toBe(404);
    expect((await api("editor", "POST", `/api/threads/${id}/reattach`, { quote: { exact: "a" } })).status).toBe(409);
    expect((await api("editor", "POST", `/api/threads/${id}/reattach`, { quote: { exact: "not in the text" } })).status).toBe(409);
    const bad = await api("editor", "POST", `/api/threads/${id}/reattach`, { quote: { exact: "" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: expect.any(String), fields: expect.any(Object) });
    expect((await api("editor", "POST", `/api/threads/${id}/reattach`, { quote: { exact: "Naloxone" } })).status).toBe(200);
    // Attached again: no longer orphaned, so not re-attached a second time.
    const again = await api("editor", "POST", `/api/threads/${id}/reattach`, { quote: { exact: "training" } });
    expect(again.status).toBe(409);
    expect((await committedAnchors(doc)).get(id)?.text).toBe("Naloxone");
  });
});

describe("proposals", () => {
  async function propose(doc: string, exact: string, proposed: string, who: Who = "commenter"): Promise<string> {
    const res = await api(who, "POST", `/api/documents/${doc}/proposals`, { quote: { exact }, proposed, body: "Clearer." });
    const answer = (await res.json()) as { id?: string; error?: string };
    expect(res.status, answer.error).toBe(201);
    return answer.id!;
  }

  it("accepting replaces exactly those words in the live document, records both people, and resolves the thread", async () => {
    const doc = await newDocument(["States should decriminalise possession.", "Other text stays."]);
    const client = await editorClient(doc);
    const id = await propose(doc, "should decriminalise", "must decriminalise");
    const pending = await threadOf(doc, id);
    expect(pending).toMatchObject({ kind: "proposal", proposal: { original: "should decriminalise", proposed: "must decriminalise", status: "pending" } });
    const res = await api("organiser", "POST", `/api/proposals/${id}/accept`);
    expect(res.status).toBe(200);
    expect(await committedText(doc)).toBe("States must decriminalise possession.\nOther text stays.");
    await waitFor(() => indexText(initProseMirrorDoc(client.doc.getXmlFragment(YJS_FIELD), getEditorSchema()).doc).text.startsWith("States must"), "the client has the new words");
    const decided = await threadOf(doc, id);
    expect(decided).toMatchObject({ status: "resolved", anchorState: "active", author: { name: "Cora Commenter" }, proposal: { status: "accepted", decidedBy: { name: "Olga Organiser" } } });
    const [row] = await getSql()`select user_id, kind from document_updates where document_id = ${doc} order by seq desc limit 1`;
    expect(row).toMatchObject({ user_id: people.organiser.id, kind: "edit" });
    await waitFor(() => client.events.some((e) => e.threadId === id && e.type === "proposal-decided"), "the decision event");
  });

  it("accepting after the words changed answers outdated with original, current and proposed, and changes nothing", async () => {
    const doc = await newDocument(["Harm reduction saves lives."]);
    const client = await editorClient(doc);
    const id = await propose(doc, "saves lives", "saves many lives");
    await waitFor(() => clientAnchors(client).has(id), "the mark reached the editor");
    edit(client, (pm) => {
      const r = where(pm, "lives");
      return new Transform(pm).insert(r.from, getEditorSchema().text("human ", pm.resolve(r.from + 1).marks())).doc;
    });
    await settled(client);
    const res = await api("editor", "POST", `/api/proposals/${id}/accept`);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: "outdated", original: "saves lives", current: "saves human lives", proposed: "saves many lives" });
    expect(await committedText(doc)).toBe("Harm reduction saves human lives.");
    expect((await threadOf(doc, id)).proposal!.status).toBe("pending");
  });

  it("accepting while an editor types inside the words answers a clean 409 outdated: every keystroke stays, once, and nothing else changes", async () => {
    const doc = await newDocument(["Outreach workers need stable funding."]);
    const client = await editorClient(doc);
    const id = await propose(doc, "stable funding", "long-term funding");
    await waitFor(() => clientAnchors(client).has(id), "the mark reached the editor");
    const typeInside = (letter: string) =>
      edit(client, (pm) => {
        const r = where(pm, "funding");
        return new Transform(pm).insert(r.from, getEditorSchema().text(letter, pm.resolve(r.from + 1).marks())).doc;
      });
    // One keystroke is committed first; the rest are typed while the organiser accepts.
    typeInside("a");
    await settled(client);
    const accepting = api("organiser", "POST", `/api/proposals/${id}/accept`);
    for (const letter of ["b", "c", "d", "e"]) {
      typeInside(letter);
      await new Promise((r) => setTimeout(r, 5));
    }
    const res = await accepting;
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: "outdated", original: "stable funding", proposed: "long-term funding" });
    await settled(client);
    expect(await committedText(doc)).toBe("Outreach workers need stable abcdefunding.");
    expect(indexText(initProseMirrorDoc(client.doc.getXmlFragment(YJS_FIELD), getEditorSchema()).doc).text).toBe("Outreach workers need stable abcdefunding.");
    expect((await threadOf(doc, id)).proposal!.status).toBe("pending");
    expect(await getSql()`select 1 from document_updates where document_id = ${doc} and user_id = ${people.organiser.id}`).toHaveLength(0);
  });

  it("accept ∥ reject and accept ∥ accept: exactly one decision wins and the text changes at most once", async () => {
    const doc = await newDocument(["Alpha beta gamma.", "Delta epsilon zeta."]);
    const first = await propose(doc, "beta", "BETA");
    const second = await propose(doc, "epsilon", "EPSILON");
    const [a, r] = await Promise.all([api("organiser", "POST", `/api/proposals/${first}/accept`), api("editor", "POST", `/api/proposals/${first}/reject`, { reason: "no" })]);
    expect([a.status, r.status].sort()).toEqual([200, 409]);
    const [x, y] = await Promise.all([api("organiser", "POST", `/api/proposals/${second}/accept`), api("editor", "POST", `/api/proposals/${second}/accept`)]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const text = await committedText(doc);
    expect(text.split("EPSILON")).toHaveLength(2);
    expect(text).toBe(a.status === 200 ? "Alpha BETA gamma.\nDelta EPSILON zeta." : "Alpha beta gamma.\nDelta EPSILON zeta.");
  });

  it("rejecting records the reason and who decided, and leaves the text", async () => {
    const doc = await newDocument(["Keep this sentence."]);
    const id = await propose(doc, "this sentence", "");
    const res = await api("editor", "POST", `/api/proposals/${id}/reject`, { reason: "We need it." });
    expect(res.status).toBe(200);
    expect(await threadOf(doc, id)).toMatchObject({ status: "resolved", proposal: { status: "rejected", reason: "We need it.", decidedBy: { name: "Edna Editor" } } });
    expect(await committedText(doc)).toBe("Keep this sentence.");
  });
});

describe("a thread's change that hangs while it holds the log's place", () => {
  it("holds the editors no longer than the room allows: their edits are saved meanwhile, and the thread's row still arrives once it commits", async () => {
    const own = await startTestServer({ accessCheckMs: 300, unloadAfterMs: 200, limits: { ...DEFAULT_COLLAB_OPTIONS.limits, reservationMaxMs: 500 } });
    let holder: Promise<unknown> | null = null;
    let release!: () => void;
    try {
      const doc = await newDocument(["Opening words.", "The words in question."]);
      const writer = await editorClient(doc, "editor", own.url);
      typeParagraph(writer, "Before the thread.");
      await settled(writer);
      // Thread events wait behind this lock: the thread's last round trip (event, anchor row) hangs, place held.
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      holder = getSql().begin(async (tx) => {
        await tx`lock table thread_events in share mode`;
        locked();
        await released;
      });
      await isLocked;
      const creating = fetch(own.url + `/api/documents/${doc}/threads`, {
        method: "POST",
        headers: { origin: own.url, "content-type": "application/json", cookie: people.commenter.cookie },
        body: JSON.stringify({ body: "Stuck?", quote: { exact: "words in question" } }),
      });
      await waitFor(async () => {
        const [{ n }] = await getSql()<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and query like '%insert into thread_events%'`;
        return n > 0;
      }, "the thread's event waited for the lock");
      typeParagraph(writer, "Typed while the thread hangs.");
      await waitFor(() => writer.isSaved(), "the edit was saved while the thread's change still hung", 5000);
      expect(await committedText(doc)).toContain("Typed while the thread hangs.");
      release();
      await holder;
      const res = await creating;
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      expect(await threadOf(doc, id)).toMatchObject({ anchorState: "active" });
      await waitFor(() => clientAnchors(writer).has(id), "the writer received the thread's mark");
      await expectIntactChain(doc);
    } finally {
      release?.();
      await holder?.catch(() => {});
      await own.close();
    }
  });
});

describe("answers on the wire", () => {
  it("say their length (one write, not a chunked body): a new thread's 201, a list's 200 and a refusal's 400", async () => {
    const doc = await newDocument(["Words to answer about."]);
    const created = await api("commenter", "POST", `/api/documents/${doc}/threads`, { body: "Length?", quote: { exact: "Words to answer" } });
    const listed = await api("viewer", "GET", `/api/documents/${doc}/threads`);
    const refused = await api("commenter", "POST", `/api/documents/${doc}/threads`, "{not json");
    for (const [res, status] of [[created, 201], [listed, 200], [refused, 400]] as const) {
      expect(res.status).toBe(status);
      const body = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get("content-length")).toBe(String(body.length));
      expect(res.headers.get("transfer-encoding")).toBeNull();
      expect(() => JSON.parse(body.toString("utf8"))).not.toThrow();
    }
  });
});

describe("who may do what", () => {
  let doc: string;
  let thread: string;
  let comment: string;
  beforeAll(async () => {
    doc = await newDocument(["Roles decide who may speak."]);
    thread = await createThread("commenter", doc, "who may speak", "First.");
    comment = (await threadOf(doc, thread)).comments[0]!.id;
  });

  it("a viewer reads but cannot start, reply or propose (403)", async () => {
    expect((await threads(doc, "viewer")).length).toBe(1);
    const refused = await api("viewer", "POST", `/api/documents/${doc}/threads`, { body: "x", quote: { exact: "Roles" } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "Viewers can read the discussion but not start threads.", code: "viewerCannotStart" });
    expect((await api("viewer", "POST", `/api/documents/${doc}/proposals`, { quote: { exact: "Roles" }, proposed: "x" })).status).toBe(403);
    expect((await api("viewer", "POST", `/api/threads/${thread}/comments`, { body: "x" })).status).toBe(403);
    expect((await api("viewer", "POST", `/api/threads/${thread}/resolve`)).status).toBe(403);
  });

  it("a stranger gets 404 for everything, as for a thread that does not exist", async () => {
    expect((await api("outsider", "GET", `/api/documents/${doc}/threads`)).status).toBe(404);
    expect((await api("outsider", "POST", `/api/threads/${thread}/comments`, { body: "x" })).status).toBe(404);
    expect((await api("outsider", "PATCH", `/api/comments/${comment}`, { body: "x" })).status).toBe(404);
    expect((await api("outsider", "POST", `/api/threads/${thread}/resolve`)).status).toBe(404);
    expect((await api("outsider", "POST", `/api/proposals/${thread}/accept`)).status).toBe(404);
    expect((await api(null, "GET", `/api/documents/${doc}/threads`)).status).toBe(401);
  });

  it("a commenter cannot resolve another's thread, edit another's comment or decide proposals; its author and editors can", async () => {
    expect((await api("commenter2", "POST", `/api/threads/${thread}/resolve`)).status).toBe(403);
    expect((await api("commenter2", "PATCH", `/api/comments/${comment}`, { body: "Hijacked" })).status).toBe(403);
    expect((await api("commenter2", "DELETE", `/api/comments/${comment}`)).status).toBe(403);
    const proposal = await api("commenter2", "POST", `/api/documents/${doc}/proposals`, { quote: { exact: "Roles decide" }, proposed: "Roles settle" });
    const { id } = (await proposal.json()) as { id: string };
    expect((await api("commenter2", "POST", `/api/proposals/${id}/accept`)).status).toBe(403);
    expect((await api("commenter", "POST", `/api/proposals/${id}/reject`, {})).status).toBe(403);

    const edited = await api("commenter", "PATCH", `/api/comments/${comment}`, { body: "First, edited." });
    expect(edited.status).toBe(200);
    expect((await threadOf(doc, thread)).comments[0]).toMatchObject({ body: "First, edited." });
    expect((await threadOf(doc, thread)).comments[0]!.editedAt).not.toBeNull();
    expect((await api("commenter", "POST", `/api/threads/${thread}/resolve`)).status).toBe(200);
    expect((await api("editor", "POST", `/api/threads/${thread}/reopen`)).status).toBe(200);
    const reply = await api("commenter2", "POST", `/api/threads/${thread}/comments`, { body: "A reply." });
    expect(reply.status).toBe(201);
    const { id: replyId } = (await reply.json()) as { id: string };
    expect((await api("editor", "DELETE", `/api/comments/${replyId}`)).status).toBe(204);
    expect((await threadOf(doc, thread)).comments.map((c) => c.body)).toEqual(["First, edited."]);
    expect(await getSql()`select 1 from thread_comments where id = ${replyId}`).toHaveLength(0);
  });

  it("a commenter's raw Yjs update is still refused on the socket", async () => {
    const client = await editorClient(doc, "commenter");
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText("Commenters cannot write.")]);
    client.doc.getXmlFragment(YJS_FIELD).push([p]);
    await waitFor(() => client.denied.length > 0 || client.closes.length > 0, "the refusal");
    expect(await committedText(doc)).not.toContain("Commenters cannot write");
  });

  it("a token needs the write scope to start a thread, and the read scope to list", async () => {
    const { token: reader } = await createAccessToken(people.commenter.id, { name: "reader", scopes: ["read"], lifetimeDays: 7 });
    const { token: writer } = await createAccessToken(people.commenter.id, { name: "writer", scopes: ["write"], lifetimeDays: 7 });
    const list = await fetch(`${server.url}/api/documents/${doc}/threads`, { headers: { authorization: `Bearer ${reader}` } });
    expect(list.status).toBe(200);
    const post = (token: string) =>
      fetch(`${server.url}/api/documents/${doc}/threads`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ body: "By token.", quote: { exact: "decide" } }),
      });
    expect((await post(reader)).status).toBe(403);
    expect((await post(writer)).status).toBe(201);
  });
});

describe("named versions and restoring", () => {
  it("a version shows, read-only, the threads that existed when it was saved, as they were then", async () => {
    const doc = await newDocument(["Alpha clause one. Beta clause two."]);
    const before = await createThread("commenter", doc, "clause one", "Said before the version.");
    const document = (await findDocumentForUser(doc, people.editor.id))!;
    const version = await saveVersion({ document, userId: people.editor.id, name: "First reading" });
    await api("editor", "POST", `/api/threads/${before}/comments`, { body: "A reply after the version." });
    await api("editor", "POST", `/api/threads/${before}/resolve`);
    await createThread("commenter", doc, "clause two", "Started after the version.");

    const res = await api("viewer", "GET", `/documents/${doc}/versions/${version.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const section = html.slice(html.indexOf("Discussion at this version"), html.indexOf("</main>"));
    expect(section).toContain("1 thread when it was saved, 1 of them open");
    expect(section).toContain("Said before the version.");
    expect(section).toContain("clause one");
    expect(section).not.toContain("A reply after the version.");
    expect(section).not.toContain("Started after the version.");
    expect(section).not.toMatch(/<button|<textarea|<form/);

    // The same discussion in French (issue 14): the summary, the thread's heading, the date.
    const french = await (await api("viewer", "GET", `/documents/${doc}/versions/${version.id}`, undefined, { "accept-language": "fr" })).text();
    const frSection = french.slice(french.indexOf("La discussion à cette version"), french.indexOf("</main>"));
    expect(frSection).toContain("Discussions au moment de l’enregistrement : 1 (ouvertes : 1).");
    expect(frSection).toContain(`Commentaire de ${people.commenter.name}`);
    expect(frSection).toContain("Said before the version.");
    expect(frSection).not.toContain("when it was saved");
    expect(frSection).not.toContain("Comment by");

    // The history lists each version with the discussion it shows.
    const history = await (await api("viewer", "GET", `/documents/${doc}/history`)).text();
    expect(history).toContain(`href="/documents/${doc}/versions/${version.id}#version-threads-title">1 thread, 1 open`);
  });

  it("restoring keeps live threads attached where their words are, strips deleted threads' marks and orphans the rest", async () => {
    const doc = await newDocument(["Alpha clause one.", "Beta clause two."]);
    const client = await editorClient(doc);
    const kept = await createThread("commenter", doc, "clause one", "In the version.");
    const deleted = await createThread("commenter", doc, "Beta", "Deleted later.");
    const document = (await findDocumentForUser(doc, people.editor.id))!;
    const version = await saveVersion({ document, userId: people.editor.id, name: "Before the rewrite" });
    expect((await api("editor", "DELETE", `/api/threads/${deleted}`)).status).toBe(204);
    await waitFor(() => clientAnchors(client).has(kept) && !clientAnchors(client).has(deleted), "the marks reached the editor");
    edit(client, (pm) => {
      const r = where(pm, "Beta clause two.");
      return new Transform(pm).replaceWith(r.from, r.to, getEditorSchema().text("Gamma clause three.")).doc;
    });
    await settled(client);
    const later = await createThread("commenter", doc, "Gamma clause three", "Words the version lacks.");
    const laterInVersion = await createThread("commenter", doc, "Alpha", "Words the version has too.");

    const restored = await restoreVersion({ document, userId: people.editor.id, versionId: version.id });
    expect(restored.changed).toBe(true);
    expect(await committedText(doc)).toBe("Alpha clause one.\nBeta clause two.");
    const anchors = await committedAnchors(doc);
    expect(anchors.get(kept)?.text).toBe("clause one");
    expect(anchors.get(laterInVersion)?.text).toBe("Alpha");
    expect(anchors.has(later)).toBe(false);
    expect(anchors.has(deleted)).toBe(false);
    const states = Object.fromEntries((await threads(doc)).map((t) => [t.id, t.anchorState]));
    expect(states).toEqual({ [kept]: "active", [laterInVersion]: "active", [later]: "orphaned" });
    expect((await threadOf(doc, later)).quote.exact).toBe("Gamma clause three");
    await waitFor(() => clientAnchors(client).get(laterInVersion)?.text === "Alpha" && !clientAnchors(client).has(later), "the editor converged");
  });
});

describe("deleting a whole thread", () => {
  it("erases the thread and its comments, takes only its mark off the words in one annotation row, and tells every client", async () => {
    const doc = await newDocument(["Treatment on demand, free of charge."]);
    const client = await editorClient(doc, "viewer");
    const gone = await createThread("commenter", doc, "free of charge", "Who pays?");
    const stays = await createThread("commenter2", doc, "free of charge", "Agreed.");
    expect((await api("commenter2", "POST", `/api/threads/${gone}/comments`, { body: "A reply." })).status).toBe(201);
    await waitFor(() => clientAnchors(client).has(gone) && clientAnchors(client).has(stays), "both marks reached the client");
    const [{ n: logBefore }] = await getSql()<{ n: number }[]>`select count(*)::int as n from document_updates where document_id = ${doc}`;

    const res = await api("editor", "DELETE", `/api/threads/${gone}`);
    expect(res.status).toBe(204);
    expect(await getSql()`select 1 from comment_threads where id = ${gone}`).toHaveLength(0);
    expect(await getSql()`select 1 from thread_comments where thread_id = ${gone}`).toHaveLength(0);
    const log = await getSql()`select user_id, kind from document_updates where document_id = ${doc} order by seq`;
    expect(log).toHaveLength(logBefore + 1);
    expect(log[log.length - 1]).toMatchObject({ user_id: people.editor.id, kind: "annotation" });
    expect(await committedText(doc)).toBe("Treatment on demand, free of charge.");
    const anchors = await committedAnchors(doc);
    expect([...anchors.keys()]).toEqual([stays]);
    expect((await threads(doc)).map((t) => t.id)).toEqual([stays]);

    await waitFor(() => client.events.some((e) => e.type === "thread-deleted" && e.threadId === gone), "the deletion event");
    expect(client.events.find((e) => e.type === "thread-deleted")!.thread).toBeNull();
    await waitFor(() => !clientAnchors(client).has(gone), "the mark left the client's text");
    expect(clientAnchors(client).get(stays)?.text).toBe("free of charge");
    expect((await api("editor", "DELETE", `/api/threads/${gone}`)).status).toBe(404);
  });

  it("is for editors and organisers only: the thread's own commenter and viewers get 403, strangers 404", async () => {
    const doc = await newDocument(["Harm reduction saves lives."]);
    const id = await createThread("commenter", doc, "saves lives");
    expect((await api("commenter", "DELETE", `/api/threads/${id}`)).status).toBe(403);
    expect((await api("viewer", "DELETE", `/api/threads/${id}`)).status).toBe(403);
    expect((await api("outsider", "DELETE", `/api/threads/${id}`)).status).toBe(404);
    expect((await api(null, "DELETE", `/api/threads/${id}`)).status).toBe(401);
    expect((await api("organiser", "DELETE", `/api/threads/${id}`, undefined, { origin: "https://evil.example" })).status).toBe(403);
    expect((await api("editor", "GET", `/api/threads/${id}`)).status).toBe(405);
    expect(await getSql()`select 1 from comment_threads where id = ${id}`).toHaveLength(1);
    expect((await api("organiser", "DELETE", `/api/threads/${id}`)).status).toBe(204);
  });

  it("two deletions at once: one answers 204, the other 404, and one event is recorded", async () => {
    const doc = await newDocument(["Peer workers belong in every team."]);
    const id = await createThread("commenter", doc, "every team");
    const statuses = (await Promise.all([api("editor", "DELETE", `/api/threads/${id}`), api("organiser", "DELETE", `/api/threads/${id}`)])).map((r) => r.status);
    expect(statuses.sort()).toEqual([204, 404]);
    expect(await getSql()`select 1 from thread_events where thread_id = ${id} and type = 'thread-deleted'`).toHaveLength(1);
    expect((await committedAnchors(doc)).size).toBe(0);
  });
});

describe("hostile input", () => {
  let doc: string;
  beforeAll(async () => {
    doc = await newDocument(["Short text for hostile tests."]);
  });

  it("answers 400 {error, fields} to garbage, wrong shapes and over-long bodies, and stores nothing", async () => {
    const path = `/api/documents/${doc}/threads`;
    const cases: [unknown, number][] = [
      ["{not json", 400],
      ["[]", 400],
      ["null", 400],
      [{ body: "x" }, 400],
      [{ body: "x", quote: { exact: "" } }, 400],
      [{ body: "", quote: { exact: "Short" } }, 400],
      [{ body: "x", quote: { exact: "Short" }, range: { from: "AA==", to: "AA==" } }, 400],
      [{ body: 42, quote: { exact: "Short" } }, 400],
      [{ body: "x", quote: { exact: "Short".repeat(300) } }, 400],
      [{ body: "x".repeat(10_001), quote: { exact: "Short" } }, 400],
      [{ body: "bell\u0007", quote: { exact: "Short" } }, 400],
      [{ body: "x", range: { from: "!!!", to: "???" } }, 400],
      [{ body: "x", range: { from: "AAAA", to: "AAAA" } }, 409],
    ];
    for (const [body, status] of cases) {
      const res = await api("editor", "POST", path, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      const answer = (await res.json()) as { error: string; fields?: Record<string, string> };
      expect(typeof answer.error).toBe("string");
      if (status === 400 && typeof body === "object" && body !== null && !Array.isArray(body)) expect(answer.fields).toBeDefined();
    }
    const notJson = await api("editor", "POST", path, "body=x", { "content-type": "application/x-www-form-urlencoded" });
    expect(notJson.status).toBe(400);
    const huge = await api("editor", "POST", path, JSON.stringify({ body: "x".repeat(200_000), quote: { exact: "Short" } }));
    expect(huge.status).toBe(413);
    const proposal = await api("editor", "POST", `/api/documents/${doc}/proposals`, { quote: { exact: "Short" }, proposed: "x".repeat(20_001) });
    expect(proposal.status).toBe(400);
    const lines = await api("editor", "POST", `/api/documents/${doc}/proposals`, { quote: { exact: "Short" }, proposed: "two\nlines" });
    expect(lines.status).toBe(400);
    expect(await getSql()`select 1 from comment_threads where document_id = ${doc}`).toHaveLength(0);
  });

  it("treats ids of another workshop's threads, and ids that are not ids, as not found", async () => {
    const foreign = await createThread("outsider", otherWorkshopDocument, "Another workshop's");
    const foreignComment = (await (await api("outsider", "GET", `/api/documents/${otherWorkshopDocument}/threads`)).json()) as Thread[];
    for (const [method, path, body] of [
      ["POST", `/api/threads/${foreign}/comments`, { body: "x" }],
      ["POST", `/api/threads/${foreign}/resolve`, undefined],
      ["POST", `/api/proposals/${foreign}/accept`, undefined],
      ["PATCH", `/api/comments/${foreignComment[0]!.comments[0]!.id}`, { body: "x" }],
      ["DELETE", `/api/comments/${foreignComment[0]!.comments[0]!.id}`, undefined],
      ["POST", `/api/threads/not-a-uuid/comments`, { body: "x" }],
      ["POST", `/api/proposals/'; drop table comment_threads; --/accept`, undefined],
      ["GET", `/api/documents/${otherWorkshopDocument}/threads`, undefined],
    ] as [string, string, unknown][]) {
      const res = await api("organiser", method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });

  it("refuses a state-changing call from another origin", async () => {
    const res = await api("editor", "POST", `/api/documents/${doc}/threads`, { body: "x", quote: { exact: "Short" } }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
  });
});

describe("publishing and public pages", () => {
  it("never shows a thread id on the public page of a version published with threads on its text", async () => {
    const doc = await newDocument(["Published words with a thread on them."]);
    const id = await createThread("commenter", doc, "a thread on them");
    const version = await api("organiser", "POST", `/api/documents/${doc}/versions`, { name: "With threads" });
    expect(version.status).toBe(201);
    const { id: versionId } = (await version.json()) as { id: string };
    // The publish page counts what is still under discussion on that version (a thread started later does not count).
    const proposal = await api("commenter", "POST", `/api/documents/${doc}/proposals`, { quote: { exact: "Published words" }, proposed: "Sealed words" });
    expect(proposal.status).toBe(201);
    const page = await (await api("organiser", "GET", `/documents/${doc}/publish?version=${versionId}`)).text();
    expect(page).toContain("Still under discussion on this version: 1 open thread.");
    const laterVersion = (await (await api("organiser", "POST", `/api/documents/${doc}/versions`, { name: "Later" })).json()) as { id: string };
    const laterPage = await (await api("organiser", "GET", `/documents/${doc}/publish?version=${laterVersion.id}`)).text();
    expect(laterPage).toContain("Still under discussion on this version: 2 open threads and 1 pending proposal.");
    // In the organiser's language, plurals included (issue 14).
    const french = await (await api("organiser", "GET", `/documents/${doc}/publish?version=${laterVersion.id}`, undefined, { "accept-language": "fr" })).text();
    expect(french).toContain("Encore en discussion sur cette version : 2 discussions ouvertes et 1 proposition en attente.");
    const swedish = await (await api("organiser", "GET", `/documents/${doc}/publish?version=${versionId}`, undefined, { "accept-language": "sv" })).text();
    expect(swedish).toContain("Diskuteras fortfarande i den här versionen: 1 öppen tråd.");
    const published = await api("organiser", "POST", `/api/documents/${doc}/publish`, { versionId });
    expect(published.status).toBe(201);
    const { slug, hash } = (await published.json()) as { slug: string; hash: string };
    // The same text without threads has the same hash.
    const bare = await newDocument(["Published words with a thread on them."]);
    const bareVersion = (await (await api("organiser", "POST", `/api/documents/${bare}/versions`, { name: "Bare" })).json()) as { id: string };
    const barePublished = (await (await api("organiser", "POST", `/api/documents/${bare}/publish`, { versionId: bareVersion.id })).json()) as { hash: string };
    expect(hash).toBe(barePublished.hash);
    for (const path of [`/d/${slug}`, `/d/${slug}/v/1`, `/d/${slug}/v/1/text`, `/api/declarations/${slug}`]) {
      const res = await fetch(server.url + path);
      expect(res.status, path).toBe(200);
      const body = await res.text();
      expect(body, path).not.toContain(id);
      expect(body, path).not.toContain("data-thread-id");
    }
  });
});
