/**
 * The threads API's refusals that people can meet in the discussion panel, each with a stable `code` sent beside the
 * English `error` (`{error, code, fields?}`): API clients keep reading `error`; the panel says the code's words in the
 * page's language (app/threads/api.ts, editor.json's `refusals`). Server-only: the browser imports the type alone.
 */
import { MAX_COMMENT_CHARS, MAX_OPEN_THREADS, MAX_PROPOSAL_CHARS, MAX_QUOTE_CHARS, MAX_REASON_CHARS } from "./contract";

const count = (n: number) => n.toLocaleString("en");

export const REFUSALS = {
  commentEmpty: "Write something first.",
  commentTooLong: `A comment may have at most ${count(MAX_COMMENT_CHARS)} characters.`,
  commentControls: "The comment contains control characters.",
  quoteTooLong: `Quote at most ${count(MAX_QUOTE_CHARS)} characters.`,
  selectionTooLong: `Select at most ${count(MAX_QUOTE_CHARS)} characters.`,
  proposalTooLong: `A proposal may have at most ${count(MAX_PROPOSAL_CHARS)} characters.`,
  proposalOneParagraph: "A proposal replaces words within one paragraph: no line breaks or control characters.",
  reasonTooLong: `A reason may have at most ${count(MAX_REASON_CHARS)} characters.`,
  reasonControls: "The reason contains control characters.",
  viewerCannotStart: "Viewers can read the discussion but not start threads.",
  viewerCannotReply: "Viewers can read the discussion but not reply.",
  viewerCannotPropose: "Viewers can read the discussion but not propose changes.",
  tooManyOpenThreads: `This document already has ${MAX_OPEN_THREADS} open threads. Resolve some before starting more.`,
  wordsEdges: "The words must start and end with text.",
  wordsNotFound: "Those words are not in the current text.",
  wordsMoreThanOnce: "Those words appear more than once in the text; add a prefix or suffix to choose one.",
  selectionUnreadable: "The selection could not be read.",
  selectionGone: "The selected words are no longer in the text.",
  notMarked: "Those words could not be marked.",
  notYourComment: "Only its author, the editors and the organisers can change a comment.",
  commentDeleted: "That comment was deleted.",
  commentAlreadyDeleted: "That comment was already deleted.",
  notYourThread: "Commenters can resolve and reopen only their own threads.",
  moderatorsDelete: "Only the editors and organisers delete threads.",
  moderatorsReattach: "Only the editors and organisers re-attach threads.",
  threadDeleted: "That thread was deleted.",
  threadAlreadyDeleted: "That thread was already deleted.",
  stillAttached: "This thread is still attached to words of the text; only an orphaned thread can be re-attached.",
  moderatorsDecide: "Only the editors and organisers decide proposals.",
  alreadyAccepted: "This proposal was already accepted.",
  alreadyRejected: "This proposal was already rejected.",
  alreadyWithdrawn: "This proposal was already withdrawn.",
} as const;

export type RefusalCode = keyof typeof REFUSALS;

/** `{error, code}` for a ThreadError's body. */
export const refusal = (code: RefusalCode) => ({ error: REFUSALS[code], code });

const byMessage = new Map<string, RefusalCode>(Object.entries(REFUSALS).map(([code, message]) => [message, code as RefusalCode]));

/** The code of an English refusal written with REFUSALS (a zod message), if it is one. */
export const refusalCodeOf = (message: string): RefusalCode | undefined => byMessage.get(message);
