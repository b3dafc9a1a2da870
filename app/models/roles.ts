/**
 * Roles and what each may do: the one set of rules used by HTTP routes, the collaboration socket and the CLI.
 * (Pure: also imported by browser code to decide what to show; the server always re-checks.)
 */
import type { Role } from "../../db/access";

export type { Role };
export const ROLES: readonly Role[] = ["organizer", "editor", "commenter", "viewer"];

export const ROLE_LABELS: Record<Role, string> = {
  organizer: "Organiser",
  editor: "Editor",
  commenter: "Commenter",
  viewer: "Viewer",
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  organizer: "Edits, manages members and invitations, publishes",
  editor: "Edits documents",
  commenter: "Reads documents, comments on them and proposes changes",
  viewer: "Reads documents",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export const canReadDocuments = (role: Role | null | undefined): boolean => role != null;
export const canEditDocuments = (role: Role | null | undefined): boolean => role === "organizer" || role === "editor";
export const canManageMembers = (role: Role | null | undefined): boolean => role === "organizer";
/** Publishing a version and moderating or exporting its endorsements are the organisers'. */
export const canPublish = (role: Role | null | undefined): boolean => role === "organizer";
export const canModerateEndorsements = canPublish;
/** Starting threads, replying and proposing changes in a document's discussion: commenters and up. */
export const canDiscuss = (role: Role | null | undefined): boolean => role === "organizer" || role === "editor" || role === "commenter";
/** Resolving anyone's thread, deleting any comment, accepting or rejecting proposals: the editors. */
export const canModerateThreads = canEditDocuments;
/** Resolving or reopening a thread, or deleting a comment: its author while they may discuss, or an editor. */
export const canChangeOwnOrModerate = (role: Role | null | undefined, own: boolean): boolean =>
  canModerateThreads(role) || (own && canDiscuss(role));

/** How long an invitation link may stay valid, in days (the form's choices). */
export const INVITATION_DAYS = [1, 7, 30] as const;

/** How many people may join with one invitation link (the form's choices; links mailed to an address: 1). */
export const INVITATION_USES = [1, 5, 25, 100] as const;

/** How many addresses one "invite by e-mail" form may carry. */
export const MAX_INVITATION_ADDRESSES = 20;
