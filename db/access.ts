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

// "Last updated": the document's own row (created, renamed, published…) or its newest log row, whichever is later.
// Read from the log rather than stamped on the document by every commit, which kept an edit's commit a statement
// longer and rewrote this row tens of times a second while people type (ADR 0006).
const documentColumns = (sql: Queryable) => sql`
  d.id, d.workshop_id as "workshopId", w.slug as "workshopSlug", w.title as "workshopTitle", d.slug, d.title, d.kind,
  d.status,
  greatest(d.updated_at, (select u.created_at from document_updates u where u.document_id = d.id order by u.seq desc limit 1))
    as "updatedAt"`;

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

/**
 * Current roles for many (document, user) pairs at once (null when access is gone). Key: "<documentId> <userId>".
 * The membership is looked up by its whole key, one index probe per pair. As a left join, the generic plan PostgreSQL
 * switches this prepared statement to after five runs (it guesses 10 pairs) probed memberships by workshop alone and
 * filtered by user: pairs × the workshop's members rows. The collaboration server runs this every 2 s for every
 * open socket; with 8,000 sockets of one workshop's members each run took 55 s of PostgreSQL CPU.
 */
export async function findRolesOnDocuments(pairs: { documentId: string; userId: string }[], sql: Queryable = getSql()): Promise<Map<string, Role | null>> {
  const map = new Map<string, Role | null>(pairs.map((p) => [`${p.documentId} ${p.userId}`, null]));
  if (pairs.length === 0) return map;
  const rows = await sql<{ documentId: string; userId: string; role: Role | null }[]>`
    select p.document_id as "documentId", p.user_id as "userId",
           coalesce(
             (select m.role from memberships m where m.workshop_id = d.workshop_id and m.user_id = p.user_id),
             case when u.is_admin then 'organizer' end
           ) as role
    from unnest(${pairs.map((p) => p.documentId)}::uuid[], ${pairs.map((p) => p.userId)}::uuid[]) as p(document_id, user_id)
    join documents d on d.id = p.document_id
    join users u on u.id = p.user_id`;
  for (const r of rows) map.set(`${r.documentId} ${r.userId}`, r.role);
  return map;
}
