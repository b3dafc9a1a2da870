/**
 * The `workshop` strings a page needs, not the whole namespace: the namespace holds every workshop page's words, and
 * a page sends the browser only the groups its components use (smaller pages; a viewer's page carries no words of
 * the organisers' tools).
 */
import type { AppLoadContext } from "@remix-run/node";
import type { Strings } from "../i18n/instance";
import { routeStrings } from "../i18n/strings.server";

/** The top-level groups of app/locales/<locale>/workshop.json. */
export type WorkshopGroup =
  | "shared"
  | "list"
  | "workshop"
  | "members"
  | "secondFactor"
  | "newInvitation"
  | "invite"
  | "memberTable"
  | "invitations"
  | "publish"
  | "translations"
  | "history"
  | "moderation"
  | "version"
  | "versionThreads"
  | "compare";

/** Always sent: words every workshop page uses (roles, kinds, statuses, the breadcrumbs' name). */
const SHARED = ["yourRole", "roles", "kinds", "statuses"];

export async function workshopStrings(request: Request, context: AppLoadContext, groups: readonly WorkshopGroup[]): Promise<Strings> {
  const all = await routeStrings(request, context, ["workshop"]);
  const full = all.workshop ?? {};
  const wanted = new Set<string>([...SHARED, ...groups]);
  return { ...all, workshop: Object.fromEntries(Object.entries(full).filter(([group]) => wanted.has(group))) };
}
