/**
 * Workshop membership rules: organisers change roles and remove members; operators add members by e-mail.
 * A workshop always keeps at least one organiser; only verified accounts become members. Removing someone also
 * revokes the invitation links they created and bars them from every link made before (app/models/invitations.server.ts
 * checks it). Every change is written to the audit log.
 */
import { getSql } from "../../db/client";
import { revokeInvitationsCreatedBy } from "../../db/invitations";
import {
  countOrganizers,
  deleteMembership,
  findMemberRole,
  insertAudit,
  listMembers,
  lockWorkshopMemberships,
  recordRemoval,
  upsertMembership,
} from "../../db/memberships";
import { findUserByEmail } from "../../db/users";
import type { Role } from "./roles";

export { listMembers };

export class MembershipError extends Error {
  constructor(
    public readonly code: "last_organizer" | "not_member" | "unknown_user" | "unverified",
    message: string,
  ) {
    super(message);
  }
}

const LAST_ORGANISER = "A workshop needs at least one organiser: make someone else an organiser first.";

export async function changeMemberRole(workshopId: string, actorId: string, userId: string, role: Role): Promise<void> {
  await getSql().begin(async (tx) => {
    await lockWorkshopMemberships(workshopId, tx);
    const current = await findMemberRole(workshopId, userId, tx);
    if (!current) throw new MembershipError("not_member", "That person is not a member of this workshop.");
    if (current === "organizer" && role !== "organizer" && (await countOrganizers(workshopId, tx)) <= 1) {
      throw new MembershipError("last_organizer", LAST_ORGANISER);
    }
    await upsertMembership(workshopId, userId, role, tx);
    await insertAudit({ workshopId, actorId, action: "member.role_changed", details: { userId, from: current, to: role } }, tx);
  });
}

/**
 * Remove a member: their membership goes, the links they created are revoked, and links made before now no longer
 * admit them (only a new invitation, or an operator, brings them back). Returns how many links were revoked.
 */
export async function removeMember(workshopId: string, actorId: string, userId: string): Promise<{ revokedInvitations: number }> {
  return getSql().begin(async (tx) => {
    await lockWorkshopMemberships(workshopId, tx);
    const current = await findMemberRole(workshopId, userId, tx);
    if (!current) throw new MembershipError("not_member", "That person is not a member of this workshop.");
    if (current === "organizer" && (await countOrganizers(workshopId, tx)) <= 1) {
      throw new MembershipError("last_organizer", LAST_ORGANISER);
    }
    await deleteMembership(workshopId, userId, tx);
    await recordRemoval(workshopId, userId, tx);
    await insertAudit({ workshopId, actorId, action: "member.removed", details: { userId, role: current } }, tx);
    const revoked = await revokeInvitationsCreatedBy(workshopId, userId, tx);
    for (const invitationId of revoked) {
      await insertAudit({ workshopId, actorId, action: "invitation.revoked", details: { invitationId, reason: "creator_removed" } }, tx);
    }
    return { revokedInvitations: revoked.length };
  });
}

/** Operator path (CLI): add or change a member by e-mail. The account must have confirmed its address. */
export async function addMemberByEmail(workshopId: string, email: string, role: Role): Promise<{ previous: Role | null }> {
  const user = await findUserByEmail(email.trim().toLowerCase());
  if (!user) throw new MembershipError("unknown_user", `No account uses the e-mail ${email}.`);
  if (!user.emailVerifiedAt) {
    throw new MembershipError(
      "unverified",
      `${user.email} has not confirmed its e-mail address yet: ask them to open the confirmation link Accord sent them (or to request a new one after signing in), then add them again.`,
    );
  }
  const previous = await upsertMembership(workshopId, user.id, role);
  await insertAudit({ workshopId, actorId: null, action: "member.set_by_operator", details: { userId: user.id, role } });
  return { previous };
}
