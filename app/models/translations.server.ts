/**
 * Declarations as parallel texts (issue 14). A document is written in one language (documents.language, BCP 47;
 * the authoritative language of its declaration). An organiser starts a translation of one published version: a
 * new document of the same workshop, pre-filled with that version's text, co-edited live like any draft and bound
 * to the source version's number and SHA-256. Publishing a translation document seals it like a version (its own
 * canonical text and SHA-256), bound to that source version; it is "outdated" as soon as the source has a newer
 * published version, until a translation of the newer version is published.
 */
import type { JSONContent } from "@tiptap/core";
import { getSql } from "../../db/client";
import { appendUpdates } from "../../db/document-log";
import { findVersionToPublish, lockDocumentForPublishing, markDocumentPublished } from "../../db/declarations";
import { insertAudit } from "../../db/memberships";
import {
  findDocumentLanguage,
  findLatestTranslationNumber,
  findPublishedTranslation,
  findTranslationBinding,
  findTranslationSource,
  insertPublishedTranslation,
  insertTranslationDocument,
  listPublicTranslations,
  listTranslationDocuments,
  updateTranslationBinding,
  type PublicTranslation,
  type TranslationBinding,
  type TranslationDocument,
} from "../../db/translations";
import { canonicalLanguage, LANGUAGE_TAG_ERROR, languageNameInEnglish } from "../declarations/languages";
import { tiptapJsonToYDocUpdate } from "../editor/document-tools.server";
import { PublishError, sealFor } from "./publishing.server";

export type { PublicTranslation, TranslationBinding, TranslationDocument };
export { findDocumentLanguage, findPublishedTranslation, findTranslationBinding, listTranslationDocuments };

/** Why a translation cannot be started or moved on; `message` is English (the JSON API's), pages use `reason` and `values`. */
export class TranslationError extends Error {
  constructor(
    public readonly code: "language_invalid" | "version_not_found" | "translation_of_translation" | "same_language" | "no_slug",
    public readonly status: 400 | 404 | 409,
    message: string,
    public readonly values: { number?: number; language?: string } = {},
    public readonly reason: TranslationErrorReason = code,
  ) {
    super(message);
  }
}

export type TranslationErrorReason = TranslationError["code"] | "not_translation" | "already_current";

const MAX_VERSION_NUMBER = 1_000_000;

/**
 * Start a translation of published version `versionNumber` of `sourceDocumentId` into `language`. The caller has
 * checked that the actor is an organiser of the source's workshop. Returns the new document's id.
 */
export async function createTranslation(input: { sourceDocumentId: string; versionNumber: number; language: string; actorId: string }): Promise<{ documentId: string; slug: string; language: string }> {
  const language = canonicalLanguage(input.language);
  if (!language) throw new TranslationError("language_invalid", 400, LANGUAGE_TAG_ERROR);
  if (!Number.isSafeInteger(input.versionNumber) || input.versionNumber < 1 || input.versionNumber > MAX_VERSION_NUMBER) {
    throw new TranslationError("version_not_found", 404, "This document has no published version with that number.");
  }
  return getSql().begin(async (tx) => {
    const source = await findTranslationSource(input.sourceDocumentId, input.versionNumber, tx);
    if (!source) throw new TranslationError("version_not_found", 404, "This document has no published version with that number.");
    if (source.isTranslation) {
      throw new TranslationError("translation_of_translation", 409, "This document is itself a translation: translate the authoritative text instead.");
    }
    if (source.language.toLowerCase() === language.toLowerCase()) {
      throw new TranslationError("same_language", 409, `This declaration is already written in ${languageNameInEnglish(language)}: choose another language.`, { language });
    }
    const base = `${source.slug}-${language.toLowerCase()}`;
    const slugs = [base, ...Array.from({ length: 49 }, (_, i) => `${base}-${i + 2}`)];
    const created = await insertTranslationDocument(
      {
        workshopId: source.workshopId,
        slugs,
        title: `${source.title} (${languageNameInEnglish(language)})`,
        language,
        translationOf: source.documentId,
        sourceNumber: source.number,
        sourceSha256: source.sha256,
      },
      tx,
    );
    if (!created) throw new TranslationError("no_slug", 409, "This document already has too many translations into this language.");
    await appendUpdates(tx, created.id, [{ update: tiptapJsonToYDocUpdate(source.tiptapJson as JSONContent), userId: input.actorId }]);
    await insertAudit(
      {
        workshopId: source.workshopId,
        actorId: input.actorId,
        action: "translation.started",
        details: { documentId: created.id, sourceDocumentId: source.documentId, language, sourceNumber: source.number, sourceSha256: source.sha256 },
      },
      tx,
    );
    return { documentId: created.id, slug: created.slug, language };
  });
}

/**
 * An outdated translation document now translates the source's newest published version: its text stays as the
 * translators left it (they bring it up to date with the source's changes, shown beside the editor), and its next
 * publication is bound to the newest version. The caller has checked that the actor is an organiser.
 */
export async function retargetTranslation(input: { documentId: string; actorId: string; workshopId: string }): Promise<{ from: number; to: number }> {
  return getSql().begin(async (tx) => {
    const document = await lockDocumentForPublishing(input.documentId, tx);
    const binding = document ? await findTranslationBinding(document.id, tx) : null;
    if (!document || !binding) throw new TranslationError("version_not_found", 404, "This document is not a translation.", {}, "not_translation");
    if (binding.sourceNumber >= binding.latestSourceNumber) {
      throw new TranslationError("same_language", 409, `This translation already translates version ${binding.sourceNumber}, the current one.`, { number: binding.sourceNumber }, "already_current");
    }
    await updateTranslationBinding(document.id, { number: binding.latestSourceNumber, sha256: binding.latestSourceSha256 }, tx);
    await insertAudit(
      {
        workshopId: input.workshopId,
        actorId: input.actorId,
        action: "translation.retargeted",
        details: { documentId: document.id, from: binding.sourceNumber, to: binding.latestSourceNumber, sourceSha256: binding.latestSourceSha256 },
      },
      tx,
    );
    return { from: binding.sourceNumber, to: binding.latestSourceNumber };
  });
}

export interface PublishedTranslation {
  slug: string;
  language: string;
  number: number;
  hash: string;
  sourceVersion: { number: number; hash: string };
}

/** The title a sealed translation carries: its opening heading (the translated title), else the document's title. */
function titleOf(text: string, html: string, fallback: string): string {
  if (!html.startsWith("<h1>")) return fallback;
  const first = text.split("\n", 1)[0]?.trim() ?? "";
  return first === "" ? fallback : first.slice(0, 300);
}

/**
 * Seal a named version of a translation document as its next published translation, bound to the source version
 * the document translates. The caller has checked that the actor is an organiser of the workshop.
 */
export async function publishTranslation(input: { documentId: string; versionId: string; actorId: string; expectedHash?: string | null; slug?: string | null }): Promise<PublishedTranslation> {
  return getSql().begin(async (tx) => {
    const document = await lockDocumentForPublishing(input.documentId, tx);
    const binding = document ? await findTranslationBinding(document.id, tx) : null;
    const version = document && binding ? await findVersionToPublish(document.id, input.versionId, tx) : null;
    if (!document || !binding || !version) throw new PublishError("version_not_found", 404, "This document has no named version with that id.");
    if (!binding.sourceSlug) throw new PublishError("version_not_found", 404, "The text this translation translates is not published.", {}, "source_unpublished");
    if (input.slug && input.slug !== binding.sourceSlug) {
      throw new PublishError("slug_fixed", 409, `A translation is published at the address of the text it translates, /d/${binding.sourceSlug}.`, { slug: binding.sourceSlug }, "translation_address");
    }
    const latest = await findLatestTranslationNumber(document.id, tx);
    const seal = sealFor(version, latest);
    if (input.expectedHash != null && input.expectedHash !== seal.hash) {
      throw new PublishError("not_previewed", 409, "This is not the text you previewed: open the preview again and check it before publishing.");
    }
    if (seal.hash === binding.sourceSha256) {
      throw new PublishError("unchanged", 409, "This text is the very text it translates (same SHA-256): translate it before publishing.", {}, "untranslated");
    }
    const number = (latest?.number ?? 0) + 1;
    await insertPublishedTranslation(
      {
        documentId: document.id,
        sourceDocumentId: binding.sourceDocumentId,
        language: binding.language,
        number,
        sourceNumber: binding.sourceNumber,
        sourceSha256: binding.sourceSha256,
        versionId: version.id,
        title: titleOf(seal.text, seal.html, document.title),
        canonicalText: seal.text,
        html: seal.html,
        sha256: seal.hash,
        publishedBy: input.actorId,
      },
      tx,
    );
    await markDocumentPublished(document.id, tx);
    await insertAudit(
      {
        workshopId: document.workshopId,
        actorId: input.actorId,
        action: "translation.published",
        details: { documentId: document.id, versionId: version.id, language: binding.language, number, sha256: seal.hash, sourceNumber: binding.sourceNumber, sourceSha256: binding.sourceSha256 },
      },
      tx,
    );
    return { slug: binding.sourceSlug, language: binding.language, number, hash: seal.hash, sourceVersion: { number: binding.sourceNumber, hash: binding.sourceSha256 } };
  });
}

/* The public side ---------------------------------------------------------------------------------------- */

export interface TranslationView extends PublicTranslation {
  /** It translates the source's newest published version. */
  current: boolean;
}

/** The translation the public reads in each language, each saying whether it translates the current version. */
export async function loadPublicTranslations(sourceDocumentId: string, currentNumber: number): Promise<TranslationView[]> {
  const rows = await listPublicTranslations(sourceDocumentId);
  return rows.map((t) => ({ ...t, current: t.sourceNumber === currentNumber }));
}

/** One language's translation among `translations` (the tag is compared canonically, letter case ignored). */
export function findTranslationIn(translations: readonly TranslationView[], tag: string): TranslationView | null {
  const wanted = canonicalLanguage(tag)?.toLowerCase();
  if (!wanted) return null;
  return translations.find((t) => t.language.toLowerCase() === wanted) ?? null;
}

/** "translates version N" or "translates version N — outdated", the words every page uses. */
export function translatesWords(t: { sourceNumber: number; current: boolean }): string {
  return t.current ? `translates version ${t.sourceNumber}` : `translates version ${t.sourceNumber} — outdated`;
}

/** A declaration's authoritative language and the translation the public reads in each other language. */
export async function loadDeclarationLanguages(documentId: string, currentNumber: number): Promise<{ language: string; translations: TranslationView[] }> {
  const [language, translations] = await Promise.all([findDocumentLanguage(documentId), loadPublicTranslations(documentId, currentNumber)]);
  return { language: language ?? "en", translations };
}

/** The JSON contract's entry for a translation. */
export const translationSummary = (t: TranslationView) => ({
  language: t.language,
  title: t.title,
  hash: t.sha256,
  sourceVersion: { number: t.sourceNumber, hash: t.sourceSha256 },
  current: t.current,
});

export type TranslationRead = { language: string; name: string; sha256: string; sourceNumber: number; current: boolean };

/**
 * The translation a reader arriving with `?lang=` read (null for none, the original, or an unknown tag), from the
 * declaration's languages (`loadDeclarationLanguages`, which the page also lists).
 */
export function translationReadIn(languages: Awaited<ReturnType<typeof loadDeclarationLanguages>>, lang: string | null): TranslationRead | null {
  if (!lang) return null;
  const { language, translations } = languages;
  const t = findTranslationIn(translations, lang.slice(0, 40));
  if (!t || t.language.toLowerCase() === language.toLowerCase()) return null;
  return { language: t.language, name: languageNameInEnglish(t.language), sha256: t.sha256, sourceNumber: t.sourceNumber, current: t.current };
}
