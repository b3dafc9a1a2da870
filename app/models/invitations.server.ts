/**
 * Invitation links: an organiser makes a link bound to a role, with an expiry and a use limit (one use unless they
 * choose more). Whoever opens it while signed in, with a confirmed address, joins with that role, unless:
 * - they are a member already: a link never changes anyone's role (up or down) and takes no use;
 * - they were removed from the workshop after the link was made: only a newer link (or an operator) brings them back;
 * - the link was revoked (by an organiser, or because its creator was removed), has expired or is used up.
 * The last use goes to exactly one person (the use is taken under the workshop's membership lock). Every creation,
 * revocation and join is in the audit log, and each join is recorded against its link for organisers to see.
 */
import { getSql, type Queryable } from "../../db/client";
import {
  findInvitation,
  insertInvitation,
  insertInvitationJoin,
  listInvitationJoins,
  listInvitations,
  revokeInvitation,
  takeInvitationUse,
  type InvitationListRow,
  type InvitationRow,
} from "../../db/invitations";
import { findMemberRole, insertAudit, insertMembershipIfAbsent, lockWorkshopMemberships, removedSinceInvitation } from "../../db/memberships";
import type { UserRow } from "../../db/users";
import { createSecretToken, parseSecretToken, secretMatches } from "../auth/secret-token.server";
import { getConfig } from "../config.server";
import type { Role } from "./roles";

export const INVITATION_PREFIX = "inv_";

export interface CreatedInvitation {
  invitationId: string;
  url: string;
  role: Role;
  expiresAt: Date;
  maxUses: number;
}

export async function createInvitation(
  input: { workshopId: string; actorId: string; role: Role; days: number; maxUses: number; sentTo?: string },
  sql: Queryable = getSql(),
): Promise<CreatedInvitation> {
  const { id, token, secretHash } = createSecretToken(INVITATION_PREFIX);
  const expiresAt = new Date(Date.now() + input.days * 24 * 3600 * 1000);
  const { workshopId, actorId, role, maxUses } = input;
  await insertInvitation({ id, secretHash, workshopId, role, createdBy: actorId, expiresAt, maxUses, sentTo: input.sentTo }, sql);
  const details = { invitationId: id, role, expiresAt, maxUses, byEmail: input.sentTo !== undefined };
  await insertAudit({ workshopId, actorId, action: "invitation.created", details }, sql);
  return { invitationId: id, url: `${getConfig().publicUrl}/join/${token}`, role, expiresAt, maxUses };
}

/** Revoke a link that still works; false when it was already revoked, expired or used up. */
export async function cancelInvitation(workshopId: string, actorId: string, invitationId: string): Promise<boolean> {
  const done = await revokeInvitation(workshopId, invitationId);
  if (done) await insertAudit({ workshopId, actorId, action: "invitation.revoked", details: { invitationId, reason: "organiser" } });
  return done;
}

export type InvitationListItem = InvitationListRow & { joins: { name: string | null; joinedAt: Date }[] };

/** The organisers' list: active links first, then recent past ones, each with who joined by it and when. */
export async function listInvitationsWithJoins(workshopId: string): Promise<InvitationListItem[]> {
  const invitations = await listInvitations(workshopId);
  const joins = await listInvitationJoins(invitations.map((i) => i.id));
  return invitations.map((i) => ({
    ...i,
    joins: joins.filter((j) => j.invitationId === i.id).map((j) => ({ name: j.name, joinedAt: j.joinedAt })),
  }));
}

/** What the join page shows about a link; never the secret. */
export interface InvitationSummary {
  invitationId: string;
  workshopId: string;
  workshopSlug: string;
  workshopTitle: string;
  role: Role;
  expiresAt: Date;
}

/** Outcomes that carry only the link's summary: the link's own state, then the person's. */
type PlainOutcome = "revoked" | "expired" | "used_up" | "signed_out" | "unverified" | "removed" | "can_join" | "joined";

export type JoinOutcome =
  | { status: "invalid" }
  | { status: "already_member"; role: Role; invitation: InvitationSummary }
  | { [S in PlainOutcome]: { status: S; invitation: InvitationSummary } }[PlainOutcome];

async function findByToken(token: string, sql: Queryable): Promise<InvitationRow | null> {
  const parsed = parseSecretToken(token, INVITATION_PREFIX);
  if (!parsed) return null;
  const row = await findInvitation(parsed.id, sql);
  return row && secretMatches(parsed.secret, row.secretHash) ? row : null;
}

const summary = (row: InvitationRow): InvitationSummary => ({
  invitationId: row.id,
  workshopId: row.workshopId,
  workshopSlug: row.workshopSlug,
  workshopTitle: row.workshopTitle,
  role: row.role,
  expiresAt: row.expiresAt,
});

type Person = Pick<UserRow, "id" | "emailVerifiedAt">;

/** Every rule but taking the use: the outcome for this person, or null when they may join. */
async function refusal(row: InvitationRow, user: Person | null, sql: Queryable): Promise<JoinOutcome | null> {
  const invitation = summary(row);
  const role = user ? await findMemberRole(row.workshopId, user.id, sql) : null;
  if (role) return { status: "already_member", role, invitation };
  if (row.status !== "active") return { status: row.status, invitation };
  if (!user) return { status: "signed_out", invitation };
  if (!user.emailVerifiedAt) return { status: "unverified", invitation };
  if (await removedSinceInvitation(row.id, user.id, sql)) return { status: "removed", invitation };
  return null;
}

/** What would happen if this person used the link now (GET: changes nothing). */
export async function previewInvitation(token: string, user: Person | null): Promise<JoinOutcome> {
  const row = await findByToken(token, getSql());
  if (!row) return { status: "invalid" };
  return (await refusal(row, user, getSql())) ?? { status: "can_join", invitation: summary(row) };
}

/** Join through a link: checks every rule again under the workshop's membership lock, then takes one use. */
export async function acceptInvitation(token: string, user: Person): Promise<JoinOutcome> {
  const found = await findByToken(token, getSql());
  if (!found) return { status: "invalid" };
  return getSql().begin(async (tx) => {
    await lockWorkshopMemberships(found.workshopId, tx);
    const row = (await findInvitation(found.id, tx))!;
    const refused = await refusal(row, user, tx);
    if (refused) return refused;
    if (!(await takeInvitationUse(row.id, tx))) {
      // Revoked or expired since it was read (joins themselves are serialised by the lock).
      const now = (await findInvitation(row.id, tx))!;
      return { status: now.status === "active" ? "used_up" : now.status, invitation: summary(row) };
    }
    await insertMembershipIfAbsent(row.workshopId, user.id, row.role, tx);
    await insertInvitationJoin(row.id, user.id, tx);
    await insertAudit({ workshopId: row.workshopId, actorId: user.id, action: "member.joined_by_invitation", details: { invitationId: row.id, role: row.role } }, tx);
    return { status: "joined", invitation: summary(row) };
  });
}
