/**
 * The PDF of a published version (GET /d/:slug/v/:number/pdf): public like the declaration's page, built from the
 * same public reads (loadPublicDeclaration, listPublicEndorsements) and the version's sealed HTML.
 *
 * Cache: rendering costs far more than reading, so each request reads the annex (one query) and hashes everything the
 * PDF shows — version id, SHA-256, URLs, every annex line and count — into a key; the PDF is rendered only when no PDF
 * with that key is held. So a new, withdrawn, hidden or verified endorsement changes the key and the next request gets
 * a fresh annex, with no invalidation hook to forget and no table. One PDF per published version and language of its
 * own words (the reader's interface language: app/locales/<locale>/public.json, group `pdf`) is kept in memory
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
import { loadDeclarationLanguages } from "./translations.server";
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
  const input: Omit<DeclarationPdfInput, "blocks" | "madeText"> = {
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
  const key = createHash("sha256").update(JSON.stringify({ id: version.id, input })).digest("hex");
  const slot = `${version.id} ${locale}`;
  const held = kept.get(slot);
  if (held?.key === key) return held.pdf;
  let pending = rendering.get(key);
  if (!pending) {
    pending = (async () => {
      const bytes = await renderDeclarationPdf({ ...input, blocks: htmlToBlocks(version.html), madeText: formatDateTimeIn(locale, new Date()) });
      const body = new Uint8Array(bytes);
      const pdf = { body, etag: `"${createHash("sha256").update(body).digest("base64url")}"`, filename: `${declaration.slug}-v${version.number}.pdf` };
      keep(slot, { key, pdf });
      return pdf;
    })().finally(() => rendering.delete(key));
    rendering.set(key, pending);
  }
  return pending;
}
