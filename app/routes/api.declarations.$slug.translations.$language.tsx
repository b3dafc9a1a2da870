/**
 * GET /api/declarations/:slug/translations/:language → `{language, title, text, html, hash, sourceVersion: {number,
 * hash}, current}` (public, no account): the translation the public reads in that language (BCP 47, compared
 * canonically). `text` is its canonical text, whose SHA-256 (UTF-8) is `hash`; `sourceVersion` is the authoritative
 * version it translates; `current` is false once the declaration has a newer version. Cacheable like the
 * declaration itself (strong ETag, 304). No such declaration or no translation into that language: 404 JSON.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheableJson, findPublicDeclarationBySlug } from "../models/publishing.server";
import { findTranslationIn, loadPublicTranslations } from "../models/translations.server";
import { apiError, apiNotFound, methodNotAllowed } from "../utils/api.server";
import { log } from "../utils/log.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const declaration = await findPublicDeclarationBySlug(params.slug ?? "");
    if (!declaration) return apiNotFound("No published declaration has this address.");
    const translations = await loadPublicTranslations(declaration.documentId, declaration.current.number);
    const t = findTranslationIn(translations, params.language ?? "");
    if (!t) return apiNotFound("This declaration has no published translation into that language.");
    return cacheableJson(request, {
      language: t.language,
      title: t.title,
      text: t.canonicalText,
      html: t.html,
      hash: t.sha256,
      sourceVersion: { number: t.sourceNumber, hash: t.sourceSha256 },
      current: t.current,
    });
  } catch (error) {
    log.error(`GET /api/declarations/:slug/translations/:language failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return apiError(500, "Something went wrong on our side. Please try again.");
  }
}

export const action = () => methodNotAllowed();
