/**
 * GET /d/:slug/badge.svg — an embeddable SVG badge with the number of public endorsements of the current version.
 * All text is XML-escaped (the title is the organisers' words); cached briefly; readable from any site.
 * Unknown slug: 404.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { badgeSvg } from "../declarations/public-view";
import { cacheableResponse, countPublicEndorsementsOf, findPublicDeclarationBySlug } from "../models/publishing.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const declaration = await findPublicDeclarationBySlug(params.slug ?? "");
  if (!declaration) {
    return new Response("No published declaration has this address.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const counts = await countPublicEndorsementsOf({ documentId: declaration.documentId });
  const svg = badgeSvg({ title: declaration.current.title, count: counts.current, versionNumber: declaration.current.number });
  return cacheableResponse(request, svg, "image/svg+xml; charset=utf-8", {
    "Cache-Control": "public, max-age=60",
    "Cross-Origin-Resource-Policy": "cross-origin",
    // The SVG is an image, never a document that may run anything.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  });
}
