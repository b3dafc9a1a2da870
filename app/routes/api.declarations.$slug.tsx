/**
 * GET /api/declarations/:slug → `{slug, title, version:{number, hash, publishedAt}, html, text, counts:{current,
 * earlier, individuals, organisations}}` (public, no account). `text` is the canonical text: its SHA-256 (UTF-8)
 * is `version.hash` (README "Verifying a declaration"; `npm run accord -- verify <url>`). Cacheable: a strong ETag
 * (SHA-256 of the body) and If-None-Match → 304. Unknown slug: 404 JSON.
 * `language` is the authoritative text's language (BCP 47); `translations` lists the translation the public reads in
 * each other language: `[{language, title, hash, sourceVersion: {number, hash}, current}]` (issue 14).
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheableJson, contractCounts, loadPublicDeclaration } from "../models/publishing.server";
import { apiError, apiNotFound, methodNotAllowed } from "../utils/api.server";
import { log } from "../utils/log.server";
import { loadDeclarationLanguages, translationSummary } from "../models/translations.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const declaration = await loadPublicDeclaration(params.slug ?? "");
    if (!declaration) return apiNotFound("No published declaration has this address.");
    const { current } = declaration;
    const { language, translations } = await loadDeclarationLanguages(declaration.documentId, current.number);
    return cacheableJson(request, {
      slug: declaration.slug,
      language,
      title: current.title,
      version: { number: current.number, hash: current.sha256, publishedAt: current.publishedAt.toISOString() },
      html: current.html,
      text: current.canonicalText,
      counts: contractCounts(declaration.counts),
      translations: translations.map(translationSummary),
    });
  } catch (error) {
    log.error(`GET /api/declarations/:slug failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return apiError(500, "Something went wrong on our side. Please try again.");
  }
}

export const action = () => methodNotAllowed();
