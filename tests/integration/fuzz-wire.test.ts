/**
 * Fuzzing over the wire, against a real server and PostgreSQL: hostile and mutated y-websocket messages from an
 * editor's socket (reconnecting whenever the server closes it), then hostile JSON bodies and forms to every endpoint
 * that takes one. The server never crashes or answers 500, the stored document stays valid with its hash chain
 * intact, and a fresh editor still types and is told "saved". Runs: ACCORD_FUZZ_WIRE_RUNS (default 400 each);
 * in-process fuzzing of the same decoders with 10,000 cases: tests/unit/fuzz-collab-decoding.test.ts.
 */
import fc from "fast-check";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { seed } from "../../app/models/seed.server";
import { loadDocument } from "../../app/models/document-content.server";
import { validateYDocAgainstSchema } from "../../app/editor/document-tools.server";
import { addMember, createUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { connectClient, sessionCookie, typeParagraph, waitFor } from "../support/collab-client";
import { expectIntactChain } from "../support/document-log";
import { collabMessages, fuzzParameters, fuzzTimeout, WIRE_RUNS } from "../support/fuzz-inputs";

let server: TestServer;
let documentId: string;
let workshopSlug: string;
let organiserCookie: string;

beforeAll(async () => {
  server = await startTestServer();
  await seed();
  const [doc] = await getSql()<{ id: string; workshop_id: string; slug: string }[]>`
    select d.id, d.workshop_id, w.slug from documents d join workshops w on w.id = d.workshop_id where d.slug = 'call-for-harm-reduction-policing'`;
  documentId = doc!.id;
  workshopSlug = doc!.slug;
  const organiser = await createUser({ name: "Fuzz Organiser" });
  await addMember(doc!.workshop_id, organiser.id, "organizer");
  organiserCookie = await sessionCookie(organiser.id);
});

afterAll(async () => {
  await server?.close();
});

function openSocket(cookie: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${documentId}`, { headers: { cookie, origin: server.url } });
    ws.on("open", () => resolve(ws));
    ws.on("error", reject);
  });
}

describe("fuzzing the collaboration socket", () => {
  it("survives hostile messages from an editor: no crash, a valid document, an intact log, and editing goes on", async () => {
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let ws = await openSocket(organiserCookie);
    let reconnects = 0;
    await fc.assert(
      fc.asyncProperty(collabMessages(), async (message) => {
        if (ws.readyState !== WebSocket.OPEN) {
          ws.terminate();
          ws = await openSocket(organiserCookie);
          reconnects += 1;
        }
        ws.send(message);
        await new Promise((r) => setTimeout(r, 2));
      }),
      fuzzParameters(WIRE_RUNS),
    );
    ws.close();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const { doc } = await loadDocument(documentId);
    expect(validateYDocAgainstSchema(doc)).toEqual({ ok: true });
    doc.destroy();
    await expectIntactChain(documentId);
    const editor = connectClient(server.url, documentId, organiserCookie);
    await waitFor(() => editor.provider.synced, "a fresh editor syncs");
    typeParagraph(editor, "Typed after the fuzzing.");
    await waitFor(() => editor.isSaved(), "saved");
    editor.destroy();
    expect(reconnects, "the server closed hostile connections").toBeGreaterThan(0);
    global.gc?.();
    expect(process.memoryUsage().heapUsed - heapBefore, "the heap stays bounded (the server runs in this process)").toBeLessThan(150 * 1024 * 1024);
  }, fuzzTimeout(WIRE_RUNS, 30));
});

/** Hostile JSON: any JSON value, deep nesting, huge numbers and strings, control characters, prototype keys. */
const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom("versionId", "slug", "hash", "name", "kind", "country", "publicFields", "__proto__", "constructor", "consent"), fc.jsonValue({ maxDepth: 2 })),
  fc.string({ unit: "binary", maxLength: 200 }).map((s) => ({ name: s, versionId: s, kind: "individual", country: s })),
  fc.constant({ name: "x".repeat(20_000) }),
);

const hostileText = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.constantFrom("", "\u0000", "%00", "../../etc/passwd", "<script>alert(1)</script>", "a".repeat(5000), "\uD800", "' or 1=1--"));

describe("fuzzing bodies and forms", () => {
  it("answers every hostile JSON body and form with a clear refusal or success, never a 500", async () => {
    const jsonEndpoints = [`/api/documents/${documentId}/versions`, `/api/documents/${documentId}/publish`, "/api/declarations/no-such-declaration/endorsements"];
    const formEndpoints = ["/login", "/signup", "/forgot-password", `/documents/${documentId}`, `/documents/${documentId}/publish`, `/documents/${documentId}/history`, "/verify", "/account", `/workshops/${workshopSlug}/members`];
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ kind: fc.constant("json" as const), path: fc.constantFrom(...jsonEndpoints), body: hostileJson }),
          fc.record({ kind: fc.constant("raw" as const), path: fc.constantFrom(...jsonEndpoints), body: hostileText }),
          fc.record({ kind: fc.constant("form" as const), path: fc.constantFrom(...formEndpoints), body: fc.dictionary(fc.constantFrom("intent", "name", "email", "password", "versionId", "hash", "confirm", "slug", "text", "role", "userId", "token", "redirectTo"), hostileText) }),
        ),
        async (c) => {
          const headers: Record<string, string> = { origin: server.url, cookie: organiserCookie };
          let body: string;
          if (c.kind === "form") {
            headers["content-type"] = "application/x-www-form-urlencoded";
            body = new URLSearchParams(c.body as Record<string, string>).toString();
          } else {
            headers["content-type"] = "application/json";
            body = c.kind === "json" ? JSON.stringify(c.body) : String(c.body);
          }
          const res = await fetch(server.url + c.path, { method: "POST", headers, body, redirect: "manual" });
          await res.arrayBuffer();
          if (res.status >= 500) failures.push(`${res.status} ${c.path} ${body.slice(0, 200)}`);
        },
      ),
      fuzzParameters(WIRE_RUNS),
    );
    expect(failures).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, fuzzTimeout(WIRE_RUNS, 60));
});
