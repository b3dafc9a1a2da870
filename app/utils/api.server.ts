/**
 * Helpers for the JSON API routes (app/routes/api.*): every answer is JSON with `Cache-Control: no-store`,
 * errors are `{error}`, and an unexpected failure is a 500 JSON answer rather than the HTML error page.
 */
import type { AppLoadContext } from "@remix-run/node";
import { requireScope } from "../auth/access-gate.server";
import type { RequestAuth } from "../auth/request-auth.server";
import type { Scope } from "../auth/token-scopes";
import { requireApiUser } from "./guards.server";
import { log } from "./log.server";

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

/**
 * A JSON answer with its length said: Node then sends it in one write, headers and body together, instead of as a
 * chunked body and a separate end.
 */
export function apiJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body);
  return new Response(text, { status, headers: { ...JSON_HEADERS, "Content-Length": String(Buffer.byteLength(text)), ...headers } });
}

export function apiError(status: number, error: string, headers: Record<string, string> = {}): Response {
  return apiJson({ error }, status, headers);
}

export const apiNotFound = (error = "Not found."): Response => apiError(404, error);

/**
 * 405 with the methods the endpoint does answer: for `action` exports of read-only resources (the default, GET and
 * HEAD), and for `loader` exports of endpoints that only change things (`methodNotAllowed(["POST"])`).
 */
export function methodNotAllowed(allowed: readonly string[] = ["GET", "HEAD"]): Response {
  const named = allowed.filter((m) => m !== "HEAD");
  const words = named.length === 1 ? named[0] : `${named.slice(0, -1).join(", ")} or ${named[named.length - 1]}`;
  return apiError(405, `This endpoint only answers ${words} requests.`, { Allow: allowed.join(", ") });
}

/**
 * Run an API loader or action for the authenticated caller (401 JSON without one) when it may use `scope` (403 JSON
 * for a token without it; sessions have every scope). Thrown Responses pass through; anything else is logged and
 * answered with a 500 JSON error.
 */
export async function withApiUser(context: AppLoadContext, scope: Scope, handler: (auth: RequestAuth) => Promise<Response>): Promise<Response> {
  try {
    const auth = await requireApiUser(context);
    requireScope(auth, scope);
    return await handler(auth);
  } catch (error) {
    if (error instanceof Response) return error;
    log.error(`API request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return apiError(500, "Something went wrong on our side. Please try again.");
  }
}
