/** SQL for invitation links, their uses and who joined by them. */
import { getSql, type Queryable } from "./client";
import type { Role } from "./access";

/** What a link can do now: `active` links admit people; the others say why they do not. */
export type InvitationStatus = "active" | "revoked" | "used_up" | "expired";

/** The one definition of a link's status, for the table aliased `i`. */
const statusOf = (sql: Queryable) => sql`
  case when i.revoked_at is not null then 'revoked'
       when i.uses >= i.max_uses then 'used_up'
       when i.expires_at <= now() then 'expired'
       else 'active' end`;
const isActive = (sql: Queryable) => sql`(${statusOf(sql)}) = 'active'`;

export interface InvitationRow {
  id: string;
  secretHash: Uint8Array;
  workshopId: string;
  workshopSlug: string;
  workshopTitle: string;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  maxUses: number;
  uses: number;
  status: InvitationStatus;
}

/** An invitation as organisers see it in the list (never its secret). */
export interface InvitationListRow {
  id: string;
  role: Role;
  createdAt: Date;
  createdByName: string | null;
  sentTo: string | null;
  expiresAt: Date;
  revokedAt: Date | null;
  maxUses: number;
  uses: number;
  status: InvitationStatus;
}

export interface InvitationJoinRow {
  invitationId: string;
  name: string | null;
  joinedAt: Date;
}

export async function insertInvitation(
  i: { id: string; secretHash: Uint8Array; workshopId: string; role: Role; createdBy: string; expiresAt: Date; maxUses: number; sentTo?: string | null },
  sql: Queryable = getSql(),
): Promise<void> {
  await sql`
    insert into invitations (id, secret_hash, workshop_id, role, created_by, expires_at, max_uses, sent_to)
    values (${i.id}, ${Buffer.from(i.secretHash)}, ${i.workshopId}, ${i.role}, ${i.createdBy}, ${i.expiresAt}, ${i.maxUses}, ${i.sentTo ?? null})`;
}

export async function findInvitation(id: string, sql: Queryable = getSql()): Promise<InvitationRow | null> {
  const [row]: [InvitationRow?] = await sql`
    select i.id, i.secret_hash as "secretHash", i.workshop_id as "workshopId", w.slug as "workshopSlug",
           w.title as "workshopTitle", i.role, i.created_at as "createdAt", i.expires_at as "expiresAt",
           i.revoked_at as "revokedAt", i.max_uses as "maxUses", i.uses, ${statusOf(sql)} as status
    from invitations i join workshops w on w.id = i.workshop_id where i.id = ${id}`;
  return row ?? null;
}

/** A workshop's invitations: every active one, then the `limit` most recent others; newest first in each. */
export async function listInvitations(workshopId: string, limit = 50, sql: Queryable = getSql()): Promise<InvitationListRow[]> {
  return sql<InvitationListRow[]>`
    with listed as (
      select i.*, ${statusOf(sql)} as status from invitations i where i.workshop_id = ${workshopId}
    )
    select l.id, l.role, l.created_at as "createdAt", u.name as "createdByName", l.sent_to as "sentTo",
           l.expires_at as "expiresAt", l.revoked_at as "revokedAt", l.max_uses as "maxUses", l.uses, l.status
    from listed l left join users u on u.id = l.created_by
    where l.status = 'active'
       or l.id in (select id from listed where status <> 'active' order by created_at desc limit ${limit})
    order by l.status = 'active' desc, l.created_at desc`;
}

/** Who joined by the given invitations, oldest first. */
export async function listInvitationJoins(invitationIds: string[], sql: Queryable = getSql()): Promise<InvitationJoinRow[]> {
  if (invitationIds.length === 0) return [];
  return sql<InvitationJoinRow[]>`
    select j.invitation_id as "invitationId", u.name, j.joined_at as "joinedAt"
    from invitation_joins j left join users u on u.id = j.user_id
    where j.invitation_id = any(${invitationIds}::text[])
    order by j.joined_at, j.id`;
}

export async function revokeInvitation(workshopId: string, id: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`
    update invitations i set revoked_at = now() where i.id = ${id} and i.workshop_id = ${workshopId} and ${isActive(sql)}`;
  return rows.count === 1;
}

/** Revoke every still-usable link a person created in a workshop; returns their ids. */
export async function revokeInvitationsCreatedBy(workshopId: string, userId: string, sql: Queryable = getSql()): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    update invitations i set revoked_at = now()
    where i.workshop_id = ${workshopId} and i.created_by = ${userId} and ${isActive(sql)}
    returning i.id`;
  return rows.map((r) => r.id);
}

/** Revoke every still-usable link a person created, in every workshop (their account is being deleted). */
export async function revokeAllInvitationsCreatedBy(userId: string, sql: Queryable = getSql()): Promise<{ id: string; workshopId: string }[]> {
  return await sql<{ id: string; workshopId: string }[]>`
    update invitations i set revoked_at = now()
    where i.created_by = ${userId} and ${isActive(sql)}
    returning i.id, i.workshop_id as "workshopId"`;
}

/**
 * Take one use of a link if it is still usable. The row lock makes concurrent callers wait and re-check, so the
 * last use goes to exactly one of them. False when revoked, expired or used up meanwhile.
 */
export async function takeInvitationUse(id: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`update invitations i set uses = i.uses + 1 where i.id = ${id} and ${isActive(sql)}`;
  return rows.count === 1;
}

export async function insertInvitationJoin(invitationId: string, userId: string, sql: Queryable = getSql()): Promise<void> {
  await sql`insert into invitation_joins (invitation_id, user_id) values (${invitationId}, ${userId})`;
}
