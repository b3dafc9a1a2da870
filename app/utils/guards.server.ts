/**
 * Guards for loaders and actions. `require*` throws a Response (redirect for pages, JSON for the API);
 * `get*` returns null. Authorisation is decided here or in the query's WHERE clause, never after the fact.
 */
import { json, redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import type { RequestAuth } from "../auth/request-auth.server";
import type { UserRow } from "../../db/users";
import { getConfig } from "../config.server";

export async function getUser(context: AppLoadContext): Promise<UserRow | null> {
  return (await context.auth())?.user ?? null;
}

const MAX_REDIRECT_LENGTH = 2048;

/** The path+search+hash of `value` when a browser would resolve it to our own origin, else null. */
function ownPathOf(value: string, origin: string): string | null {
  // Browsers drop tabs and newlines anywhere in a URL (and C0 controls and spaces at its ends) before parsing;
  // the WHATWG URL parser does the same, so `/\t/evil.example` is seen as `//evil.example`, as a browser sees it.
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return null;
  }
  if (url.origin !== origin) return null;
  return url.pathname + url.search + url.hash;
}

/**
 * Where to send someone after signing in: `target` only when it leads to a page of our own origin (the public URL's),
 * as its path+search+hash; anything else, including every way of writing another host, gives `fallback`.
 */
export function safeRedirectTarget(target: FormDataEntryValue | string | null | undefined, fallback = "/workshops"): string {
  if (typeof target !== "string" || target === "" || target.length > MAX_REDIRECT_LENGTH) return fallback;
  const origin = new URL(getConfig().publicUrl).origin;
  const path = ownPathOf(target, origin);
  // The answer is read again by the browser, relative to us: it must lead home too (a path like `//evil` would not).
  if (path === null || ownPathOf(path, origin) !== path) return fallback;
  return path;
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
