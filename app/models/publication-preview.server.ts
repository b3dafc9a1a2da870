/**
 * The preview an organiser sees before sealing a named version: exactly what publishing would store (the recipe is
 * `sealFor` in ./publishing.server, shared with the publish itself), what changed since the version now public,
 * and warnings — a version older than the public one, sections left empty. A version that cannot be published
 * (no text, the very text already public) is shown with the reason instead of a seal.
 */
import type { JSONContent } from "@tiptap/core";
import { findLatestPublished, findVersionToPublish } from "../../db/declarations";
import { emptySections } from "../declarations/empty-sections";
import { diffPlainTexts, type TextDiff } from "../diff/text-diff";
import { PublishError, sealFor, type PublishErrorReason, type Seal } from "./publishing.server";

export type PreviewWarning =
  | { kind: "older"; publishedNumber: number; publishedVersionName: string }
  | { kind: "empty-sections"; headings: string[] };

export interface PublicationPreview {
  version: { id: string; name: string; createdAt: Date; authorName: string | null };
  /** What would be sealed; null when `refusal` says why nothing can be. */
  seal: (Seal & { words: number }) | null;
  refusal: string | null;
  /** The refusal's reason and values, for the page to say it in its language. */
  refusedWith: { reason: PublishErrorReason; values: PublishError["values"] } | null;
  /** The number it would be published as. */
  number: number;
  latest: { number: number; sha256: string; publishedAt: Date } | null;
  /** From the public version's canonical text to this one's (null for a first publication or a refusal). */
  diff: TextDiff | null;
  warnings: PreviewWarning[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const countWords = (text: string): number => text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.length ?? 0;

/** The preview of publishing `versionId` of this document now; null when the document has no such version. */
export async function previewPublication(documentId: string, versionId: string, headingOffset = 2): Promise<PublicationPreview | null> {
  if (!UUID.test(documentId) || !UUID.test(versionId)) return null;
  const [version, latest] = await Promise.all([findVersionToPublish(documentId, versionId), findLatestPublished(documentId)]);
  if (!version) return null;
  let seal: Seal | null = null;
  let refusal: string | null = null;
  let refusedWith: PublicationPreview["refusedWith"] = null;
  try {
    seal = sealFor(version, latest);
  } catch (error) {
    if (!(error instanceof PublishError)) throw error;
    refusal = error.message;
    refusedWith = { reason: error.reason, values: error.values };
  }
  const warnings: PreviewWarning[] = [];
  // Compared to the microsecond: two versions saved within one millisecond are still one before the other.
  if (latest && latest.versionId !== version.id && version.savedAtMicros < latest.versionSavedAtMicros) {
    warnings.push({ kind: "older", publishedNumber: latest.number, publishedVersionName: latest.versionName });
  }
  const headings = emptySections(version.tiptapJson as JSONContent);
  if (headings.length > 0) warnings.push({ kind: "empty-sections", headings });
  return {
    version: { id: version.id, name: version.name, createdAt: version.createdAt, authorName: version.authorName },
    seal: seal ? { ...seal, words: countWords(seal.text) } : null,
    refusal,
    refusedWith,
    number: (latest?.number ?? 0) + 1,
    latest: latest ? { number: latest.number, sha256: latest.sha256, publishedAt: latest.publishedAt } : null,
    diff: seal && latest ? diffPlainTexts(latest.canonicalText, seal.text, { headingOffset }) : null,
    warnings,
  };
}
