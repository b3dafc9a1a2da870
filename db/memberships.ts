/** SQL for workshop memberships and the organisers' audit log. */
import { getSql, type Queryable } from "./client";
import type { Role } from "./access";

export interface MemberRow {
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: Date;
}

export async function listMembers(workshopId: string, sql: Queryable = getSql()): Promise<MemberRow[]> {
  return sql<MemberRow[]>`
    select u.id as "userId", u.name, u.email, m.role, m.created_at as "joinedAt"
    from memberships m join users u on u.id = m.user_id
    where m.workshop_id = ${workshopId}
    order by case m.role when 'organizer' then 0 when 'editor' then 1 when 'commenter' then 2 else 3 end, u.name`;
}

/** Add a member or change their role; returns the previous role (null when new). */
export async function upsertMembership(workshopId: string, userId: string, role: Role, sql: Queryable = getSql()): Promise<Role | null> {
  const [row]: [{ previous: Role | null }?] = await sql`
    with previous as (select role from memberships where workshop_id = ${workshopId} and user_id = ${userId})
    insert into memberships (workshop_id, user_id, role) values (${workshopId}, ${userId}, ${role})
    on conflict (workshop_id, user_id) do update set role = excluded.role, updated_at = now()
    returning (select role from previous) as previous`;
  return row?.previous ?? null;
}

/** Join with a role unless already a member (an invitation never downgrades anyone). */
export async function insertMembershipIfAbsent(workshopId: string, userId: string, role: Role, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`
    insert into memberships (workshop_id, user_id, role) values (${workshopId}, ${userId}, ${role})
    on conflict (workshop_id, user_id) do nothing`;
  return rows.count === 1;
}

export async function findMemberRole(workshopId: string, userId: string, sql: Queryable = getSql()): Promise<Role | null> {
  const [row]: [{ role: Role }?] = await sql`select role from memberships where workshop_id = ${workshopId} and user_id = ${userId}`;
  return row?.role ?? null;
}

export async function countOrganizers(workshopId: string, sql: Queryable = getSql()): Promise<number> {
  const [row]: [{ n: number }?] = await sql`
    select count(*)::int as n from memberships where workshop_id = ${workshopId} and role = 'organizer'`;
  return row?.n ?? 0;
}

export async function deleteMembership(workshopId: string, userId: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`delete from memberships where workshop_id = ${workshopId} and user_id = ${userId}`;
  return rows.count === 1;
}

/** Remember when someone was removed (the latest removal counts): links made before it no longer admit them. */
export async function recordRemoval(workshopId: string, userId: string, sql: Queryable = getSql()): Promise<void> {
  await sql`
    insert into membership_removals (workshop_id, user_id) values (${workshopId}, ${userId})
    on conflict (workshop_id, user_id) do update set removed_at = now()`;
}

/** Whether the person was removed from the invitation's workshop at or after the moment the link was made. */
export async function removedSinceInvitation(invitationId: string, userId: string, sql: Queryable = getSql()): Promise<boolean> {
  const [row]: [{ removed: boolean }?] = await sql`
    select exists (
      select 1 from membership_removals r join invitations i on i.workshop_id = r.workshop_id
      where i.id = ${invitationId} and r.user_id = ${userId} and r.removed_at >= i.created_at
    ) as removed`;
  return row?.removed ?? false;
}

/** Which of these (lower-cased) addresses belong to members of the workshop already. */
export async function listMemberEmailsAmong(workshopId: string, emails: string[], sql: Queryable = getSql()): Promise<string[]> {
  if (emails.length === 0) return [];
  const rows = await sql<{ email: string }[]>`
    select u.email from memberships m join users u on u.id = m.user_id
    where m.workshop_id = ${workshopId} and u.email = any(${emails}::text[])`;
  return rows.map((r) => r.email);
}

/** Serialise membership changes of one workshop (so "the last organiser" checks cannot race). */
export async function lockWorkshopMemberships(workshopId: string, sql: Queryable): Promise<void> {
  await sql`select id from workshops where id = ${workshopId} for update`;
}

export async function insertAudit(
  entry: { workshopId: string | null; actorId: string | null; action: string; details: Record<string, unknown> },
  sql: Queryable = getSql(),
): Promise<void> {
  await sql`
    insert into audit_log (workshop_id, actor_id, action, details)
    values (${entry.workshopId}, ${entry.actorId}, ${entry.action}, ${sql.json(entry.details as never)})`;
}
