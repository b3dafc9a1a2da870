/**
 * Named versions of a document: saving the committed text under a name, reading versions back, comparing any two
 * (or one with the live text), and restoring one as a NEW change on top of the live document.
 *
 * Rules (the routes call these; the collaboration server is never bypassed for live clients):
 * - Only editors and organisers save and restore; members read. Callers pass the document as found by
 *   `findDocumentForUser` (permission in its WHERE clause), and every version query re-checks membership.
 * - Saving stores the Yjs state of the committed log (up to `log_seq`) and its renderings: Tiptap JSON, HTML,
 *   plain text.
 * - Restoring never rewrites history: it computes one Yjs update that turns the live (committed) document into the
 *   version's content, validates the result against the schema, appends it to the log with `appendServerUpdate`
 *   (NOTIFY → every open room catches up and relays it to its clients), and records it in the audit log. The live
 *   text just before is saved first as a version ("Before restoring …"), so a restore can itself be undone from
 *   the history page. Edits committed concurrently by others merge with the restore as any Yjs edits do.
 * - Threads (issue 13): the restored text keeps the anchors of threads that still exist where their words are in it
 *   (the version's own marks, or the thread's quote found exactly once), drops those of deleted threads, and leaves
 *   the other threads orphaned with their quote (app/threads/threads.server.ts, `withRestoredAnchors`).
 */
import * as Y from "yjs";
import { z } from "zod";
import type { JSONContent } from "@tiptap/core";
import type { Node as PMNode } from "@tiptap/pm/model";
import { prosemirrorToYXmlFragment } from "@tiptap/y-tiptap";
import type { DocumentWithRole } from "../../db/access";
import { findVersionForUser, insertVersion, listVersionsForUser, VERSION_NAME_KEY, type VersionRow, type VersionSummary } from "../../db/versions";
import {
  documentPlainText,
  renderDocumentHtml,
  tiptapJsonToProseMirror,
  validateYDocAgainstSchema,
  yDocToProseMirror,
} from "../editor/document-tools.server";
import { YJS_FIELD } from "../editor/extensions";
import { loadDocument } from "./document-content.server";
import { appendServerUpdate } from "./document-writes.server";
import { canEditDocuments } from "./roles";
import { withRestoredAnchors } from "../threads/threads.server";
import type { Translate } from "../i18n/instance";
import { tFor } from "../i18n/strings.server";

export type { VersionRow, VersionSummary };

export const VERSION_NAME_MAX = 120;

/** C0/C1 controls, lone surrogates, line/paragraph separators and bidirectional overrides/isolates. */
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cs}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/**
 * A version's name: trimmed, NFC, 1–120 characters (code points, as PostgreSQL counts), no control characters; its
 * refusals in the words of `t` (the page's language: `requestT`).
 */
export const versionNameFieldIn = (t: Translate) => {
  const missing = t("workshop:versionErrors.nameMissing");
  return z
    .string({ message: missing })
    .transform((value) => value.normalize("NFC").trim())
    .superRefine((value, ctx) => {
      if (value === "") ctx.addIssue({ code: "custom", message: missing });
      else if ([...value].length > VERSION_NAME_MAX) {
        ctx.addIssue({ code: "custom", message: t("workshop:versionErrors.nameTooLong", { max: VERSION_NAME_MAX }) });
      } else if (FORBIDDEN_IN_NAME.test(value)) {
        ctx.addIssue({ code: "custom", message: t("workshop:versionErrors.nameControl") });
      }
    });
};

/** In English: the JSON API's answers. */
export const versionNameField = versionNameFieldIn(tFor("en"));

/** The document page's "save a named version" form (kept here, server-only, so the page's browser bundle has no zod). */
export const saveVersionFormSchema = (intent: string, t: Translate = tFor("en")) =>
  z.object({ intent: z.literal(intent, { message: t("workshop:versionErrors.unknownAction") }), name: versionNameFieldIn(t) });

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type VersionErrorReason = "not_editor" | "live_unreadable" | "name_taken" | "unrestorable" | "inexact" | "not_found" | "restored_invalid";

/**
 * Why a version operation was refused; `status` is the HTTP status the routes answer with. `message` is English (the
 * JSON API's); pages say it in their language from `reason` and `values` (`versionErrorText`).
 */
export class VersionError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 500,
    readonly reason: VersionErrorReason,
    readonly values: { name?: string; detail?: string } = {},
  ) {
    super(versionErrorText(tFor("en"), { reason, values }));
  }
}

/** A refusal in the words of `t`. */
export function versionErrorText(t: Translate, error: { reason: VersionErrorReason; values: VersionError["values"] }): string {
  const { name = "", detail = "" } = error.values;
  switch (error.reason) {
    case "not_editor":
      return t("workshop:versionErrors.notEditor");
    case "live_unreadable":
      return t("workshop:versionErrors.liveUnreadable", { detail });
    case "name_taken":
      return t("workshop:versionErrors.nameTaken", { name });
    case "unrestorable":
      return t("workshop:versionErrors.unrestorable", { detail });
    case "inexact":
      return t("workshop:versionErrors.inexact");
    case "not_found":
      return t("workshop:versionErrors.notFound");
    case "restored_invalid":
      return t("workshop:versionErrors.restoredInvalid", { detail });
  }
}

function requireEditor(document: DocumentWithRole): void {
  if (!canEditDocuments(document.role)) {
    throw new VersionError(403, "not_editor");
  }
}

/** The ProseMirror node of a committed Y.Doc, after strict validation (which also keeps y-tiptap from mutating it). */
function validatedProseMirror(doc: Y.Doc): PMNode {
  const valid = validateYDocAgainstSchema(doc);
  if (!valid.ok) throw new VersionError(500, "live_unreadable", { detail: valid.reason });
  return yDocToProseMirror(doc);
}

interface Snapshot {
  node: PMNode;
  state: Uint8Array;
}

const isNameTaken = (error: unknown): boolean =>
  typeof error === "object" && error !== null && (error as { code?: string }).code === "23505" && (error as { constraint_name?: string }).constraint_name === VERSION_NAME_KEY;

/**
 * Store a snapshot as a named version. A name the document already has is refused (409), unless `numbered`: then
 * the first free "name (2)", "name (3)" … is used (automatic names, such as the backup before a restore).
 */
async function storeVersion(documentId: string, userId: string, name: string, seq: number, snapshot: Snapshot, numbered = false) {
  const content = { tiptapJson: snapshot.node.toJSON(), html: renderDocumentHtml(snapshot.node), plainText: documentPlainText(snapshot.node) };
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : withNumber(name, n);
    try {
      return await insertVersion({ documentId, name: candidate, createdBy: userId, logSeq: seq, yjsState: snapshot.state, ...content });
    } catch (error) {
      if (!isNameTaken(error)) throw error;
      if (!numbered || n >= 100) throw new VersionError(409, "name_taken", { name: candidate });
    }
  }
}

/** "name (n)", shortened so that it stays within VERSION_NAME_MAX characters. */
function withNumber(name: string, n: number): string {
  const suffix = ` (${n})`;
  const chars = [...name];
  return chars.length + suffix.length <= VERSION_NAME_MAX ? `${name}${suffix}` : `${chars.slice(0, VERSION_NAME_MAX - suffix.length - 1).join("")}…${suffix}`;
}

/** Save the committed document as a named version (editors and organisers). */
export async function saveVersion(input: { document: DocumentWithRole; userId: string; name: string }): Promise<{ id: string; name: string; createdAt: Date }> {
  requireEditor(input.document);
  const { doc, seq } = await loadDocument(input.document.id);
  try {
    const snapshot = { node: validatedProseMirror(doc), state: Y.encodeStateAsUpdate(doc) };
    return await storeVersion(input.document.id, input.userId, input.name, seq, snapshot);
  } finally {
    doc.destroy();
  }
}

export function listVersions(document: DocumentWithRole, userId: string): Promise<VersionSummary[]> {
  return listVersionsForUser(document.id, userId);
}

/** One version of this document (null: unknown id, malformed id, another document's version, or no access). */
export async function findVersion(document: DocumentWithRole, userId: string, versionId: string): Promise<VersionRow | null> {
  if (!UUID.test(versionId)) return null;
  return findVersionForUser({ documentId: document.id, versionId, userId });
}

/* ------------------------------------------------------------------------ */
/* Comparing                                                                 */
/* ------------------------------------------------------------------------ */

export type ComparableRef = "live" | string;

export interface Comparable {
  ref: ComparableRef;
  /** The version, or null for the live text. */
  version: VersionSummary | null;
  json: JSONContent;
}

/** The live text or one version, as Tiptap JSON (null when the version does not exist here). */
export async function loadComparable(document: DocumentWithRole, userId: string, ref: ComparableRef): Promise<Comparable | null> {
  if (ref === "live") {
    const { doc } = await loadDocument(document.id);
    try {
      return { ref, version: null, json: validatedProseMirror(doc).toJSON() as JSONContent };
    } finally {
      doc.destroy();
    }
  }
  const version = await findVersion(document, userId, ref);
  if (!version) return null;
  const { yjsState: _state, tiptapJson, html: _html, plainText: _text, ...summary } = version;
  return { ref, version: summary, json: tiptapJson as JSONContent };
}

/* ------------------------------------------------------------------------ */
/* Restoring                                                                 */
/* ------------------------------------------------------------------------ */

/** The version's content as a ProseMirror doc (null for an empty document), validated against the schema. */
function versionContent(version: VersionRow): PMNode | null {
  const json = version.tiptapJson as JSONContent;
  if (!json || !Array.isArray(json.content) || json.content.length === 0) return null;
  try {
    return tiptapJsonToProseMirror(json);
  } catch (error) {
    throw new VersionError(409, "unrestorable", { detail: error instanceof Error ? error.message : String(error) });
  }
}

function fragmentMatches(doc: Y.Doc, target: PMNode | null): boolean {
  // Check on a copy: the converter may drop what it cannot build.
  const copy = new Y.Doc();
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    if (!validateYDocAgainstSchema(copy).ok) return false;
    if (target === null) return copy.getXmlFragment(YJS_FIELD).length === 0;
    return yDocToProseMirror(copy).eq(target);
  } finally {
    copy.destroy();
  }
}

/**
 * Turn `doc` (the live document) into `target` in one transaction and return the Yjs update that does it,
 * or null when `doc` already holds exactly that content. Unchanged blocks keep their identity (y-tiptap's
 * minimal update), so collaborators' cursors in them stay put; if the result is not exactly `target`, the
 * fragment is replaced wholesale instead.
 */
export function restoreUpdate(doc: Y.Doc, target: PMNode | null): Uint8Array | null {
  const fragment = doc.getXmlFragment(YJS_FIELD);
  const before = Y.encodeStateVector(doc);
  let changed = false;
  const onUpdate = () => {
    changed = true;
  };
  doc.on("update", onUpdate);
  try {
    doc.transact(() => {
      if (target) prosemirrorToYXmlFragment(target, fragment);
      else fragment.delete(0, fragment.length);
    }, "accord:restore");
    if (!fragmentMatches(doc, target)) {
      doc.transact(() => {
        fragment.delete(0, fragment.length);
        if (target) prosemirrorToYXmlFragment(target, fragment);
      }, "accord:restore");
      if (!fragmentMatches(doc, target)) throw new VersionError(500, "inexact");
    }
  } finally {
    doc.off("update", onUpdate);
  }
  return changed ? Y.encodeStateAsUpdate(doc, before) : null;
}

export interface RestoreResult {
  /** False when the live text already equalled the version (nothing appended). */
  changed: boolean;
  /** Log position of the restore (or of the live text when unchanged). */
  seq: number;
  /** The version saved automatically with the text as it was just before the restore. */
  backupVersionId: string | null;
}

function backupName(versionName: string): string {
  const name = `Before restoring “${versionName}”`;
  const chars = [...name];
  return chars.length <= VERSION_NAME_MAX ? name : `${chars.slice(0, VERSION_NAME_MAX - 2).join("")}…”`;
}

/** Restore a version as a new change on top of the live document (editors and organisers). */
export async function restoreVersion(input: { document: DocumentWithRole; userId: string; versionId: string }): Promise<RestoreResult> {
  requireEditor(input.document);
  const version = await findVersion(input.document, input.userId, input.versionId);
  if (!version) throw new VersionError(404, "not_found");
  const content = versionContent(version);
  // The document's threads keep their anchors where their words are in the restored text; the others are orphaned.
  const target = content ? await withRestoredAnchors(input.document.id, content) : null;
  const { doc, seq } = await loadDocument(input.document.id);
  try {
    const liveValid = validateYDocAgainstSchema(doc).ok;
    const before: Snapshot | null = liveValid ? { node: yDocToProseMirror(doc), state: Y.encodeStateAsUpdate(doc) } : null;
    const update = restoreUpdate(doc, target);
    if (!update) return { changed: false, seq, backupVersionId: null };
    const result = validateYDocAgainstSchema(doc);
    if (!result.ok) throw new VersionError(500, "restored_invalid", { detail: result.reason });
    const backup = before ? await storeVersion(input.document.id, input.userId, backupName(version.name), seq, before, true) : null;
    const appended = await appendServerUpdate(input.document.id, update, input.userId, {
      workshopId: input.document.workshopId,
      action: "document.version_restored",
      details: { documentId: input.document.id, versionId: version.id, versionName: version.name, backupVersionId: backup?.id ?? null },
    });
    return { changed: true, seq: appended.seq, backupVersionId: backup?.id ?? null };
  } finally {
    doc.destroy();
  }
}
