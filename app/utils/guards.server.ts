/**
 * Guards for loaders and actions. `require*` throws a Response (redirect for pages, JSON for the API);
 * `get*` returns null. Authorisation is decided here or in the query's WHERE clause, never after the fact.
 */
import { json, redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import type { RequestAuth } from "../auth/request-auth.server";
import type { UserRow } from "../../db/users";

export async function getUser(context: AppLoadContext): Promise<UserRow | null> {
  return (await context.auth())?.user ?? null;
}

export function safeRedirectTarget(target: FormDataEntryValue | string | null | undefined, fallback = "/workshops"): string {
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) return fallback;
  return target;
}

/** Pages: the signed-in person, or a redirect to sign in that comes back here. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<RequestAuth> {
  const auth = await context.auth();
  if (auth) return auth;
  const url = new URL(request.url);
  throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

/** Pages that need a browser session (account settings): tokens are for the API only. */
export async function requireSessionUser(request: Request, context: AppLoadContext): Promise<Extract<RequestAuth, { via: "session" }>> {
  const auth = await requireUser(request, context);
  if (auth.via !== "session") throw redirect("/login");
  return auth;
}

export function jsonError(status: number, error: string, fields?: Record<string, string>): Response {
  return json(fields ? { error, fields } : { error }, { status, headers: { "Cache-Control": "no-store" } });
}

export const INVALID_TOKEN =
  "This personal access token is not valid: it was revoked, it has expired, or it was not copied whole. Create a new one on your Account page.";

/** API: the caller, or 401 JSON. */
export async function requireApiUser(context: AppLoadContext): Promise<RequestAuth> {
  const auth = await context.auth();
  if (!auth) throw jsonError(401, context.bearerPresented ? INVALID_TOKEN : "Sign in or send a personal access token (Authorization: Bearer …).");
  return auth;
}

export function notFound(message = "Not found"): Response {
  return new Response(message, { status: 404, statusText: "Not Found" });
}
