/**
 * What a translation document's page shows besides the editor (issue 14): what it translates, whether that source
 * version is outdated, the source's changes since it (app/diff, as on the public pages) and the source text itself
 * for the side-by-side view. Null for a document that is not a translation.
 */
import { findTranslationBinding } from "../../db/translations";
import { languageDirection, languageNameInEnglish } from "../declarations/languages";
import { loadChanges, loadPublishedVersion } from "./publishing.server";

export interface TranslationContext {
  language: string;
  languageName: string;
  dir: "rtl" | "ltr";
  sourceId: string;
  sourceTitle: string;
  sourceSlug: string | null;
  sourceLanguage: string;
  sourceNumber: number;
  latestSourceNumber: number;
  /** The published text it translates, as HTML (the side-by-side view). */
  sourceHtml: string;
  /** The source's changes since the version translated (null when it is the current one). */
  changes: { from: number; to: number; html: string; count: number; identical: boolean } | null;
}

export async function loadTranslationContext(documentId: string): Promise<TranslationContext | null> {
  const binding = await findTranslationBinding(documentId);
  if (!binding) return null;
  const [source, changes] = await Promise.all([
    loadPublishedVersion(binding.sourceDocumentId, binding.sourceNumber),
    // Outdated: the source's changes since the version translated; just moved on to a newer version: the changes since
    // the version its last publication translated.
    binding.latestSourceNumber > binding.sourceNumber
      ? loadChanges(binding.sourceDocumentId, binding.sourceNumber, binding.latestSourceNumber, 2)
      : binding.lastPublishedSourceNumber !== null && binding.lastPublishedSourceNumber < binding.sourceNumber
        ? loadChanges(binding.sourceDocumentId, binding.lastPublishedSourceNumber, binding.sourceNumber, 2)
        : null,
  ]);
  return {
    language: binding.language,
    languageName: languageNameInEnglish(binding.language),
    dir: languageDirection(binding.language),
    sourceId: binding.sourceDocumentId,
    sourceTitle: binding.sourceTitle,
    sourceSlug: binding.sourceSlug,
    sourceLanguage: binding.sourceLanguage,
    sourceNumber: binding.sourceNumber,
    latestSourceNumber: binding.latestSourceNumber,
    sourceHtml: source?.html ?? "",
    changes: changes
      ? { from: changes.from.number, to: changes.to.number, html: changes.diff.html, count: changes.diff.changes.length, identical: changes.diff.identical }
      : null,
  };
}
