/**
 * Workshop membership rules: organisers change roles, remove members and create invitation links.
 * A workshop always keeps at least one organiser. Every change is written to the audit log.
 */
import { getSql } from "../../db/client";
import { findInvitation, insertInvitation, listActiveInvitations, revokeInvitation } from "../../db/invitations";
import {
  countOrganizers,
  deleteMembership,
  findMemberRole,
  insertAudit,
  insertMembershipIfAbsent,
  listMembers,
  lockWorkshopMemberships,
  upsertMembership,
} from "../../db/memberships";
import { findUserByEmail } from "../../db/users";
import { createSecretToken, parseSecretToken, secretMatches } from "../auth/secret-token.server";
import { getConfig } from "../config.server";
import type { Role } from "./roles";

export { listMembers, listActiveInvitations };

export class MembershipError extends Error {
  constructor(
    public readonly code: "last_organizer" | "not_member" | "unknown_user",
    message: string,
  ) {
    super(message);
  }
}

export async function changeMemberRole(workshopId: string, actorId: string, userId: string, role: Role): Promise<void> {
  await getSql().begin(async (tx) => {
    await lockWorkshopMemberships(workshopId, tx);
    const current = await findMemberRole(workshopId, userId, tx);
    if (!current) throw new MembershipError("not_member", "That person is not a member of this workshop.");
    if (current === "organizer" && role !== "organizer" && (await countOrganizers(workshopId, tx)) <= 1) {
      throw new MembershipError("last_organizer", "A workshop needs at least one organiser: make someone else an organiser first.");
    }
    await upsertMembership(workshopId, userId, role, tx);
    await insertAudit({ workshopId, actorId, action: "member.role_changed", details: { userId, from: current, to: role } }, tx);
  });
}

export async function removeMember(workshopId: string, actorId: string, userId: string): Promise<void> {
  await getSql().begin(async (tx) => {
    await lockWorkshopMemberships(workshopId, tx);
    const current = await findMemberRole(workshopId, userId, tx);
    if (!current) throw new MembershipError("not_member", "That person is not a member of this workshop.");
    if (current === "organizer" && (await countOrganizers(workshopId, tx)) <= 1) {
      throw new MembershipError("last_organizer", "A workshop needs at least one organiser: make someone else an organiser first.");
    }
    await deleteMembership(workshopId, userId, tx);
    await insertAudit({ workshopId, actorId, action: "member.removed", details: { userId, role: current } }, tx);
  });
}

/** Operator path (CLI): add or change a member by e-mail. */
export async function addMemberByEmail(workshopId: string, email: string, role: Role): Promise<{ previous: Role | null }> {
  const user = await findUserByEmail(email.trim().toLowerCase());
  if (!user) throw new MembershipError("unknown_user", `No account uses the e-mail ${email}.`);
  const previous = await upsertMembership(workshopId, user.id, role);
  await insertAudit({ workshopId, actorId: null, action: "member.set_by_operator", details: { userId: user.id, role } });
  return { previous };
}

export const INVITATION_PREFIX = "inv_";
export { INVITATION_DAYS } from "./roles";

export async function createInvitation(workshopId: string, actorId: string, role: Role, days: number): Promise<{ url: string; expiresAt: Date }> {
  const { id, token, secretHash } = createSecretToken(INVITATION_PREFIX);
  const expiresAt = new Date(Date.now() + days * 24 * 3600 * 1000);
  await insertInvitation({ id, secretHash, workshopId, role, createdBy: actorId, expiresAt });
  await insertAudit({ workshopId, actorId, action: "invitation.created", details: { invitationId: id, role, expiresAt } });
  return { url: `${getConfig().publicUrl}/join/${token}`, expiresAt };
}

export async function cancelInvitation(workshopId: string, actorId: string, invitationId: string): Promise<boolean> {
  const done = await revokeInvitation(workshopId, invitationId);
  if (done) await insertAudit({ workshopId, actorId, action: "invitation.revoked", details: { invitationId } });
  return done;
}

export type InvitationLookup =
  | { status: "valid"; invitationId: string; workshopId: string; workshopSlug: string; workshopTitle: string; role: Role; expiresAt: Date }
  | { status: "invalid" }
  | { status: "expired"; workshopTitle: string };

export async function lookupInvitation(token: string): Promise<InvitationLookup> {
  const parsed = parseSecretToken(token, INVITATION_PREFIX);
  if (!parsed) return { status: "invalid" };
  const row = await findInvitation(parsed.id);
  if (!row || !secretMatches(parsed.secret, row.secretHash)) return { status: "invalid" };
  if (row.revokedAt || row.expiresAt.getTime() <= Date.now()) return { status: "expired", workshopTitle: row.workshopTitle };
  return {
    status: "valid",
    invitationId: row.id,
    workshopId: row.workshopId,
    workshopSlug: row.workshopSlug,
    workshopTitle: row.workshopTitle,
    role: row.role,
    expiresAt: row.expiresAt,
  };
}

/** Join through a link. Someone who is already a member keeps their role (a link never downgrades). */
export async function acceptInvitation(token: string, userId: string): Promise<InvitationLookup & { joined?: boolean }> {
  const found = await lookupInvitation(token);
  if (found.status !== "valid") return found;
  const joined = await insertMembershipIfAbsent(found.workshopId, userId, found.role);
  if (joined) {
    await insertAudit({ workshopId: found.workshopId, actorId: userId, action: "member.joined_by_invitation", details: { invitationId: found.invitationId, role: found.role } });
  }
  return { ...found, joined };
}
