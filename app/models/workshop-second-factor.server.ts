/**
 * A workshop's "organisers must use a second factor" setting, seen and changed by its organisers on the members page
 * (the rule itself: app/auth/second-factor-gate.server.ts). Turning it on needs the organiser's own second factor, so
 * that nobody locks themselves out; every change is in the audit log.
 */
import { getSql } from "../../db/client";
import { insertAudit } from "../../db/memberships";
import { findUsersWithSecondFactor, findWorkshopSecondFactorRule, updateWorkshopSecondFactorRule } from "../../db/second-factor";

export { findUsersWithSecondFactor, findWorkshopSecondFactorRule };

export type RuleChange = { ok: true; changed: boolean } | { ok: false; error: string };

export async function setWorkshopSecondFactorRule(input: { workshopId: string; actorId: string; actorVerified: boolean; required: boolean }): Promise<RuleChange> {
  if (input.required && !input.actorVerified) {
    return { ok: false, error: "Set up your own second factor (and sign in with it) before you require it of every organiser: /account/second-factor." };
  }
  const changed = await getSql().begin(async (tx) => {
    if (!(await updateWorkshopSecondFactorRule(input.workshopId, input.required, tx))) return false;
    const action = input.required ? "workshop.second_factor_required" : "workshop.second_factor_not_required";
    await insertAudit({ workshopId: input.workshopId, actorId: input.actorId, action, details: {} }, tx);
    return true;
  });
  return { ok: true, changed };
}
