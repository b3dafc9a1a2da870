/**
 * What the discussion panel shows, worked out without React: which threads a filter keeps, in document order, with
 * counts; who may do what (the server decides again; this only avoids offering what it would refuse).
 */
import { canChangeOwnOrModerate, canDiscuss, canModerateThreads, type Role } from "../models/roles";
import type { AnchorRange } from "./thread-highlights";
import type { Thread } from "./types";

export type ThreadFilter = "open" | "resolved" | "all";

export const THREAD_FILTERS: readonly ThreadFilter[] = ["open", "resolved", "all"];

export function countThreads(threads: readonly Thread[]): Record<ThreadFilter, number> {
  const open = threads.filter((t) => t.status === "open").length;
  return { open, resolved: threads.length - open, all: threads.length };
}

/** The threads a filter keeps: those anchored in the text first, in its order, then the others, oldest first. */
export function visibleThreads(threads: readonly Thread[], filter: ThreadFilter, order: ReadonlyMap<string, AnchorRange>): Thread[] {
  const positions = new Map<string, number>();
  let index = 0;
  for (const id of order.keys()) positions.set(id, index++);
  return threads
    .filter((t) => filter === "all" || t.status === filter)
    .slice()
    .sort((a, b) => {
      const pa = positions.get(a.id) ?? Number.MAX_SAFE_INTEGER;
      const pb = positions.get(b.id) ?? Number.MAX_SAFE_INTEGER;
      return pa !== pb ? pa - pb : a.createdAt.localeCompare(b.createdAt);
    });
}

// The rules are the server's (app/models/roles.ts); the panel only hides what the server would refuse.
export const canComment = canDiscuss;
export const canDecide = canModerateThreads;

/** Commenters resolve and reopen their own threads (the server says which are: `mine`); editors and organisers any. */
export function canResolve(role: Role, thread: Pick<Thread, "mine">): boolean {
  return canChangeOwnOrModerate(role, thread.mine);
}

/** Authors edit and delete their own comments; editors and organisers delete any. */
export function canEditComment(comment: Pick<Thread["comments"][number], "mine">): boolean {
  return comment.mine;
}
export function canDeleteComment(role: Role, comment: Pick<Thread["comments"][number], "mine">): boolean {
  return canChangeOwnOrModerate(role, comment.mine);
}

/** Editors and organisers delete whole threads (the anchor goes with it). */
export const canDeleteThread = canModerateThreads;

/** The open threads and pending proposals the text highlights. */
export function highlighted(threads: readonly Thread[]): { id: string; proposed: string | null }[] {
  return threads
    .filter((t) => t.status === "open")
    .map((t) => ({ id: t.id, proposed: t.kind === "proposal" && t.proposal?.status === "pending" ? t.proposal.proposed : null }));
}

/**
 * A long quote shortened in its middle to about `max` characters, so both ends of the selected words show (the
 * composer's "On the words:"); cut at a space where one is near, else between characters (Chinese has no spaces).
 */
export function quoteExcerpt(text: string, max = 160): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const half = Math.floor((max - 1) / 2);
  let head = chars.slice(0, half).join("");
  let tail = chars.slice(-half).join("");
  const headCut = head.search(/\s\S*$/);
  if (headCut > head.length / 2) head = head.slice(0, headCut);
  const tailCut = tail.search(/\s/);
  if (tailCut !== -1 && tailCut < tail.length / 2) tail = tail.slice(tailCut);
  return `${head.trimEnd()} … ${tail.trimStart()}`;
}

/** A proposal is named by its thread's id. */
export const proposalId = (thread: Thread): string => thread.id;

/**
 * What to do with a thread event on the socket, given the seq of the last event the list holds (null: unknown) and
 * whether the list is being loaded: "skip" an event the list already includes, "apply" the next one, "reload" on a
 * gap, an unreadable event (null) or while loading.
 */
export function eventStep(lastSeq: number | null, event: { seq: number } | null, loading: boolean): "skip" | "apply" | "reload" {
  if (event === null || loading) return "reload";
  if (lastSeq === null) return "apply";
  if (event.seq <= lastSeq) return "skip";
  return event.seq === lastSeq + 1 ? "apply" : "reload";
}
