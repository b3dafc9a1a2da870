/**
 * /api/declarations/:slug/endorsements
 *
 * GET (public, no account): the declaration's public endorsements, every published version, each entry
 *   `{id, kind, versionNumber, evidence, …public fields}` (db/public-endorsements.ts decides what is public).
 *   Filters `?kind=individual|organisation` and `?country=SE`. Cacheable: a strong ETag of the body, answered
 *   with 304 on If-None-Match. Never reads the caller's cookie, so the answer is the same for everyone.
 * POST (signed in with a confirmed e-mail; session cookie from our Origin, or a personal access token): endorse the
 *   current version — body per the contract (README "API") — → 201 `{id, receiptUrl}`. Errors `{error, fields?}`:
 *   400 invalid, 401 not signed in, 403 e-mail not confirmed or endorsements closed, 404 not published,
 *   409 already endorsed this version, 429 too many (with Retry-After).
 *   POST is answered before Remix, by server/endorsement-post.ts (the hot path of a signing spike); this module
 *   answers the other methods with 405.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createHash } from "node:crypto";
import { listPublicEndorsements } from "../../db/public-endorsements";
import { isCountryCode } from "../declarations/countries";
import { findDeclarationToEndorse, NOT_PUBLISHED } from "../models/endorsements.server";
import { apiError } from "../utils/api.server";

const PUBLIC_CACHE = "public, max-age=0, must-revalidate";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const current = await findDeclarationToEndorse(params.slug);
  if (!current) return apiError(404, NOT_PUBLISHED);
  const url = new URL(request.url);
  const kind = url.searchParams.get("kind") ?? "";
  const country = (url.searchParams.get("country") ?? "").toUpperCase();
  if (kind && kind !== "individual" && kind !== "organisation") return apiError(400, "kind must be individual or organisation.");
  if (country && !isCountryCode(country)) return apiError(400, "country must be an ISO 3166-1 alpha-2 code, such as SE.");
  const list = await listPublicEndorsements({
    slug: current.slug,
    kind: kind === "individual" || kind === "organisation" ? kind : undefined,
    country: country || undefined,
  });
  const body = JSON.stringify(list);
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
  const headers = {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": PUBLIC_CACHE,
    ETag: etag,
    Vary: "Accept-Encoding",
    "Access-Control-Allow-Origin": "*",
  };
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag || tag.trim() === "*")) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(body, { status: 200, headers });
}

export function action() {
  return apiError(405, "Endorse with POST; read the list with GET.", { Allow: "GET, HEAD, POST" });
}
