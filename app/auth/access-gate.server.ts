/**
 * The one gate every door passes once the caller is known (app/auth/request-auth.server.ts): HTTP pages and the JSON
 * API through the load context's `auth()` (server/http-app.ts), the endorsement POST (server/endorsement-post.ts) and
 * the collaboration socket's upgrade (server/collab/collab-server.ts). Pure: the same inputs give the same answer.
 *
 * 1. An account whose e-mail address is not confirmed can only confirm it, change it, or sign out: every other page
 *    sends it to the "confirm your e-mail" page (an invitation link explains this itself), and the API and the socket refuse it (403) in words.
 * 2. Personal access tokens are for the JSON API and the socket. On pages they are refused (403), except the two
 *    downloads a script may need, which need the `admin` scope: the organisers' endorsement export and the account
 *    data. (A token is no ambient credential, so these requests are also exempt from the cross-origin check.)
 * 3. What a token may do on the API is the scope its route asks for (`requireScope`); sessions have every scope.
 */
import type { RequestAuth } from "./request-auth.server";
import type { Scope } from "./token-scopes";

export type Door = "page" | "api" | "socket";

export interface GateRequest {
  door: Door;
  method: string;
  /** The URL's path (Remix's single-fetch data requests end in ".data"). */
  path: string;
}

export type GateRefusal = { status: 303; location: string } | { status: 403; error: string };

/** Where an account with an unconfirmed address is sent. */
export const CONFIRM_PAGE = "/verify-email/resend";

export const UNCONFIRMED =
  "Confirm your e-mail address first: open the link we sent you, or ask for a new one at /verify-email/resend. Until then this account can only confirm or change its address.";

export const TOKENS_ARE_FOR_THE_API =
  "Personal access tokens work with the JSON API (/api/…) and the collaboration socket, not with pages. Sign in with a browser to use this page.";

/** Pages an account with an unconfirmed address may still open. */
const UNCONFIRMED_PAGES = new Set(["/verify-email", "/verify-email/resend", "/verify-email/change", "/logout", "/forgot-password", "/reset-password", "/dev/outbox"]);

/** Pages that explain themselves to an account with an unconfirmed address (an invitation link says to confirm
 * first, and keeps the invitation in view); the route itself refuses to act for it. */
const UNCONFIRMED_EXPLAINED = /^\/join\/[^/]+$/;

/** The only pages a token opens (GET), and the scope each needs. */
const TOKEN_PAGES: { path: RegExp; scope: Scope }[] = [
  { path: /^\/documents\/[^/]+\/endorsements\/export$/, scope: "admin" },
  { path: /^\/account\/data$/, scope: "admin" },
];

/** The page a path shows: "/x.data" is the data of "/x", "/_root.data" that of "/". */
export function pagePath(path: string): string {
  const page = path === "/_root.data" ? "/" : path.replace(/\.data$/, "");
  return page.length > 1 ? page.replace(/\/+$/, "") : page;
}

/** null when the caller may go on; otherwise how to refuse. Signed-out callers always go on (routes decide). */
export function gate(auth: RequestAuth | null, request: GateRequest): GateRefusal | null {
  if (!auth) return null;
  if (!auth.user.emailVerifiedAt) {
    if (request.door !== "page" || auth.via === "token") return { status: 403, error: UNCONFIRMED };
    const page = pagePath(request.path);
    return UNCONFIRMED_PAGES.has(page) || UNCONFIRMED_EXPLAINED.test(page) ? null : { status: 303, location: CONFIRM_PAGE };
  }
  if (auth.via !== "token") return null;
  if (request.door === "page") {
    const readOnly = request.method === "GET" || request.method === "HEAD";
    const page = readOnly ? TOKEN_PAGES.find((p) => p.path.test(pagePath(request.path))) : undefined;
    if (!page) return { status: 403, error: TOKENS_ARE_FOR_THE_API };
    const problem = scopeProblem(auth, page.scope);
    return problem ? { status: 403, error: problem } : null;
  }
  if (request.door === "socket" && !allows(auth, "read") && !allows(auth, "write")) {
    return { status: 403, error: scopeProblem(auth, "read")! };
  }
  return null;
}

/** Why this caller may not use `scope`, in words; null when it may. The one definition of what a scope allows. */
export function scopeProblem(auth: RequestAuth, scope: Scope): string | null {
  if (auth.via !== "token" || auth.token.scopes.includes(scope)) return null;
  const has = auth.token.scopes.map((s) => `“${s}”`).join(", ");
  return `This needs a personal access token with the “${scope}” scope; this token has ${has}. Create one with the scopes it needs on your Account page.`;
}

export const allows = (auth: RequestAuth, scope: Scope): boolean => scopeProblem(auth, scope) === null;

/** API routes: go on only with `scope`, else a 403 JSON answer in words. */
export function requireScope(auth: RequestAuth, scope: Scope): void {
  const problem = scopeProblem(auth, scope);
  if (problem) throw refusalResponse({ status: 403, error: problem }, "api");
}

/** A refusal as HTTP answers it: a redirect, JSON on the API, plain words on pages. */
export function refusalResponse(refusal: GateRefusal, door: Door): Response {
  if (refusal.status === 303) return new Response(null, { status: 303, headers: { Location: refusal.location, "Cache-Control": "no-store" } });
  const json = door === "api";
  return new Response(json ? JSON.stringify({ error: refusal.error }) : refusal.error, {
    status: refusal.status,
    statusText: "Forbidden",
    headers: { "Content-Type": json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
