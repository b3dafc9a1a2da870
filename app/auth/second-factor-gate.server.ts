/**
 * "Organisers must use a second factor": a workshop setting (on for workshops created since migration 0019, off for
 * those that existed before). Where it is on, publishing (pages and the JSON API), moderating and exporting
 * endorsements, and managing members and invitations need a caller who proved a second factor:
 * - a browser session that verified it (at sign-in, or when it was set up) of an account that still has one;
 * - a personal access token created from such a session, while the account still has one (docs/security.md).
 * Every organiser door calls `requireSecondFactorFor` after its role check: one rule for all of them.
 */
import { findWorkshopSecondFactorRule } from "../../db/second-factor";
import { refusalResponse, type Door } from "./access-gate.server";
import type { RequestAuth } from "./request-auth.server";

export const SET_UP_PATH = "/account/second-factor";

/** Whether this caller counts as having proved a second factor. */
export function provedSecondFactor(auth: RequestAuth): boolean {
  return auth.via === "session" ? auth.session.secondFactor : auth.token.secondFactor;
}

/** Why this caller may not act as an organiser of a workshop that requires a second factor; null when it may. */
export function secondFactorProblem(auth: RequestAuth, workshop: { title: string; required: boolean }): string | null {
  if (!workshop.required || provedSecondFactor(auth)) return null;
  if (auth.via === "token") {
    return `“${workshop.title}” requires its organisers to use a second factor. This token does not count as one: set up a second factor at ${SET_UP_PATH}, sign in with it, and create a new token from that session.`;
  }
  return `“${workshop.title}” requires its organisers to use a second factor to publish, moderate endorsements, export signers’ addresses and manage members. Set one up on your account at ${SET_UP_PATH} (an authenticator app on your phone; it takes a minute), or, if you have one, sign out and sign in again with it.`;
}

/** Throw a 403 (words on pages, JSON on the API) when the workshop requires a second factor this caller did not prove. */
export async function requireSecondFactorFor(auth: RequestAuth, workshop: { id: string; title: string }, door: Door): Promise<void> {
  const required = (await findWorkshopSecondFactorRule(workshop.id)) ?? false;
  const problem = secondFactorProblem(auth, { title: workshop.title, required });
  if (problem) throw refusalResponse({ status: 403, error: problem }, door);
}
