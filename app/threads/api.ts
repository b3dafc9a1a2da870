/**
 * The browser's calls to the threads API (docs/api.md, issue 13's Contracts): same-origin fetches with the session
 * cookie, so the server's Origin check and authorization apply as to any other request. Every failure becomes a
 * `ThreadApiError` carrying the server's own words (its `error`, English) if it said any; `threadErrorText` turns it
 * into words for people in the page's language: in English the server's words, else a refusal the server names by its
 * `code` (app/threads/refusals.ts), else a sentence for the status (editor.json's `errors`).
 */
import type { Translate } from "../i18n/instance";
import type { Locale } from "../i18n/locales";
import { formatNumberIn } from "../i18n/format";
import { MAX_COMMENT_CHARS, MAX_OPEN_THREADS, MAX_PROPOSAL_CHARS, MAX_QUOTE_CHARS, MAX_REASON_CHARS, THREAD_SEQ_HEADER } from "./contract";
import type { RefusalCode } from "./refusals";
import type { EncodedRange, OutdatedProposal, QuoteSelector, Thread } from "./types";

export class ThreadApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
    /** The message is already in the page's language (said by the browser itself, not by a status). */
    readonly local = false,
  ) {
    super(message);
  }
}

/** The words of a refusal the server named by its code, in the page's language (null for a code this page does not know). */
function refusalText(t: Translate, locale: Locale, code: RefusalCode): string | null {
  const max = (n: number) => ({ max: formatNumberIn(locale, n) });
  switch (code) {
    case "commentEmpty":
      return t("editor:refusals.commentEmpty");
    case "commentTooLong":
      return t("editor:refusals.commentTooLong", max(MAX_COMMENT_CHARS));
    case "commentControls":
      return t("editor:refusals.commentControls");
    case "quoteTooLong":
      return t("editor:refusals.quoteTooLong", max(MAX_QUOTE_CHARS));
    case "selectionTooLong":
      return t("editor:refusals.selectionTooLong", max(MAX_QUOTE_CHARS));
    case "proposalTooLong":
      return t("editor:refusals.proposalTooLong", max(MAX_PROPOSAL_CHARS));
    case "proposalOneParagraph":
      return t("editor:refusals.proposalOneParagraph");
    case "reasonTooLong":
      return t("editor:refusals.reasonTooLong", max(MAX_REASON_CHARS));
    case "reasonControls":
      return t("editor:refusals.reasonControls");
    case "viewerCannotStart":
      return t("editor:refusals.viewerCannotStart");
    case "viewerCannotReply":
      return t("editor:refusals.viewerCannotReply");
    case "viewerCannotPropose":
      return t("editor:refusals.viewerCannotPropose");
    case "tooManyOpenThreads":
      return t("editor:refusals.tooManyOpenThreads", max(MAX_OPEN_THREADS));
    case "wordsEdges":
      return t("editor:refusals.wordsEdges");
    case "wordsNotFound":
      return t("editor:refusals.wordsNotFound");
    case "wordsMoreThanOnce":
      return t("editor:refusals.wordsMoreThanOnce");
    case "selectionUnreadable":
      return t("editor:refusals.selectionUnreadable");
    case "selectionGone":
      return t("editor:refusals.selectionGone");
    case "notMarked":
      return t("editor:refusals.notMarked");
    case "notYourComment":
      return t("editor:refusals.notYourComment");
    case "commentDeleted":
      return t("editor:refusals.commentDeleted");
    case "commentAlreadyDeleted":
      return t("editor:refusals.commentAlreadyDeleted");
    case "notYourThread":
      return t("editor:refusals.notYourThread");
    case "moderatorsDelete":
      return t("editor:refusals.moderatorsDelete");
    case "moderatorsReattach":
      return t("editor:refusals.moderatorsReattach");
    case "threadDeleted":
      return t("editor:refusals.threadDeleted");
    case "threadAlreadyDeleted":
      return t("editor:refusals.threadAlreadyDeleted");
    case "stillAttached":
      return t("editor:refusals.stillAttached");
    case "moderatorsDecide":
      return t("editor:refusals.moderatorsDecide");
    case "alreadyAccepted":
      return t("editor:refusals.alreadyAccepted");
    case "alreadyRejected":
      return t("editor:refusals.alreadyRejected");
    case "alreadyWithdrawn":
      return t("editor:refusals.alreadyWithdrawn");
    default:
      return null;
  }
}

/** The `code` of a refusal's body, if it has one. */
function codeOf(body: unknown): RefusalCode | null {
  return body && typeof body === "object" && "code" in body && typeof body.code === "string" ? (body.code as RefusalCode) : null;
}

/**
 * Words for a failed call in the page's language: the refusal the server named by its `code`, else the status's, or
 * the browser's own (`local`); in English, the server's own words (which may name the field at fault). `fallback` for
 * anything that is not a ThreadApiError.
 */
export function threadErrorText(t: Translate, locale: Locale, caught: unknown, fallback: string): string {
  if (!(caught instanceof ThreadApiError)) return fallback;
  if (caught.local || (locale === "en" && caught.status !== 0 && caught.message)) return caught.message;
  const code = codeOf(caught.body);
  const refused = code ? refusalText(t, locale, code) : null;
  if (refused) return refused;
  switch (caught.status) {
    case 0:
      return t("editor:errors.offline");
    case 400:
      return t("editor:errors.invalid");
    case 401:
      return t("editor:errors.signedOut");
    case 403:
      return t("editor:errors.forbidden");
    case 404:
      return t("editor:errors.notFound");
    case 409:
      return t("editor:errors.conflict");
    case 413:
      return t("editor:errors.tooLong");
    case 429:
      return t("editor:errors.tooMany");
    default:
      return t("editor:errors.server");
  }
}

/** The server's own words for a failure (English, naming the field at fault), or "" if it said none. */
function describe(body: unknown): string {
  if (body && typeof body === "object" && "error" in body && typeof body.error === "string" && body.error !== "outdated") {
    const fields = "fields" in body && body.fields && typeof body.fields === "object" ? Object.values(body.fields as Record<string, unknown>) : [];
    const detail = fields.flat().find((f): f is string => typeof f === "string");
    return detail ? `${body.error} ${detail}` : body.error;
  }
  return "";
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await exchange<T>(method, path, body)).value;
}

async function exchange<T>(method: string, path: string, body?: unknown): Promise<{ value: T; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new ThreadApiError("", 0, null);
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) throw new ThreadApiError(describe(parsed), response.status, parsed);
  return { value: parsed as T, headers: response.headers };
}

/** The threads, and the seq of the latest thread event they include (null if the server did not say). */
async function listThreads(documentId: string): Promise<{ threads: Thread[]; seq: number | null }> {
  const { value, headers } = await exchange<Thread[]>("GET", `/api/documents/${encodeURIComponent(documentId)}/threads`);
  const seq = Number(headers.get(THREAD_SEQ_HEADER) ?? "");
  return { threads: value, seq: Number.isSafeInteger(seq) && seq >= 0 && headers.has(THREAD_SEQ_HEADER) ? seq : null };
}

export const threadsApi = {
  list: listThreads,
  createComment: (documentId: string, input: { body: string; range: EncodedRange } | { body: string; quote: QuoteSelector }) =>
    call<{ id: string }>("POST", `/api/documents/${encodeURIComponent(documentId)}/threads`, input),
  createProposal: (documentId: string, input: ({ quote: QuoteSelector } | { range: EncodedRange }) & { proposed: string; body?: string }) =>
    call<{ id: string }>("POST", `/api/documents/${encodeURIComponent(documentId)}/proposals`, input),
  reply: (threadId: string, body: string) => call<{ id: string }>("POST", `/api/threads/${encodeURIComponent(threadId)}/comments`, { body }),
  editComment: (commentId: string, body: string) => call<unknown>("PATCH", `/api/comments/${encodeURIComponent(commentId)}`, { body }),
  deleteComment: (commentId: string) => call<unknown>("DELETE", `/api/comments/${encodeURIComponent(commentId)}`),
  reattach: (threadId: string, input: { range: EncodedRange } | { quote: QuoteSelector }) =>
    call<{ id: string; quote: QuoteSelector }>("POST", `/api/threads/${encodeURIComponent(threadId)}/reattach`, input),
  deleteThread: (threadId: string) => call<unknown>("DELETE", `/api/threads/${encodeURIComponent(threadId)}`),
  resolve: (threadId: string) => call<unknown>("POST", `/api/threads/${encodeURIComponent(threadId)}/resolve`),
  reopen: (threadId: string) => call<unknown>("POST", `/api/threads/${encodeURIComponent(threadId)}/reopen`),
  accept: (proposalId: string) => call<unknown>("POST", `/api/proposals/${encodeURIComponent(proposalId)}/accept`),
  reject: (proposalId: string, reason?: string) =>
    call<unknown>("POST", `/api/proposals/${encodeURIComponent(proposalId)}/reject`, reason ? { reason } : {}),
};

/** The body of a 409 `outdated` answer to accepting a proposal, or null for any other error. */
export function outdatedProposal(error: unknown): OutdatedProposal | null {
  if (!(error instanceof ThreadApiError) || error.status !== 409) return null;
  const body = error.body as Partial<OutdatedProposal> | null;
  if (body?.error !== "outdated" || typeof body.current !== "string") return null;
  return { error: "outdated", original: String(body.original ?? ""), current: body.current, proposed: String(body.proposed ?? "") };
}
