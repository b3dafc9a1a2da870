/**
 * GET /d/:slug/v/:number/pdf — a published version as a PDF to circulate: its text, title, version, date and SHA-256,
 * a QR code of its verification URL on every page, and an annex of the signatories as the public page lists them.
 * With `?lang=<BCP 47 tag>`: the published translation of that version into that language instead (its own SHA-256
 * and verification, the authoritative version's SHA-256, the same annex); 404 when there is none, or for a tag that
 * is not one (never echoed). Public (no account), cacheable with a strong ETag; unknown slug or number: 404. Built and
 * kept by app/models/declaration-pdf.server.ts. Its own words (headings, footers, page numbers) are in the reader's
 * interface language, so caches keep one copy per language (Vary); the text stays in its language.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadDeclarationPdf, loadTranslationPdf } from "../models/declaration-pdf.server";
import { matchesIfNoneMatch } from "../models/publishing.server";
import { canonicalLanguage } from "../declarations/languages";
import { notFound } from "../utils/guards.server";
import { requestLocale } from "../i18n/strings.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const number = /^[1-9][0-9]{0,8}$/.test(params.number ?? "") ? Number(params.number) : NaN;
  const lang = new URL(request.url).searchParams.get("lang");
  const language = lang === null ? null : canonicalLanguage(lang);
  if (!Number.isSafeInteger(number) || (lang !== null && !language)) throw notFound();
  const locale = await requestLocale(request, context);
  const slug = params.slug ?? "";
  const pdf = language ? await loadTranslationPdf(slug, number, language, locale) : await loadDeclarationPdf(slug, number, locale);
  if (!pdf) throw notFound();
  const headers = {
    "Cache-Control": "public, max-age=30",
    "Access-Control-Allow-Origin": "*",
    ETag: pdf.etag,
    "Content-Disposition": `inline; filename="${pdf.filename}"`,
    Vary: "Accept-Language, Cookie",
  };
  if (matchesIfNoneMatch(request, pdf.etag)) return new Response(null, { status: 304, headers });
  return new Response(pdf.body, { status: 200, headers: { ...headers, "Content-Type": "application/pdf", "Content-Length": String(pdf.body.length) } });
}
