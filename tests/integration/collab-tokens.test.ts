/**
 * Personal access tokens on the collaboration socket, over real websockets: the scope decides between reading along
 * and editing, and a token that is revoked, expires or dies with a password change closes its open sockets at the
 * server's next access re-check (every 2 s).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { getSql } from "../../db/client";
import { createAccessToken } from "../../app/auth/access-tokens.server";
import { CloseCode } from "../../app/collab/protocol";
import { loadDocument } from "../../app/models/document-content.server";
import type { Scope } from "../../app/auth/token-scopes";
import { addMember, createUser, createWorkshop, TEST_PASSWORD } from "../support/factories";
import { connectClient, typeParagraph, waitFor, type TestClient } from "../support/collab-client";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

let server: TestServer;
let documentId: string;
let workshopId: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const workshop = await createWorkshop();
  workshopId = workshop.id;
  const [doc] = await getSql()<{ id: string }[]>`
    insert into documents (workshop_id, slug, title, kind) values (${workshop.id}, 'draft', 'Draft', 'statement') returning id`;
  documentId = doc!.id;
});

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

afterAll(async () => {
  await server?.close();
});

async function editor(name: string) {
  const user = await createUser({ name });
  await addMember(workshopId, user.id, "editor");
  return user;
}

function viaToken(token: string): TestClient {
  const c = connectClient(server.url, documentId, "", server.url, { authorization: `Bearer ${token}` });
  clients.push(c);
  return c;
}

const tokenFor = async (userId: string, scopes: Scope[]) => (await createAccessToken(userId, { name: "script", scopes, lifetimeDays: 7 })).token;

async function storedText(): Promise<string> {
  const { doc } = await loadDocument(documentId);
  return doc.getXmlFragment("default").toString();
}

function upgradeStatus(token: string): Promise<number | "open"> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${documentId}`, { headers: { origin: server.url, authorization: `Bearer ${token}` } });
    ws.on("open", () => {
      ws.close();
      resolve("open");
    });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", () => {});
  });
}

const closedAsSignedOut = (c: TestClient) => c.closes.some((x) => x.code === CloseCode.Unauthenticated);

describe("the collaboration socket and access tokens", () => {
  it("gives a token without the write scope a read-only socket, like a viewer's, and one with it an editor's", async () => {
    const user = await editor("Script Editor");
    const reader = viaToken(await tokenFor(user.id, ["read"]));
    await waitFor(() => reader.provider.synced, "reader sync");
    typeParagraph(reader, "written by a read-only token");
    await waitFor(() => reader.denied.length > 0, "permission denied");
    expect(reader.denied[0]).toBe("You can read this document but not change it.");

    const writer = viaToken(await tokenFor(user.id, ["read", "write"]));
    await waitFor(() => writer.provider.synced, "writer sync");
    typeParagraph(writer, "written by a write token");
    await waitFor(() => writer.isSaved(), "saved");
    const text = await storedText();
    expect(text).toContain("written by a write token");
    expect(text).not.toContain("written by a read-only token");
    // The reader follows the edits live.
    await waitFor(() => reader.text().includes("written by a write token"), "relayed to the reader");
  });

  it("opens no socket for a token with neither read nor write", async () => {
    const user = await editor("Endorsing Script");
    expect(await upgradeStatus(await tokenFor(user.id, ["endorse", "admin"]))).toBe(403);
    expect(await upgradeStatus(await tokenFor(user.id, ["write"]))).toBe("open");
  });

  it("closes a token's socket within seconds of its revocation on the Account page", async () => {
    const user = await editor("Revoker");
    const browser = new Browserish(server.url);
    expect((await browser.post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
    const created = await browser.post("/account", { intent: "create-token", tokenName: "live", scopes: "read", lifetimeDays: "7" });
    const token = /accord_pat_[a-z2-9]{24}\.[a-z2-9]{24}/.exec(await created.text())![0];
    const c = viaToken(token);
    await waitFor(() => c.provider.synced, "sync");
    const tokenId = token.slice("accord_pat_".length).split(".")[0]!;
    expect((await browser.post("/account", { intent: "revoke-token", tokenId })).status).toBe(302);
    await waitFor(() => closedAsSignedOut(c), "closed after revocation", 5000);
  });

  it("closes a token's socket within seconds of its expiry", async () => {
    const user = await editor("Expiring");
    const token = await tokenFor(user.id, ["read"]);
    const c = viaToken(token);
    await waitFor(() => c.provider.synced, "sync");
    const tokenId = token.slice("accord_pat_".length).split(".")[0]!;
    await getSql()`update personal_access_tokens set expires_at = now() where id = ${tokenId}`;
    await waitFor(() => closedAsSignedOut(c), "closed after expiry", 5000);
    expect(await upgradeStatus(token)).toBe(401);
  });

  it("closes a token's socket within seconds of a password change", async () => {
    const user = await editor("Changer");
    const c = viaToken(await tokenFor(user.id, ["read", "write"]));
    await waitFor(() => c.provider.synced, "sync");
    const browser = new Browserish(server.url);
    await browser.post("/login", { email: user.email, password: TEST_PASSWORD });
    const changed = await browser.post("/account", {
      intent: "change-password",
      currentPassword: TEST_PASSWORD,
      newPassword: "a wholly new passphrase 88",
      confirmPassword: "a wholly new passphrase 88",
    });
    expect(changed.status).toBe(302);
    await waitFor(() => closedAsSignedOut(c), "closed after the password change", 5000);
  });
});
