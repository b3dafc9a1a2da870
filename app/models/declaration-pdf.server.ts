/**
 * The PDF of a published version (GET /d/:slug/v/:number/pdf): public like the declaration's page, built from the
 * same public reads (loadPublicDeclaration, listPublicEndorsements) and the version's sealed HTML.
 *
 * Cache: rendering costs far more than reading, so each request reads the annex (one query) and hashes everything the
 * PDF shows — version id, SHA-256, URLs, every annex line and count — into a key; the PDF is rendered only when no PDF
 * with that key is held. So a new, withdrawn, hidden or verified endorsement changes the key and the next request gets
 * a fresh annex, with no invalidation hook to forget and no table. One PDF per published version (or published translation) and language
 * of its own words (the reader's interface language: app/locales/<locale>/public.json, group `pdf`) is kept in memory
 * (the newest key replaces the older), at most MAX_VERSIONS versions and MAX_BYTES bytes; requests that arrive while a
 * key is being rendered wait for that render. A restart starts empty.
 */
import { createHash } from "node:crypto";
import { getConfig } from "../config.server";
import { htmlToBlocks } from "../pdf/html-blocks";
import { currentAnnex, earlierAnnex, type Annex } from "../pdf/annex";
import { renderDeclarationPdf, type DeclarationPdfInput } from "../pdf/declaration-pdf.server";
import { formatDateTimeIn } from "../utils/dates";
import { tFor } from "../i18n/strings.server";
import type { Locale } from "../i18n/locales";
import { findPublishedTranslation, loadDeclarationLanguages } from "./translations.server";
import { languageNameIn } from "../declarations/languages";
import { countPublicEndorsements, listPublicEndorsements, loadPublicDeclaration, loadPublishedVersion, type PublicDeclarationView } from "./publishing.server";
import type { PublishedVersion } from "../../db/declarations";

/** At most this many signatories are listed in one PDF (the rest are counted and pointed to). */
export const ANNEX_LIMIT = 5000;
const MAX_VERSIONS = 64;
const MAX_BYTES = 64 * 1024 * 1024;

export interface DeclarationPdf {
  body: Uint8Array<ArrayBuffer>;
  /** A strong ETag: SHA-256 of the bytes. */
  etag: string;
  filename: string;
}

interface Entry {
  key: string;
  pdf: DeclarationPdf;
}

const kept = new Map<string, Entry>();
const rendering = new Map<string, Promise<DeclarationPdf>>();
let keptBytes = 0;

function keep(versionId: string, entry: Entry): void {
  const old = kept.get(versionId);
  if (old) {
    kept.delete(versionId);
    keptBytes -= old.pdf.body.length;
  }
  kept.set(versionId, entry);
  keptBytes += entry.pdf.body.length;
  for (const [id, e] of kept) {
    if (kept.size <= MAX_VERSIONS && keptBytes <= MAX_BYTES) break;
    if (id === versionId) continue;
    kept.delete(id);
    keptBytes -= e.pdf.body.length;
  }
}

/** Forget every kept PDF (tests, benchmarks). */
export function clearDeclarationPdfCache(): void {
  kept.clear();
  keptBytes = 0;
}

async function loadAnnex(declaration: PublicDeclarationView, version: PublishedVersion, locale: Locale): Promise<Annex> {
  const t = tFor(locale);
  const { slug } = declaration;
  const number = version.number;
  const currentNumber = declaration.current.number;
  const listUrl = `${declaration.url}#signatories`;
  if (number === currentNumber) {
    const entries = await listPublicEndorsements({ slug, scope: "counted", limit: ANNEX_LIMIT + 1 });
    const total = entries.length > ANNEX_LIMIT ? await countPublicEndorsements({ slug, scope: "counted" }) : entries.length;
    return currentAnnex({ entries: entries.slice(0, ANNEX_LIMIT), total, counts: declaration.counts, number, listUrl, t, locale });
  }
  const [entries, individuals, organisations] = await Promise.all([
    listPublicEndorsements({ slug, versionNumber: number, limit: ANNEX_LIMIT }),
    countPublicEndorsements({ slug, versionNumber: number, kind: "individual" }),
    countPublicEndorsements({ slug, versionNumber: number, kind: "organisation" }),
  ]);
  return earlierAnnex({ entries, individuals, organisations, number, currentNumber, listUrl, t, locale });
}

/**
 * The PDF of version `number` of the declaration at `slug`, or null when there is no such published version. Its own
 * words are in `locale` (the reader's interface language); the text keeps its language (the document's /Lang).
 */
export async function loadDeclarationPdf(slug: string, number: number, locale: Locale = "en"): Promise<DeclarationPdf | null> {
  const declaration = await loadPublicDeclaration(slug);
  const version = declaration ? await loadPublishedVersion(declaration.documentId, number) : null;
  if (!declaration || !version) return null;
  const base = getConfig().publicUrl;
  const t = tFor(locale);
  const { language } = await loadDeclarationLanguages(declaration.documentId, declaration.current.number);
  const input: PdfFacts = {
    locale,
    textLanguage: language,
    title: version.title,
    number: version.number,
    publishedText: formatDateTimeIn(locale, version.publishedAt),
    sha256: version.sha256,
    verifyUrl: new URL(`/verify?hash=${version.sha256}`, base).href,
    listUrl: `${declaration.url}#signatories`,
    notice:
      version.number === declaration.current.number
        ? null
        : t("public:pdf.earlier", { number: version.number, current: declaration.current.number, url: declaration.url }),
    annex: await loadAnnex(declaration, version, locale),
  };
  return keptOrRendered(`${version.id} ${locale}`, { id: version.id, input }, version.html, `${declaration.slug}-v${version.number}.pdf`);
}

/**
 * The PDF of the translation into `language` of version `number` of the declaration at `slug` (the newest published
 * one of that version), or null when there is none. It says it is a translation, of which version, with both
 * SHA-256 (endorsements are bound to the authoritative one), whether the source has moved on since; its annex is
 * the authoritative version's; its footer and QR code verify the translation. `language` is a canonical tag.
 */
export async function loadTranslationPdf(slug: string, number: number, language: string, locale: Locale = "en"): Promise<DeclarationPdf | null> {
  const declaration = await loadPublicDeclaration(slug);
  const [version, translation] = declaration
    ? await Promise.all([loadPublishedVersion(declaration.documentId, number), findPublishedTranslation(declaration.documentId, number, language)])
    : [null, null];
  if (!declaration || !version || !translation) return null;
  const base = getConfig().publicUrl;
  const t = tFor(locale);
  const currentNumber = declaration.current.number;
  const input: PdfFacts = {
    locale,
    textLanguage: translation.language,
    title: translation.title,
    number: version.number,
    publishedText: formatDateTimeIn(locale, translation.publishedAt),
    sha256: translation.sha256,
    verifyUrl: new URL(`/verify?hash=${translation.sha256}`, base).href,
    listUrl: `${declaration.url}#signatories`,
    notice: version.number === currentNumber ? null : t("public:pdf.translationOutdated", { number: version.number, current: currentNumber, url: declaration.url }),
    translation: {
      languageName: languageNameIn(translation.language, locale),
      sourceSha256: version.sha256,
    },
    annex: await loadAnnex(declaration, version, locale),
  };
  const filename = `${declaration.slug}-v${version.number}-${translation.language.toLowerCase()}.pdf`;
  return keptOrRendered(`${translation.id} ${locale}`, { id: translation.id, input }, translation.html, filename);
}

type PdfFacts = Omit<DeclarationPdfInput, "blocks" | "madeText">;

/** The PDF held in `slot` when it was made from the same facts, else a fresh render (shared by concurrent requests). */
async function keptOrRendered(slot: string, facts: { id: string; input: PdfFacts }, html: string, filename: string): Promise<DeclarationPdf> {
  const key = createHash("sha256").update(JSON.stringify(facts)).digest("hex");
  const held = kept.get(slot);
  if (held?.key === key) return held.pdf;
  let pending = rendering.get(key);
  if (!pending) {
    const { input } = facts;
    pending = (async () => {
      const bytes = await renderDeclarationPdf({ ...input, blocks: htmlToBlocks(html), madeText: formatDateTimeIn(input.locale ?? "en", new Date()) });
      const body = new Uint8Array(bytes);
      const pdf = { body, etag: `"${createHash("sha256").update(body).digest("base64url")}"`, filename };
      keep(slot, { key, pdf });
      return pdf;
    })().finally(() => rendering.delete(key));
    rendering.set(key, pending);
  }
  return pending;
}
