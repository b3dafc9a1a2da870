/** SQL for invitation links. */
import { getSql, type Queryable } from "./client";
import type { Role } from "./access";

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
}

export async function insertInvitation(
  i: { id: string; secretHash: Uint8Array; workshopId: string; role: Role; createdBy: string; expiresAt: Date },
  sql: Queryable = getSql(),
): Promise<void> {
  await sql`
    insert into invitations (id, secret_hash, workshop_id, role, created_by, expires_at)
    values (${i.id}, ${Buffer.from(i.secretHash)}, ${i.workshopId}, ${i.role}, ${i.createdBy}, ${i.expiresAt})`;
}

export async function findInvitation(id: string, sql: Queryable = getSql()): Promise<InvitationRow | null> {
  const [row]: [InvitationRow?] = await sql`
    select i.id, i.secret_hash as "secretHash", i.workshop_id as "workshopId", w.slug as "workshopSlug",
           w.title as "workshopTitle", i.role, i.created_at as "createdAt", i.expires_at as "expiresAt", i.revoked_at as "revokedAt"
    from invitations i join workshops w on w.id = i.workshop_id where i.id = ${id}`;
  return row ?? null;
}

export async function listActiveInvitations(workshopId: string, sql: Queryable = getSql()): Promise<Omit<InvitationRow, "secretHash">[]> {
  return sql<Omit<InvitationRow, "secretHash">[]>`
    select i.id, i.workshop_id as "workshopId", w.slug as "workshopSlug", w.title as "workshopTitle", i.role,
           i.created_at as "createdAt", i.expires_at as "expiresAt", i.revoked_at as "revokedAt"
    from invitations i join workshops w on w.id = i.workshop_id
    where i.workshop_id = ${workshopId} and i.revoked_at is null and i.expires_at > now()
    order by i.created_at desc`;
}

export async function revokeInvitation(workshopId: string, id: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`update invitations set revoked_at = now() where id = ${id} and workshop_id = ${workshopId} and revoked_at is null`;
  return rows.count === 1;
}
