/**
 * GET /d/:slug/badge.svg — an embeddable SVG badge with the number of public endorsements of the current version.
 * All text is XML-escaped (the title is the organisers' words); cached briefly; readable from any site. Its words
 * are in `?lang=` (en, fr, es, sv) when given, else in the reader's interface language (Accept-Language).
 * Unknown slug: 404.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { badgeSvg } from "../declarations/public-view";
import { isLocale } from "../i18n/locales";
import { requestLocale, tFor } from "../i18n/strings.server";
import { cacheableResponse, countPublicEndorsementsOf, findPublicDeclarationBySlug } from "../models/publishing.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const declaration = await findPublicDeclarationBySlug(params.slug ?? "");
  if (!declaration) {
    return new Response("No published declaration has this address.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const counts = await countPublicEndorsementsOf({ documentId: declaration.documentId });
  const asked = new URL(request.url).searchParams.get("lang");
  const locale = isLocale(asked) ? asked : await requestLocale(request, context);
  const svg = badgeSvg({ title: declaration.current.title, count: counts.current, versionNumber: declaration.current.number, t: tFor(locale), locale });
  return cacheableResponse(request, svg, "image/svg+xml; charset=utf-8", {
    "Cache-Control": "public, max-age=60",
    ...(isLocale(asked) ? {} : { Vary: "Accept-Language" }),
    "Cross-Origin-Resource-Policy": "cross-origin",
    // The SVG is an image, never a document that may run anything.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  });
}
