/**
 * The access gate (app/auth/access-gate.server.ts) as a table: who may pass which door. The HTTP, API and socket
 * tests (pre-registration, access-tokens, collab-tokens) show the same answers through the real server.
 */
import { describe, expect, it } from "vitest";
import { CONFIRM_PAGE, gate, pagePath, scopeProblem, TOKENS_ARE_FOR_THE_API, UNCONFIRMED, type Door } from "../../app/auth/access-gate.server";
import type { RequestAuth } from "../../app/auth/request-auth.server";
import type { Scope } from "../../app/auth/token-scopes";

const user = (verified: boolean) => ({
  id: "00000000-0000-4000-8000-000000000001",
  email: "anna@example.org",
  name: "Anna",
  emailVerifiedAt: verified ? new Date("2026-01-01") : null,
  isAdmin: false,
  createdAt: new Date("2026-01-01"),
  language: null,
});

const session = (verified = true): RequestAuth => ({
  via: "session",
  user: user(verified),
  session: { id: "s", userId: "u", createdAt: new Date(), expiresAt: new Date(), absoluteExpiresAt: new Date(), secondFactor: false },
  renewedCookie: null,
});

const token = (scopes: Scope[], verified = true): RequestAuth => ({
  via: "token",
  user: user(verified),
  session: null,
  renewedCookie: null,
  token: { id: "t", scopes, expiresAt: new Date(Date.now() + 86_400_000), secondFactor: false },
});

const at = (door: Door, path: string, method = "GET") => ({ door, path, method });

describe("the access gate", () => {
  it("lets signed-out callers through (each route decides whether it needs an account)", () => {
    expect(gate(null, at("page", "/workshops"))).toBeNull();
    expect(gate(null, at("api", "/api/me"))).toBeNull();
  });

  it("lets an unconfirmed account open an invitation link, which tells it to confirm first", () => {
    expect(gate(session(false), at("page", "/join/x.y"))).toBeNull();
    expect(gate(session(false), at("page", "/join/x.y.data", "POST"))).toBeNull();
    expect(gate(token(["read"], false), at("page", "/join/x.y"))).toEqual({ status: 403, error: UNCONFIRMED });
  });

  it("sends an unconfirmed account from every page but the confirming ones to the confirm page", () => {
    const unconfirmed = session(false);
    for (const path of ["/", "/_root.data", "/workshops", "/workshops.data", "/account", "/account/", "/d/a-declaration/endorse", "/join/x.y/more", "/documents/x"]) {
      expect(gate(unconfirmed, at("page", path)), path).toEqual({ status: 303, location: CONFIRM_PAGE });
      expect(gate(unconfirmed, at("page", path, "POST")), path).toEqual({ status: 303, location: CONFIRM_PAGE });
    }
    for (const path of ["/verify-email", "/verify-email/resend", "/verify-email/resend.data", "/verify-email/change", "/logout", "/reset-password", "/forgot-password", "/dev/outbox"]) {
      expect(gate(unconfirmed, at("page", path)), path).toBeNull();
    }
  });

  it("refuses an unconfirmed account on the API and the socket, and its tokens everywhere, in words", () => {
    expect(gate(session(false), at("api", "/api/me"))).toEqual({ status: 403, error: UNCONFIRMED });
    expect(gate(session(false), at("socket", "/collab/x"))).toEqual({ status: 403, error: UNCONFIRMED });
    expect(gate(token(["read"], false), at("page", "/verify-email/resend"))).toEqual({ status: 403, error: UNCONFIRMED });
    expect(UNCONFIRMED).toMatch(/Confirm your e-mail address first/);
  });

  it("lets a confirmed session through every door", () => {
    for (const door of ["page", "api", "socket"] as const) expect(gate(session(), at(door, "/anything", "POST"))).toBeNull();
  });

  it("refuses tokens on pages, except the two downloads, which need the admin scope", () => {
    const all = token(["read", "write", "endorse", "admin"]);
    for (const path of ["/workshops", "/account", "/workshops/w/members", "/documents/d/publish", "/documents/d/endorsements", "/logout"]) {
      expect(gate(all, at("page", path)), path).toEqual({ status: 403, error: TOKENS_ARE_FOR_THE_API });
    }
    for (const path of ["/documents/d/endorsements/export", "/account/data"]) {
      expect(gate(all, at("page", path)), path).toBeNull();
      expect(gate(all, at("page", path, "POST")), path).toEqual({ status: 403, error: TOKENS_ARE_FOR_THE_API });
      expect(gate(token(["read"]), at("page", path)), path).toMatchObject({ status: 403, error: expect.stringMatching(/“admin” scope/) });
    }
  });

  it("opens the socket to a token with read or write, not to one with neither", () => {
    expect(gate(token(["read"]), at("socket", "/collab/x"))).toBeNull();
    expect(gate(token(["write"]), at("socket", "/collab/x"))).toBeNull();
    expect(gate(token(["endorse", "admin"]), at("socket", "/collab/x"))).toMatchObject({ status: 403 });
  });

  it("says which scope is missing and which the token has; sessions have every scope", () => {
    expect(scopeProblem(token(["read", "endorse"]), "write")).toBe(
      "This needs a personal access token with the “write” scope; this token has “read”, “endorse”. Create one with the scopes it needs on your Account page.",
    );
    expect(scopeProblem(token(["write"]), "write")).toBeNull();
    for (const scope of ["read", "write", "endorse", "admin"] as const) expect(scopeProblem(session(), scope)).toBeNull();
  });

  it("reads Remix data requests as the page they belong to", () => {
    expect(pagePath("/_root.data")).toBe("/");
    expect(pagePath("/verify-email/resend.data")).toBe("/verify-email/resend");
    expect(pagePath("/account/")).toBe("/account");
    expect(pagePath("/")).toBe("/");
  });
});
