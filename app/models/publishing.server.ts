/**
 * Sealing and publishing (organisers) and the public view of a declaration.
 *
 * Publishing a named version: its plain text → canonicalText → canonicalHash (app/declarations/canonical.ts), its
 * HTML rendered again from its Tiptap JSON by the editor's own schema (so the public HTML is always escaped and
 * sanitised, whatever the version row holds), inserted as published version N+1 in a transaction that first locks
 * the declaration's row (two concurrent publishes get N+1 and N+2, never the same number). The first publish
 * creates the declaration with its slug; a slug never moves to another document and never changes. The database
 * refuses any later change of a published version. Then everyone with an active endorsement of an earlier version
 * is e-mailed a link to the changes and to re-confirm.
 */
import { createHash } from "node:crypto";
import type { JSONContent } from "@tiptap/core";
import {
  findDeclarationForDocument,
  findLatestPublishedNumber,
  findPublicDeclaration,
  findPublishedVersion,
  findSlugOwner,
  findVersionToPublish,
  insertDeclarationIfAbsent,
  insertPublishedVersion,
  listPublicDeclarations,
  listPublishedVersions,
  listSignersToNotify,
  listVersionChoices,
  lockDeclaration,
  lockDocumentForPublishing,
  markDocumentPublished,
  updateDeclarationSettings,
  type DeclarationSettings,
  type OrganisationPolicy,
  type PublicDeclaration,
  type PublishedVersion,
  type PublishedVersionSummary,
  type VersionToPublish,
} from "../../db/declarations";
import { getSql } from "../../db/client";
import { insertAudit } from "../../db/memberships";
import {
  countPublicEndorsements,
  countPublicEndorsementsByDocument,
  countPublicEndorsementsOf,
  listPublicCountries,
  listPublicEndorsements,
  type PublicCounts,
} from "../../db/public-endorsements";
import { canonicalHash, canonicalText } from "../declarations/canonical";
import { diffPlainTexts, type TextDiff } from "../diff/text-diff";
import { renderDocumentHtml, tiptapJsonToProseMirror } from "../editor/document-tools.server";
import { getConfig } from "../config.server";
import { sendMails } from "../mail/mailer.server";
import { recipientLocale } from "../mail/recipient-locale";
import { tFor } from "../i18n/strings.server";
import { localeFromAcceptLanguage } from "../i18n/locales";

export type { TextDiff };
export type { DeclarationSettings, OrganisationPolicy, PublicDeclaration, PublishedVersion, PublishedVersionSummary, PublicCounts };
export { listVersionChoices, listPublishedVersions, findDeclarationForDocument };
// The public list and counts (db/public-endorsements.ts), for routes: they import server code from .server modules only.
export { countPublicEndorsements, countPublicEndorsementsOf, listPublicCountries, listPublicEndorsements };

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const SLUG_MAX = 80;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Only organisers publish and change a declaration's settings. */
export { canPublish } from "./roles";

export const isSlug = (value: string): boolean => value.length <= SLUG_MAX && SLUG_PATTERN.test(value);

/**
 * Why a version cannot be published. `message` is English (the JSON API's); pages say it in their language from
 * `reason` (finer than `code`: a translation's refusals share codes with a declaration's) and `values`.
 */
export class PublishError extends Error {
  constructor(
    public readonly code: "version_not_found" | "slug_taken" | "slug_fixed" | "slug_invalid" | "unchanged" | "empty" | "unrenderable" | "not_previewed",
    public readonly status: 400 | 404 | 409,
    message: string,
    public readonly values: { number?: number; slug?: string } = {},
    public readonly reason: PublishErrorReason = code,
  ) {
    super(message);
  }
}

export type PublishErrorReason = PublishError["code"] | "source_unpublished" | "translation_address" | "untranslated";

export interface Published {
  slug: string;
  number: number;
  hash: string;
  publishedAt: Date;
  /** How many earlier signers were e-mailed. */
  notified: number;
}

const isUniqueViolation = (error: unknown, constraint: string): boolean =>
  typeof error === "object" && error !== null && (error as { code?: string }).code === "23505" && (error as { constraint_name?: string }).constraint_name === constraint;

function renderPublicHtml(tiptapJson: unknown): string {
  try {
    return renderDocumentHtml(tiptapJsonToProseMirror(tiptapJson as JSONContent));
  } catch {
    throw new PublishError("unrenderable", 409, "This version's content could not be rendered, so it cannot be published. Save a new named version and publish that.");
  }
}

/** What sealing a named version stores: its canonical text, that text's SHA-256 and its public HTML. */
export interface Seal {
  text: string;
  hash: string;
  html: string;
}

/**
 * The one recipe for what publishing `version` would seal, after the newest published version `latest` (the
 * preview shows exactly this; publishing stores exactly this). Throws PublishError when it cannot be published:
 * no text, content that cannot be rendered, or the very text already published.
 */
export function sealFor(version: Pick<VersionToPublish, "plainText" | "tiptapJson">, latest: { number: number; sha256: string } | null): Seal {
  const text = canonicalText(version.plainText);
  if (text.trim() === "") throw new PublishError("empty", 409, "This version has no text: there is nothing to publish.");
  const hash = canonicalHash(text);
  if (latest && latest.sha256 === hash) {
    throw new PublishError("unchanged", 409, `This text is already published as version ${latest.number} (same SHA-256): nothing to publish.`, { number: latest.number });
  }
  return { text, hash, html: renderPublicHtml(version.tiptapJson) };
}

/**
 * Publish a named version of a document as its next published version. The caller has checked that the actor
 * is an organiser of the document's workshop.
 */
export async function publishVersion(input: {
  documentId: string;
  versionId: string;
  slug?: string | null;
  actorId: string;
  /** The SHA-256 the person saw in the preview: publishing refuses any other text. */
  expectedHash?: string | null;
}): Promise<Published> {
  const requested = input.slug?.trim() || null;
  if (requested !== null && !isSlug(requested)) {
    throw new PublishError("slug_invalid", 400, "A public address may use lower-case letters, digits and single hyphens (at most 80 characters).");
  }
  if (!UUID.test(input.documentId) || !UUID.test(input.versionId)) {
    throw new PublishError("version_not_found", 404, "This document has no named version with that id.");
  }
  let result: Omit<Published, "notified"> & { versionId: string; title: string };
  try {
    result = await getSql().begin(async (tx) => {
      const document = await lockDocumentForPublishing(input.documentId, tx);
      const version = document ? await findVersionToPublish(input.documentId, input.versionId, tx) : null;
      if (!document || !version) throw new PublishError("version_not_found", 404, "This document has no named version with that id.");

      const existing = await findDeclarationForDocument(document.id, tx);
      const wanted = existing?.slug ?? requested ?? document.slug;
      if (existing && requested !== null && requested !== existing.slug) {
        throw new PublishError("slug_fixed", 409, `This declaration is already published at /d/${existing.slug}; its public address cannot change.`, { slug: existing.slug });
      }
      const owner = await findSlugOwner(wanted, tx);
      if (owner && owner !== document.id) {
        throw new PublishError("slug_taken", 409, `The public address /d/${wanted} is already used by another declaration. Choose another one.`, { slug: wanted });
      }
      await insertDeclarationIfAbsent({ documentId: document.id, slug: wanted }, tx);
      // From here on, publishes of this document are serialised on its declaration row.
      const declaration = await lockDeclaration(document.id, tx);
      if (!declaration) throw new Error("publishVersion: the declaration row vanished");
      if (requested !== null && requested !== declaration.slug) {
        throw new PublishError("slug_fixed", 409, `This declaration was just published at /d/${declaration.slug}; its public address cannot change.`, { slug: declaration.slug });
      }

      const latest = await findLatestPublishedNumber(document.id, tx);
      const { text, hash, html } = sealFor(version, latest);
      if (input.expectedHash != null && input.expectedHash !== hash) {
        throw new PublishError("not_previewed", 409, "This is not the text you previewed: open the preview again and check it before publishing.");
      }
      const number = (latest?.number ?? 0) + 1;
      const published = await insertPublishedVersion(
        { documentId: document.id, number, versionId: version.id, title: document.title, canonicalText: text, html, sha256: hash, publishedBy: input.actorId },
        tx,
      );
      await markDocumentPublished(document.id, tx);
      await insertAudit(
        {
          workshopId: document.workshopId,
          actorId: input.actorId,
          action: "declaration.published",
          details: { documentId: document.id, versionId: version.id, versionName: version.name, slug: declaration.slug, number, sha256: hash },
        },
        tx,
      );
      return { slug: declaration.slug, number, hash, publishedAt: published.publishedAt, versionId: published.id, title: document.title };
    });
  } catch (error) {
    if (isUniqueViolation(error, "declarations_slug_key")) {
      throw new PublishError("slug_taken", 409, `The public address /d/${requested ?? "…"} is already used by another declaration. Choose another one.`, { slug: requested ?? "…" });
    }
    throw error;
  }
  const notified = result.number >= 2 ? await notifyEarlierSigners({ documentId: input.documentId, publishedVersionId: result.versionId, ...result }) : 0;
  return { slug: result.slug, number: result.number, hash: result.hash, publishedAt: result.publishedAt, notified };
}

/**
 * E-mail everyone with an active endorsement of an earlier version who has not endorsed the new one: the mails are
 * stored in the outbox in a few statements (500 a statement, whatever the number of signers) and sent in the
 * background. A failure to store some is logged (without addresses) and does not undo the publish.
 */
async function notifyEarlierSigners(p: { documentId: string; publishedVersionId: string; slug: string; number: number; title: string }): Promise<number> {
  const signers = await listSignersToNotify(p.documentId, p.publishedVersionId);
  const base = `${getConfig().publicUrl}/d/${p.slug}`;
  const mails = signers.map((signer) => {
    // In the account's language, else the language of the translation they read, else English.
    const t = tFor(recipientLocale(signer.accountLanguage, localeFromAcceptLanguage(signer.readLanguage)));
    const fromEarlier =
      signer.latestNumber < p.number - 1
        ? `\n${t("mail:newVersion.fromEarlier", { number: signer.latestNumber, link: `${base}/changes/${p.number}?from=${signer.latestNumber}` })}`
        : "";
    return {
      to: signer.email,
      subject: t("mail:newVersion.subject", { title: p.title }),
      text: t("mail:newVersion.body", {
        greeting: t("mail:greeting.named", { name: signer.name }),
        title: p.title,
        endorsed: signer.latestNumber,
        number: p.number,
        previous: p.number - 1,
        changes: `${base}/changes/${p.number}`,
        fromEarlier,
        reconfirm: `${base}/reconfirm`,
      }),
    };
  });
  return sendMails(mails);
}

export async function setEndorsementsOpen(documentId: string, workshopId: string, actorId: string, open: boolean): Promise<DeclarationSettings | null> {
  return getSql().begin(async (tx) => {
    const updated = await updateDeclarationSettings(documentId, { endorsementsOpen: open }, tx);
    if (updated) {
      await insertAudit({ workshopId, actorId, action: open ? "declaration.endorsements_opened" : "declaration.endorsements_closed", details: { documentId, slug: updated.slug } }, tx);
    }
    return updated;
  });
}

export async function setOrganisationPolicy(documentId: string, workshopId: string, actorId: string, policy: OrganisationPolicy): Promise<DeclarationSettings | null> {
  return getSql().begin(async (tx) => {
    const before = await lockDeclaration(documentId, tx);
    if (!before) return null;
    const updated = await updateDeclarationSettings(documentId, { organisationPolicy: policy }, tx);
    if (updated && before.organisationPolicy !== policy) {
      await insertAudit({ workshopId, actorId, action: "declaration.organisation_policy_changed", details: { documentId, slug: updated.slug, from: before.organisationPolicy, to: policy } }, tx);
    }
    return updated;
  });
}

/* The public side ---------------------------------------------------------------------------------------- */

export interface PublicDeclarationView extends PublicDeclaration {
  counts: PublicCounts;
  versions: PublishedVersionSummary[];
  url: string;
  apiUrl: string;
}

/** A declaration as the public sees it (null for an unknown or malformed slug). */
export async function loadPublicDeclaration(slug: string): Promise<PublicDeclarationView | null> {
  if (!isSlug(slug)) return null;
  const declaration = await findPublicDeclaration(slug);
  if (!declaration) return null;
  const [counts, versions] = await Promise.all([
    countPublicEndorsementsOf({ documentId: declaration.documentId }),
    listPublishedVersions(declaration.documentId),
  ]);
  const base = getConfig().publicUrl;
  return { ...declaration, counts, versions, url: `${base}/d/${declaration.slug}`, apiUrl: `${base}/api/declarations/${declaration.slug}` };
}

export async function loadPublishedVersion(documentId: string, number: number): Promise<PublishedVersion | null> {
  if (!Number.isSafeInteger(number) || number < 1) return null;
  return findPublishedVersion(documentId, number);
}

/** Every published declaration with its current version and counts (for /declarations and the JSON list). */
export async function loadPublicDeclarations() {
  const [declarations, counts] = await Promise.all([listPublicDeclarations(), countPublicEndorsementsByDocument()]);
  const zero: PublicCounts = { current: 0, earlier: 0, individuals: 0, organisations: 0, earlierIndividuals: 0, earlierOrganisations: 0 };
  return declarations.map((d) => ({ ...d, counts: counts.get(d.documentId) ?? zero }));
}

/** The four counts of the JSON contract. */
export const contractCounts = (c: PublicCounts) => ({ current: c.current, earlier: c.earlier, individuals: c.individuals, organisations: c.organisations });

/* Diffs between published versions ------------------------------------------------------------------------- */

// Published versions never change, so the diff between two of them can be kept: also one that ran out of its time
// budget (shown with changed blocks whole), so that a diff too costly to finish is paid for once per key, not on every
// request for it (an anonymous visitor could otherwise spend up to the budget's CPU per request).
const diffCache = new Map<string, TextDiff>();
const DIFF_CACHE_SIZE = 200;

/** The readable diff (app/diff/text-diff.ts, escaped HTML) of two published versions' canonical texts. */
function diffPublished(a: PublishedVersion, b: PublishedVersion, headingOffset: number, budgetMs: number | undefined): TextDiff {
  const key = `${a.id}:${b.id}:${headingOffset}`;
  const cached = diffCache.get(key);
  if (cached) return cached;
  const diff = diffPlainTexts(a.canonicalText, b.canonicalText, { headingOffset, budgetMs });
  if (diffCache.size >= DIFF_CACHE_SIZE) diffCache.delete(diffCache.keys().next().value!);
  diffCache.set(key, diff);
  return diff;
}

/**
 * The diff from published version `from` to `to` of a declaration, or null when either does not exist.
 * `headingOffset`: how many levels the text's headings move down (1 under the page's h1, 2 under an h2).
 * `budgetMs`: the diff's time budget (text-diff's default when absent).
 */
export async function loadChanges(
  documentId: string,
  from: number,
  to: number,
  headingOffset = 1,
  budgetMs?: number,
): Promise<{ from: PublishedVersion; to: PublishedVersion; diff: TextDiff } | null> {
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 1 && to > from)) return null;
  const [a, b] = await Promise.all([loadPublishedVersion(documentId, from), loadPublishedVersion(documentId, to)]);
  if (!a || !b) return null;
  return { from: a, to: b, diff: diffPublished(a, b, headingOffset, budgetMs) };
}

/** A short description for link previews: the text's start, after its title line. */
export function previewText(canonical: string, title: string, max = 200): string {
  const lines = canonical.split("\n").filter((l) => l.trim() !== "");
  if (lines[0]?.trim() === title.trim()) lines.shift();
  const text = lines.join(" ").replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1).replace(/\s+\S*$/, "")}…` : text;
}

/* Cacheable public responses ------------------------------------------------------------------------------- */

/** Public, credential-free answers may be cached briefly by anyone and read from any site. */
const PUBLIC_HEADERS = { "Cache-Control": "public, max-age=30", "Access-Control-Allow-Origin": "*" } as const;

/** True when the request's If-None-Match names this entity tag (weak comparison, as RFC 9110 asks for GET). */
export function matchesIfNoneMatch(request: Request, etag: string): boolean {
  const header = request.headers.get("If-None-Match");
  if (!header) return false;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || tag.replace(/^W\//, "") === bare;
  });
}

/**
 * A public body with a strong ETag (SHA-256 of the exact bytes) and a short public Cache-Control; answers 304
 * without a body when the client already holds it.
 */
export function cacheableResponse(request: Request, body: string, contentType: string, extra: Record<string, string> = {}): Response {
  const etag = `"${createHash("sha256").update(body, "utf8").digest("base64url")}"`;
  const headers = { ...PUBLIC_HEADERS, ETag: etag, ...extra };
  if (matchesIfNoneMatch(request, etag)) return new Response(null, { status: 304, headers });
  return new Response(body, { status: 200, headers: { "Content-Type": contentType, ...headers } });
}

export const cacheableJson = (request: Request, value: unknown): Response =>
  cacheableResponse(request, JSON.stringify(value), "application/json; charset=utf-8");

/** The declaration and its current version only (badge, CSV): no counts or version list. */
export async function findPublicDeclarationBySlug(slug: string): Promise<PublicDeclaration | null> {
  return isSlug(slug) ? findPublicDeclaration(slug) : null;
}
