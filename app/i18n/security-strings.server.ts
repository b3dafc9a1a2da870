/**
 * The `security` strings a page needs, not the whole namespace: its groups are the second factor's sign-in step,
 * its set-up page, the access tokens, the password reset, and words only the server uses (refusals, mails), which
 * never travel to the browser.
 */
import type { AppLoadContext } from "@remix-run/node";
import type { Strings } from "./instance";
import type { Namespace } from "./locales";
import { routeStrings } from "./strings.server";

/** The top-level groups of app/locales/<locale>/security.json a page may send (not `errors` and `mail`: server-side). */
export type SecurityGroup = "ceremony" | "signIn" | "setup" | "tokens" | "reset";

/** `also`: the page's other namespaces, sent whole (as `routeStrings` does). */
export async function securityStrings(
  request: Request,
  context: AppLoadContext,
  groups: readonly SecurityGroup[],
  also: readonly Exclude<Namespace, "common" | "mail" | "security">[] = [],
): Promise<Strings> {
  const all = await routeStrings(request, context, [...also, "security"]);
  const wanted = new Set<string>(groups);
  return { ...all, security: Object.fromEntries(Object.entries(all.security ?? {}).filter(([group]) => wanted.has(group))) };
}
