/**
 * Endorsing a published declaration: the rules shared by the form, the JSON API, re-confirmation, withdrawal,
 * receipts and the organisers' moderation queue and exports.
 *
 * - Each endorsement is bound to the CURRENT published version: its id and its SHA-256 (the database checks the hash).
 * - Individuals: evidence 'email' (a confirmed address is required to endorse at all).
 * - Organisations: evidence 'domain' when the signer's e-mail domain is the website's domain or a subdomain of it,
 *   else 'unverified'; under the policy 'verified_only' an unverified organisation waits as 'pending' until an
 *   organiser verifies it (evidence 'verified').
 * - One per person and one per organisation per version: the partial unique indexes decide (409).
 * - Rate limits: 10 attempts an hour per account and 60 per IP (hashed keys; every attempt counts).
 * - Storing goes through ./endorsement-writer.server.ts, which writes concurrent endorsements in batches.
 * - Never log e-mails or IPs: nothing here logs at all.
 */
import { getSql } from "../../db/client";
import type { AppLoadContext } from "@remix-run/node";
import { findDocumentForUser } from "../../db/access";
import {
  countEndorsementsOfDocument,
  findCurrentVersionByDocument,
  findCurrentVersionsBySlugs,
  findEndorsementWithVersion,
  listEndorsementsForExport,
  listEndorsementsOfDocument,
  listReconfirmable,
  listUserEndorsements,
  listUserEndorsementsOfDocument,
  moderateEndorsement,
  withdrawEndorsement,
  type CurrentVersion,
  type EndorsementWithVersion,
  type Evidence,
  type ExportRow,
  type ModerationAction,
  type Moderation,
  type NewEndorsement,
} from "../../db/endorsements";
import { insertAudit } from "../../db/memberships";
import { requireSecondFactorFor } from "../auth/second-factor-gate.server";
import type { UserRow } from "../../db/users";
import { getConfig } from "../config.server";
import { emailMatchesWebsite, parseEndorsementInput, parseWebsite, organisationKey, type EndorsementInput } from "../declarations/endorsement-input";
import { describeIndividual, describeOrganisation, ENGLISH, EVIDENCE_KEYS, KIND_KEYS, publicPartsOf, type Words } from "../declarations/endorsement-words";

/** The language pages show listings and labels in (English by default). */
export interface InWords {
  t: Words;
  locale: string;
}
const IN_ENGLISH: InWords = { t: ENGLISH, locale: "en" };
import type { FieldErrors } from "../utils/forms.server";
import { notFound, requireUser } from "../utils/guards.server";
import { countEndorsement } from "../utils/metrics.server";
import { writeEndorsement } from "./endorsement-writer.server";
import { createMicroBatcher } from "../utils/micro-batch.server";
import { canModerateEndorsements } from "./roles";
import { findTranslationIn, loadDeclarationLanguages } from "./translations.server";
import { languageNameInEnglish } from "../declarations/languages";
import { requestT } from "../i18n/strings.server";
import { roleName } from "../workshops/words";


/** A refusal with its HTTP status and words (and, for 400, the fields to fix). */
export class EndorsementError extends Error {
  constructor(
    public readonly status: 400 | 401 | 403 | 404 | 409 | 429,
    message: string,
    public readonly fields?: FieldErrors,
    public readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isEndorsementId = (id: string | undefined): id is string => typeof id === "string" && UUID.test(id);

export function receiptUrl(id: string): string {
  return `${getConfig().publicUrl}/e/${id}`;
}

/**
 * Requests arriving together (a signing spike) read their declarations' current versions in one statement: each is
 * still read when its request arrives, never kept (a version published, or endorsements closed, a moment ago counts).
 */
const findCurrentVersion = createMicroBatcher<string, CurrentVersion | null>(
  async (slugs) => {
    const found = await findCurrentVersionsBySlugs([...new Set(slugs)]);
    return slugs.map((slug) => found.get(slug) ?? null);
  },
  { maxBatch: 200, maxConcurrent: 1 },
);

/** The declaration's current published version, or null (unknown slug, never published, malformed slug). */
export async function findDeclarationToEndorse(slug: string | undefined): Promise<CurrentVersion | null> {
  if (!slug || slug.length > 80 || !SLUG.test(slug)) return null;
  return findCurrentVersion(slug);
}

export const NOT_PUBLISHED = "No published declaration has that address.";
export const CLOSED = "Endorsements of this declaration are closed: the organisers are not accepting new endorsements at the moment.";
export const UNVERIFIED_EMAIL = "Confirm your e-mail address before endorsing: open the link we sent you, or ask for a new one at /verify-email/resend.";

function requireCanEndorse(user: UserRow, current: CurrentVersion | null): CurrentVersion {
  if (!current) throw new EndorsementError(404, NOT_PUBLISHED);
  if (!user.emailVerifiedAt) throw new EndorsementError(403, UNVERIFIED_EMAIL);
  if (!current.endorsementsOpen) throw new EndorsementError(403, CLOSED);
  return current;
}

// ── Creating ───────────────────────────────────────────────────────────────────────────────────────────────

function evidenceFor(user: UserRow, website: string): Evidence {
  const parsed = parseWebsite(website);
  return parsed && emailMatchesWebsite(user.email, parsed.host) ? "domain" : "unverified";
}

function moderationFor(evidence: Evidence, current: CurrentVersion): Moderation {
  return evidence === "unverified" && current.organisationPolicy === "verified_only" ? "pending" : "visible";
}

/** What every endorsement of the current version carries: the version, its hash, the signer, what it re-confirms. */
function bindingOf(user: UserRow, current: CurrentVersion, reconfirms: string | null) {
  return { publishedVersionId: current.publishedVersionId, versionSha256: current.sha256, userId: user.id, reconfirms };
}

type Binding = ReturnType<typeof bindingOf>;

/** A person's endorsement: the confirmed e-mail is its evidence, and it is listed at once. (Tests build rows with it too.) */
export function individualRow(
  binding: Binding,
  p: Pick<NewEndorsement, "displayName" | "roleTitle" | "affiliation" | "country" | "capacity" | "statement" | "publicFields">,
): NewEndorsement {
  return {
    ...binding,
    ...p,
    kind: "individual",
    organisationName: null,
    organisationKey: null,
    organisationType: null,
    website: null,
    signerRole: null,
    authorised: null,
    evidence: "email",
    moderation: "visible",
  };
}

/** An organisation's endorsement: its evidence decides whether it waits for the organisers (per the policy). */
function organisationRow(
  binding: Binding,
  current: CurrentVersion,
  o: Pick<NewEndorsement, "country" | "organisationName" | "organisationKey" | "organisationType" | "website" | "signerRole">,
  evidence: Evidence,
): NewEndorsement {
  return {
    ...binding,
    ...o,
    kind: "organisation",
    displayName: null,
    roleTitle: null,
    affiliation: null,
    capacity: null,
    statement: null,
    publicFields: [],
    authorised: true,
    evidence,
    moderation: moderationFor(evidence, current),
  };
}

function rowFor(user: UserRow, current: CurrentVersion, input: EndorsementInput): NewEndorsement {
  const binding = bindingOf(user, current, null);
  if (input.kind === "individual") {
    return individualRow(binding, {
      displayName: input.name,
      roleTitle: input.role || null,
      affiliation: input.affiliation || null,
      country: input.country,
      capacity: input.capacity,
      statement: input.statement || null,
      publicFields: [...input.publicFields],
    });
  }
  const o = {
    country: input.country,
    organisationName: input.organisationName,
    organisationKey: organisationKey(input.organisationName),
    organisationType: input.organisationType,
    website: input.website,
    signerRole: input.signerRole,
  };
  return organisationRow(binding, current, o, evidenceFor(user, input.website));
}

/**
 * Endorsing from a translated page: the translation the public reads in `language` (null for the authoritative
 * language or none given). The endorsement stays bound to the authoritative version; the translation is recorded.
 */
async function translationRead(current: CurrentVersion, language: string | null | undefined): Promise<Pick<NewEndorsement, "readLanguage" | "readTranslationId" | "readSha256">> {
  if (!language) return {};
  const { language: original, translations } = await loadDeclarationLanguages(current.documentId, current.number);
  if (original.toLowerCase() === language.toLowerCase()) return {};
  const read = findTranslationIn(translations, language);
  if (!read) throw new EndorsementError(400, "Some of the details need correcting.", { readLanguage: "This declaration has no published translation into that language." });
  return { readLanguage: read.language, readTranslationId: read.id, readSha256: read.sha256 };
}

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === "23505";

/** Store the endorsement (rate limit and uniqueness included), or the refusal in words. */
async function store(row: NewEndorsement, current: CurrentVersion, ip: string | null): Promise<{ id: string }> {
  const outcome = await writeEndorsement({ row, ip });
  if (outcome.status === "created") return outcome;
  if (outcome.status === "limited") {
    const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
    throw new EndorsementError(
      429,
      `Too many endorsements in a short time. Please try again in ${minutes === 1 ? "a minute" : `${minutes} minutes`}.`,
      undefined,
      outcome.retryAfterSeconds,
    );
  }
  throw new EndorsementError(
    409,
    row.kind === "individual"
      ? `You have already endorsed version ${current.number} of this declaration. You can withdraw that endorsement from its receipt.`
      : `This organisation has already endorsed version ${current.number} of this declaration.`,
  );
}

export interface Created {
  id: string;
  receiptUrl: string;
  kind: "individual" | "organisation";
  evidence: Evidence;
  moderation: Moderation;
}

/** Create an endorsement of the declaration's current version from a JSON body or a form (already shaped). */
export function createEndorsement(input: { user: UserRow; slug: string | undefined; body: unknown; ip: string | null }): Promise<Created> {
  return countEndorsement(create(input));
}

async function create(input: { user: UserRow; slug: string | undefined; body: unknown; ip: string | null }): Promise<Created> {
  const current = requireCanEndorse(input.user, await findDeclarationToEndorse(input.slug));
  const parsed = parseEndorsementInput(input.body);
  if (!parsed.ok) throw new EndorsementError(400, "Some of the details need correcting.", parsed.fieldErrors);
  const row = { ...rowFor(input.user, current, parsed.data), ...(await translationRead(current, parsed.data.readLanguage)) };
  const { id } = await store(row, current, input.ip);
  return { id, receiptUrl: receiptUrl(id), kind: row.kind, evidence: row.evidence, moderation: row.moderation };
}

// ── Re-confirming ──────────────────────────────────────────────────────────────────────────────────────────

export interface ReconfirmChoice {
  id: string;
  kind: "individual" | "organisation";
  versionNumber: number;
  createdAt: string;
  /** How it is listed (the signer's own view: for an organisation awaiting verification too). */
  listing: string;
}

export interface ReconfirmPage {
  current: CurrentVersion;
  choices: ReconfirmChoice[];
  /** Live endorsements of the current version by this user (already re-confirmed or endorsed). */
  currentOnes: { id: string; kind: "individual" | "organisation"; listing: string; createdAt: string }[];
}

function ownListing(e: EndorsementWithVersion, words: InWords = IN_ENGLISH): string {
  if (e.kind === "organisation") return describeOrganisation(e, words.t, words.locale);
  const listing = describeIndividual(
    publicPartsOf({ name: e.displayName, role: e.roleTitle, affiliation: e.affiliation, country: e.country, capacity: e.capacity }, e.publicFields),
    words.t,
    words.locale,
  );
  return listing;
}

export async function loadReconfirmPage(user: UserRow, current: CurrentVersion, words: InWords = IN_ENGLISH): Promise<ReconfirmPage> {
  const [choices, mine] = await Promise.all([listReconfirmable(user.id, current), listUserEndorsementsOfDocument(user.id, current.documentId)]);
  return {
    current,
    choices: choices.map((e) => ({ id: e.id, kind: e.kind, versionNumber: e.versionNumber, createdAt: e.createdAt.toISOString(), listing: ownListing(e, words) })),
    currentOnes: mine
      .filter((e) => e.versionNumber === current.number && !e.withdrawnAt)
      .map((e) => ({ id: e.id, kind: e.kind, listing: ownListing(e, words), createdAt: e.createdAt.toISOString() })),
  };
}

/**
 * Endorse the current version with the same details as an earlier endorsement of the same user (`reconfirms` =
 * its id). The earlier one stays as it is, bound to its version. An organisation verified by the organisers stays
 * verified (same signer, same organisation); otherwise its evidence is worked out again.
 */
export function reconfirmEndorsement(input: ReconfirmInput): Promise<Created> {
  return countEndorsement(reconfirm(input));
}

/** `readLanguage`: the translation read (as on the endorse form), recorded with its hash; null or "" for none. */
interface ReconfirmInput {
  user: UserRow;
  slug: string | undefined;
  endorsementId: string;
  readLanguage?: string | null;
  ip: string | null;
}

async function reconfirm(input: ReconfirmInput): Promise<Created> {
  const current = requireCanEndorse(input.user, await findDeclarationToEndorse(input.slug));
  const old = isEndorsementId(input.endorsementId) ? (await listReconfirmable(input.user.id, current)).find((e) => e.id === input.endorsementId) : undefined;
  if (!old) {
    throw new EndorsementError(409, `There is no earlier endorsement of yours to re-confirm: you may already endorse version ${current.number}.`);
  }
  const binding = bindingOf(input.user, current, old.id);
  const row =
    old.kind === "individual"
      ? individualRow(binding, {
          displayName: old.displayName,
          roleTitle: old.roleTitle,
          affiliation: old.affiliation,
          country: old.country ?? "",
          capacity: old.capacity,
          statement: old.statement,
          publicFields: old.publicFields,
        })
      : organisationRow(
          binding,
          current,
          {
            country: old.country ?? "",
            organisationName: old.organisationName,
            organisationKey: old.organisationKey,
            organisationType: old.organisationType,
            website: old.website,
            signerRole: old.signerRole,
          },
          // Verified by the organisers stays verified (same signer, same organisation); else worked out again.
          old.evidence === "verified" && old.moderation === "visible" ? "verified" : evidenceFor(input.user, old.website ?? ""),
        );
  const read = await translationRead(current, input.readLanguage?.trim().slice(0, 40) || null);
  const { id } = await store({ ...row, ...read }, current, input.ip);
  return { id, receiptUrl: receiptUrl(id), kind: row.kind, evidence: row.evidence, moderation: row.moderation };
}

// ── Withdrawing and receipts ───────────────────────────────────────────────────────────────────────────────

/** The signer withdraws their endorsement: false when it is not theirs (or does not exist). Repeating is harmless. */
export async function withdrawOwnEndorsement(userId: string, id: string | undefined): Promise<boolean> {
  if (!isEndorsementId(id)) return false;
  return (await withdrawEndorsement(id, userId)) !== null;
}

export type ReceiptStatus = "listed" | "withdrawn" | "pending" | "hidden" | "rejected";

/** One of the signer's own endorsements, as their "My endorsements" page lists it. */
export interface OwnEndorsement {
  id: string;
  title: string;
  slug: string;
  versionNumber: number;
  currentNumber: number;
  kind: "individual" | "organisation";
  createdAt: Date;
  status: ReceiptStatus;
  withdrawnAt: Date | null;
  /** How it reads in the list (nothing once withdrawn: its details are erased). */
  listing: string | null;
}

/** Every endorsement the user made, newest first, with its status in the receipt's terms. */
export async function listOwnEndorsements(userId: string): Promise<OwnEndorsement[]> {
  const rows = await listUserEndorsements(userId);
  return rows.map((e) => {
    const status = statusOf(e);
    return {
      id: e.id,
      title: e.title,
      slug: e.slug,
      versionNumber: e.versionNumber,
      currentNumber: e.currentNumber,
      kind: e.kind,
      createdAt: e.createdAt,
      status,
      withdrawnAt: e.withdrawnAt,
      listing: status === "withdrawn" ? null : ownListing(e),
    };
  });
}

/** Everything the receipt page shows. Only public facts, plus — for the signer alone — their own listing and status. */
export interface ReceiptView {
  id: string;
  kind: "individual" | "organisation";
  kindLabel: string;
  title: string;
  slug: string;
  versionNumber: number;
  currentNumber: number;
  sha256: string;
  publishedAt: string;
  createdAt: string;
  evidence: Evidence;
  evidenceLabel: string;
  status: ReceiptStatus;
  withdrawnAt: string | null;
  /** The public listing (only while listed; for the signer also while waiting or hidden). */
  listing: string | null;
  statement: string | null;
  website: string | null;
  isSigner: boolean;
  /** Shown to the signer only. */
  moderationReason: string | null;
  reconfirmed: boolean;
  /** Endorsed from a translated page: the translation read (the endorsement is of the authoritative text). */
  read: { language: string; name: string; sha256: string } | null;
}

function statusOf(e: EndorsementWithVersion): ReceiptStatus {
  if (e.withdrawnAt) return "withdrawn";
  if (e.moderation === "hidden") return "hidden";
  if (e.moderation === "rejected") return "rejected";
  if (e.moderation === "pending") return "pending";
  // The public rule (db/public-endorsements.ts): an unverified organisation is listed only under 'list_unverified'.
  if (e.kind === "organisation" && e.evidence === "unverified" && e.organisationPolicy === "verified_only") return "pending";
  return "listed";
}

export async function loadReceipt(id: string | undefined, viewerId: string | null, words: InWords = IN_ENGLISH): Promise<ReceiptView | null> {
  if (!isEndorsementId(id)) return null;
  const e = await findEndorsementWithVersion(id);
  if (!e) return null;
  const status = statusOf(e);
  const isSigner = viewerId !== null && e.userId === viewerId;
  const showListing = status === "listed" || (isSigner && status !== "withdrawn");
  const publicStatement = e.kind === "individual" && e.publicFields.includes("statement") ? e.statement : null;
  return {
    id: e.id,
    kind: e.kind,
    kindLabel: words.t(KIND_KEYS[e.kind]),
    title: e.title,
    slug: e.slug,
    versionNumber: e.versionNumber,
    currentNumber: e.currentNumber,
    sha256: e.versionSha256,
    publishedAt: e.publishedAt.toISOString(),
    createdAt: e.createdAt.toISOString(),
    evidence: e.evidence,
    evidenceLabel: words.t(EVIDENCE_KEYS[e.evidence]),
    status,
    withdrawnAt: e.withdrawnAt ? e.withdrawnAt.toISOString() : null,
    listing: showListing ? ownListing(e, words) : null,
    statement: showListing ? publicStatement : null,
    website: showListing && e.kind === "organisation" ? e.website : null,
    isSigner,
    moderationReason: isSigner && status !== "withdrawn" ? e.moderationReason : null,
    reconfirmed: e.reconfirms !== null,
    read: e.readLanguage && e.readSha256 ? { language: e.readLanguage, name: languageNameInEnglish(e.readLanguage), sha256: e.readSha256 } : null,
  };
}

// ── Organisers ─────────────────────────────────────────────────────────────────────────────────────────────

export { countEndorsementsOfDocument, findCurrentVersionByDocument, listEndorsementsForExport, listEndorsementsOfDocument };

/** The document and its organiser (pages: 404 outside the workshop, 403 for a member who is not an organiser). */
export async function requireEndorsementOrganiser(request: Request, context: AppLoadContext, id: string | undefined) {
  const auth = await requireUser(request, context);
  const { user } = auth;
  const document = await findDocumentForUser(id ?? "", user.id);
  if (!document) throw notFound();
  if (!canModerateEndorsements(document.role)) {
    const t = await requestT(request, context);
    throw new Response(
      t("workshop:moderation.onlyOrganisers", { workshop: document.workshopTitle, document: document.title, role: roleName(t, document.role) }),
      { status: 403, statusText: "Forbidden", headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } },
    );
  }
  await requireSecondFactorFor(auth, { id: document.workshopId, title: document.workshopTitle }, "page");
  return { user, document };
}

const PAST: Record<ModerationAction, string> = { verify: "verified", reject: "rejected", hide: "hidden", unhide: "unhidden" };

/** One moderation step, recorded in the audit log in the same transaction. null: it was no longer possible. */
export async function moderate(input: {
  actorId: string;
  workshopId: string;
  documentId: string;
  endorsementId: string;
  action: ModerationAction;
  reason: string | null;
}): Promise<{ moderation: Moderation; evidence: Evidence } | null> {
  if (!isEndorsementId(input.endorsementId)) return null;
  try {
    return await getSql().begin(async (tx) => {
      const done = await moderateEndorsement({ id: input.endorsementId, documentId: input.documentId, action: input.action, reason: input.reason }, tx);
      if (!done) return null;
      await insertAudit(
        {
          workshopId: input.workshopId,
          actorId: input.actorId,
          action: `endorsement.${PAST[input.action]}`,
          details: { documentId: input.documentId, endorsementId: input.endorsementId, ...(input.reason ? { reason: input.reason } : {}) },
        },
        tx,
      );
      return { moderation: done.moderation, evidence: done.evidence };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new EndorsementError(409, "Another endorsement by this organisation is already listed for that version: hide or reject it first.");
  }
}

export async function recordExport(input: { actorId: string; workshopId: string; documentId: string; format: "csv" | "json"; rows: number }): Promise<void> {
  await insertAudit({
    workshopId: input.workshopId,
    actorId: input.actorId,
    action: "endorsements.exported",
    details: { documentId: input.documentId, format: input.format, rows: input.rows },
  });
}

// ── Exports ────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Spreadsheet-formula neutralisation (OWASP "CSV injection"): a cell beginning with = + - @, a tab or a carriage
 * return gets a leading apostrophe, so Excel, LibreOffice and Google Sheets show it as text instead of running it.
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One CSV field: neutralised, then quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = neutraliseCell(value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.join(" ") : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const EXPORT_COLUMNS: [string, (r: ExportRow) => unknown][] = [
  ["id", (r) => r.id],
  ["version", (r) => r.versionNumber],
  ["version_sha256", (r) => r.versionSha256],
  ["kind", (r) => r.kind],
  ["created_at", (r) => r.createdAt],
  ["withdrawn_at", (r) => r.withdrawnAt],
  ["erased_at", (r) => r.erasedAt],
  ["moderation", (r) => r.moderation],
  ["moderation_reason", (r) => r.moderationReason],
  ["evidence", (r) => r.evidence],
  ["name", (r) => r.displayName],
  ["role", (r) => r.roleTitle],
  ["affiliation", (r) => r.affiliation],
  ["country", (r) => r.country],
  ["capacity", (r) => r.capacity],
  ["statement", (r) => r.statement],
  ["public_fields", (r) => r.publicFields],
  ["organisation_name", (r) => r.organisationName],
  ["organisation_type", (r) => r.organisationType],
  ["website", (r) => r.website],
  ["signer_role", (r) => r.signerRole],
  ["signer_email", (r) => r.signerEmail],
  ["reconfirms", (r) => r.reconfirms],
  // Endorsed from a translation (issue 14): the language read and that translation's SHA-256 (empty: the original).
  ["read_language", (r) => r.readLanguage],
  ["read_sha256", (r) => r.readSha256],
];

/** CSV with a UTF-8 byte-order mark (so Excel reads the accents), CRLF line ends, every cell neutralised. */
export function endorsementsCsv(rows: ExportRow[]): string {
  const lines = [EXPORT_COLUMNS.map(([name]) => name).join(",")];
  for (const row of rows) lines.push(EXPORT_COLUMNS.map(([, get]) => csvField(get(row))).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** The same rows as JSON objects (values as stored: JSON is data, not a spreadsheet). */
export function endorsementsJson(rows: ExportRow[]): Record<string, unknown>[] {
  return rows.map((row) => Object.fromEntries(EXPORT_COLUMNS.map(([name, get]) => [name, get(row) ?? null])));
}
