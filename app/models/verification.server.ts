/**
 * Verifying a text without a command line (/verify): the text is made canonical by the published recipe
 * (app/declarations/canonical.ts), hashed, and looked up among every published version. When a declaration is named
 * and nothing matches, the text is compared with that declaration's current version, so a reader sees what differs.
 */
import { listPublishedVersionsByHash, type PublishedMatch } from "../../db/declarations";
import { canonicalHash, canonicalText } from "../declarations/canonical";
import { diffPlainTexts, type TextDiff } from "../diff/text-diff";
import { findPublicDeclarationBySlug } from "./publishing.server";
import { listPublishedTranslationsByHash, type TranslationMatch } from "../../db/translations";

export type { PublishedMatch, TranslationMatch };

/** The most a pasted or uploaded text may weigh (a long declaration is well under 100 kB). */
export const MAX_VERIFY_BYTES = 1024 * 1024;

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface Verification {
  hash: string;
  /** Characters of the canonical text that was hashed. */
  length: number;
  matches: PublishedMatch[];
  /** Sealed translations with this fingerprint (issue 14). */
  translations: TranslationMatch[];
  /** When nothing matched and a declaration was named: what differs from its current version. */
  comparison: { slug: string; title: string; number: number; diff: TextDiff } | null;
}

export class VerifyError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** An uploaded file as text: UTF-8 only (a byte-order mark is dropped), refused when too large or not valid UTF-8. */
export async function textOfUpload(file: Blob): Promise<string> {
  if (file.size > MAX_VERIFY_BYTES) throw new VerifyError(413, "That file is larger than 1 MB: choose the text file of the declaration.");
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(await file.arrayBuffer());
  } catch {
    throw new VerifyError(400, "That file is not plain text in UTF-8. Choose the text file (.txt) downloaded from the declaration's page.");
  }
}

export async function verifyHash(hash: string): Promise<PublishedMatch[]> {
  return SHA256_HEX.test(hash) ? listPublishedVersionsByHash(hash) : [];
}

/** The sealed translations with this fingerprint. */
export async function verifyTranslationHash(hash: string): Promise<TranslationMatch[]> {
  return SHA256_HEX.test(hash) ? listPublishedTranslationsByHash(hash) : [];
}

export async function verifyText(input: { text: string; slug?: string | null }): Promise<Verification> {
  if (new TextEncoder().encode(input.text).byteLength > MAX_VERIFY_BYTES) throw new VerifyError(413, "That text is longer than 1 MB.");
  const canonical = canonicalText(input.text);
  if (canonical.trim() === "") throw new VerifyError(400, "Paste the text to check, or choose its file.");
  const hash = canonicalHash(canonical);
  const [matches, translations] = await Promise.all([listPublishedVersionsByHash(hash), listPublishedTranslationsByHash(hash)]);
  let comparison: Verification["comparison"] = null;
  if (matches.length === 0 && translations.length === 0 && input.slug) {
    const declaration = await findPublicDeclarationBySlug(input.slug);
    if (declaration) {
      const { current } = declaration;
      comparison = { slug: declaration.slug, title: current.title, number: current.number, diff: diffPlainTexts(current.canonicalText, canonical, { headingOffset: 2 }) };
    }
  }
  return { hash, length: [...canonical].length, matches, translations, comparison };
}
