/**
 * GET /api/declarations/:slug/endorsements.csv — the public list of endorsements as CSV (the same entries and
 * public fields as …/endorsements; optional `kind` and `country` filters). Cells a spreadsheet would run as a
 * formula are neutralised. Cacheable with a strong ETag. Unknown slug: 404 JSON.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "../config.server";
import { csvRow, parseCountryFilter, parseKindFilter } from "../declarations/public-view";
import { cacheableResponse, findPublicDeclarationBySlug, listPublicEndorsements } from "../models/publishing.server";
import { apiError, apiNotFound, methodNotAllowed } from "../utils/api.server";
import { log } from "../utils/log.server";

const COLUMNS = [
  "id",
  "kind",
  "version",
  "evidence",
  "name",
  "role",
  "affiliation",
  "country",
  "capacity",
  "statement",
  "organisation_name",
  "organisation_type",
  "website",
  "receipt_url",
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const declaration = await findPublicDeclarationBySlug(params.slug ?? "");
    if (!declaration) return apiNotFound("No published declaration has this address.");
    const query = new URL(request.url).searchParams;
    const entries = await listPublicEndorsements({
      slug: declaration.slug,
      kind: parseKindFilter(query.get("kind")),
      country: parseCountryFilter(query.get("country")),
    });
    const base = getConfig().publicUrl;
    // A byte-order mark so spreadsheet programs read the UTF-8 names correctly.
    let body = "\uFEFF" + csvRow(COLUMNS);
    for (const e of entries) {
      body += csvRow([
        e.id,
        e.kind,
        e.versionNumber,
        e.evidence,
        e.name,
        e.role,
        e.affiliation,
        e.country,
        e.capacity,
        e.statement,
        e.organisationName,
        e.organisationType,
        e.website,
        `${base}/e/${e.id}`,
      ]);
    }
    return cacheableResponse(request, body, "text/csv; charset=utf-8", {
      "Content-Disposition": `attachment; filename="${declaration.slug}-endorsements.csv"`,
    });
  } catch (error) {
    log.error(`GET /api/declarations/:slug/endorsements.csv failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return apiError(500, "Something went wrong on our side. Please try again.");
  }
}

export const action = () => methodNotAllowed();
