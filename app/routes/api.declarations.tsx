/**
 * GET /api/declarations — every published declaration (public, no account): slug, title, URL, the current
 * version's number, SHA-256 and date, whether endorsements are open, and the honest counts. Cacheable: a strong
 * ETag (SHA-256 of the body) and If-None-Match → 304.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "../config.server";
import { cacheableJson, contractCounts, loadPublicDeclarations } from "../models/publishing.server";
import { apiError, methodNotAllowed } from "../utils/api.server";
import { log } from "../utils/log.server";

export async function loader({ request }: LoaderFunctionArgs) {
  try {
    const base = getConfig().publicUrl;
    const declarations = await loadPublicDeclarations();
    return cacheableJson(
      request,
      declarations.map((d) => ({
        slug: d.slug,
        title: d.title,
        url: `${base}/d/${d.slug}`,
        version: { number: d.number, hash: d.sha256, publishedAt: d.publishedAt.toISOString() },
        endorsementsOpen: d.endorsementsOpen,
        counts: contractCounts(d.counts),
      })),
    );
  } catch (error) {
    log.error(`GET /api/declarations failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return apiError(500, "Something went wrong on our side. Please try again.");
  }
}

export const action = () => methodNotAllowed();
