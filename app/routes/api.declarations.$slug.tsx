/**
 * GET /api/declarations/:slug → `{slug, title, version:{number, hash, publishedAt}, html, text, counts:{current,
 * earlier, individuals, organisations}}` (public, no account). `text` is the canonical text: its SHA-256 (UTF-8)
 * is `version.hash` (README "Verifying a declaration"; `npm run accord -- verify <url>`). Cacheable: a strong ETag
 * (SHA-256 of the body) and If-None-Match → 304. Unknown slug: 404 JSON.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheableJson, contractCounts, loadPublicDeclaration } from "../models/publishing.server";
import { apiError, apiNotFound, methodNotAllowed } from "../utils/api.server";
import { log } from "../utils/log.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const declaration = await loadPublicDeclaration(params.slug ?? "");
    if (!declaration) return apiNotFound("No published declaration has this address.");
    const { current } = declaration;
    return cacheableJson(request, {
      slug: declaration.slug,
      title: current.title,
      version: { number: current.number, hash: current.sha256, publishedAt: current.publishedAt.toISOString() },
      html: current.html,
      text: current.canonicalText,
      counts: contractCounts(declaration.counts),
    });
  } catch (error) {
    log.error(`GET /api/declarations/:slug failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return apiError(500, "Something went wrong on our side. Please try again.");
  }
}

export const action = () => methodNotAllowed();
