/**
 * The names of roles, document kinds and statuses in the page's language (issue 14), for every page that shows them:
 * the workshop pages (through app/workshops/words.ts), the document page and its presence list (said by the loader,
 * app/workshops/page-names.server.ts, so the editor's bundle carries none of this). Pure and free of date formatting.
 * Each key is written whole so tests/unit/locales.test.ts can find it.
 */
import type { Translate } from "../i18n/instance";
import type { Role } from "../models/roles";

const ROLES: Record<Role, string> = {
  organizer: "workshop:roles.organizer",
  editor: "workshop:roles.editor",
  commenter: "workshop:roles.commenter",
  viewer: "workshop:roles.viewer",
};

const KINDS: Record<string, string> = {
  declaration: "workshop:kinds.declaration",
  statement: "workshop:kinds.statement",
  guidance: "workshop:kinds.guidance",
  discussion_paper: "workshop:kinds.discussionPaper",
};

const STATUSES: Record<string, string> = {
  draft: "workshop:statuses.draft",
  published: "workshop:statuses.published",
  archived: "workshop:statuses.archived",
};

/** `value`'s name under `keys`, or `value` itself when it has none (never a key of Object's prototype). */
const nameIn = (keys: Record<string, string>, t: Translate, value: string): string => (Object.hasOwn(keys, value) ? t(keys[value]!) : value);

/** A role's name; anything that is not a role is named as the least of them, a viewer. */
export const roleName = (t: Translate, role: Role): string => t(Object.hasOwn(ROLES, role) ? ROLES[role] : ROLES.viewer);

/** Every role's name, for a page that names the roles of people it learns of in the browser (the presence list). */
export const roleNames = (t: Translate): Record<Role, string> => ({
  organizer: roleName(t, "organizer"),
  editor: roleName(t, "editor"),
  commenter: roleName(t, "commenter"),
  viewer: roleName(t, "viewer"),
});

/** A document kind's name ("declaration" → "Declaration"); an unknown kind as it is. */
export const kindName = (t: Translate, kind: string): string => nameIn(KINDS, t, kind);

/** A document status's name ("draft" → "Draft"); an unknown status as it is. */
export const statusName = (t: Translate, status: string): string => nameIn(STATUSES, t, status);
