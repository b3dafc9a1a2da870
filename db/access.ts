/** SQL answering "what may this user see?": workshops and documents joined with the user's role. */
import { getSql, type Queryable } from "./client";

export type Role = "organizer" | "editor" | "commenter" | "viewer";

export interface WorkshopWithRole {
  id: string;
  slug: string;
  title: string;
  startsOn: string;
  endsOn: string;
  venue: string | null;
  description: string;
  details: Record<string, unknown>;
  role: Role;
}

export interface DocumentWithRole {
  id: string;
  workshopId: string;
  workshopSlug: string;
  workshopTitle: string;
  slug: string;
  title: string;
  kind: "declaration" | "statement" | "guidance" | "discussion_paper";
  status: "draft" | "published" | "archived";
  updatedAt: Date;
  role: Role;
}

// Administrators act as organisers of every workshop; everyone else needs a membership row.
const roleOf = (sql: Queryable, userId: string) => sql`
  coalesce(
    (select m.role from memberships m where m.workshop_id = w.id and m.user_id = ${userId}),
    (select 'organizer' from users u where u.id = ${userId} and u.is_admin)
  )`;

const workshopColumns = (sql: Queryable) => sql`
  w.id, w.slug, w.title, to_char(w.starts_on, 'YYYY-MM-DD') as "startsOn", to_char(w.ends_on, 'YYYY-MM-DD') as "endsOn",
  w.venue, w.description, w.details`;

export async function listWorkshopsForUser(userId: string, sql: Queryable = getSql()): Promise<WorkshopWithRole[]> {
  return sql<WorkshopWithRole[]>`
    select * from (
      select ${workshopColumns(sql)}, ${roleOf(sql, userId)} as role from workshops w
    ) x where role is not null
    order by "startsOn", title`;
}

export async function findWorkshopForUser(slug: string, userId: string, sql: Queryable = getSql()): Promise<WorkshopWithRole | null> {
  const [row]: [WorkshopWithRole?] = await sql`
    select * from (
      select ${workshopColumns(sql)}, ${roleOf(sql, userId)} as role from workshops w where w.slug = ${slug}
    ) x where role is not null`;
  return row ?? null;
}

const documentColumns = (sql: Queryable) => sql`
  d.id, d.workshop_id as "workshopId", w.slug as "workshopSlug", w.title as "workshopTitle", d.slug, d.title, d.kind,
  d.status, d.updated_at as "updatedAt"`;

export async function listDocumentsForUser(workshopSlug: string, userId: string, sql: Queryable = getSql()): Promise<DocumentWithRole[]> {
  return sql<DocumentWithRole[]>`
    select * from (
      select ${documentColumns(sql)}, ${roleOf(sql, userId)} as role
      from documents d join workshops w on w.id = d.workshop_id
      where w.slug = ${workshopSlug}
    ) x where role is not null
    order by case kind when 'declaration' then 0 when 'statement' then 1 when 'guidance' then 2 else 3 end, title`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findDocumentForUser(documentId: string, userId: string, sql: Queryable = getSql()): Promise<DocumentWithRole | null> {
  if (!UUID.test(documentId)) return null;
  const [row]: [DocumentWithRole?] = await sql`
    select * from (
      select ${documentColumns(sql)}, ${roleOf(sql, userId)} as role
      from documents d join workshops w on w.id = d.workshop_id
      where d.id = ${documentId}
    ) x where role is not null`;
  return row ?? null;
}

/** Number of documents in each workshop the user may see, keyed by workshop id (workshops without documents are absent). */
export async function countDocumentsForUser(userId: string, sql: Queryable = getSql()): Promise<Map<string, number>> {
  const rows = await sql<{ workshopId: string; n: number }[]>`
    select w.id as "workshopId", count(d.id)::int as n
    from workshops w join documents d on d.workshop_id = w.id
    where ${roleOf(sql, userId)} is not null
    group by w.id`;
  return new Map(rows.map((r) => [r.workshopId, r.n]));
}

/** Current role of each of these users on a document (null when they lost access). One query per check. */
export async function findRolesOnDocument(documentId: string, userIds: string[], sql: Queryable = getSql()): Promise<Map<string, Role | null>> {
  const rows = await sql<{ userId: string; role: Role | null }[]>`
    select u.id as "userId",
           coalesce(
             (select m.role from memberships m join documents d on d.workshop_id = m.workshop_id
               where d.id = ${documentId} and m.user_id = u.id),
             case when u.is_admin then 'organizer' end
           ) as role
    from users u where u.id = any(${userIds}::uuid[])`;
  const map = new Map<string, Role | null>(userIds.map((id) => [id, null]));
  for (const r of rows) map.set(r.userId, r.role);
  return map;
}
