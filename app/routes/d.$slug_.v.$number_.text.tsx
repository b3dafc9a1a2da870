/**
 * GET /d/:slug/v/:number/text — a published version's canonical text as a UTF-8 text file: exactly the bytes whose
 * SHA-256 is the version's fingerprint. People save it, pass it on, and check it at /verify (or with sha256sum).
 * Unknown slug or number: 404.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheableResponse, findPublicDeclarationBySlug, loadPublishedVersion } from "../models/publishing.server";
import { notFound } from "../utils/guards.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const number = /^[1-9][0-9]{0,8}$/.test(params.number ?? "") ? Number(params.number) : NaN;
  const declaration = Number.isSafeInteger(number) ? await findPublicDeclarationBySlug(params.slug ?? "") : null;
  const version = declaration ? await loadPublishedVersion(declaration.documentId, number) : null;
  if (!declaration || !version) throw notFound();
  return cacheableResponse(request, version.canonicalText, "text/plain; charset=utf-8", {
    "Content-Disposition": `inline; filename="${declaration.slug}-v${version.number}.txt"`,
    "X-Content-SHA256": version.sha256,
  });
}
