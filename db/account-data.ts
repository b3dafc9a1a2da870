/**
 * SQL for a person's own data: what their data download contains beyond the other modules' queries, and the
 * deletion of their account. Every query is scoped to one user id in its WHERE clause.
 */
import { getSql, type Queryable } from "./client";

export interface OwnMembership {
  workshopSlug: string;
  workshopTitle: string;
  role: string;
  joinedAt: Date;
}

export async function listOwnMemberships(userId: string, sql: Queryable = getSql()): Promise<OwnMembership[]> {
  return sql<OwnMembership[]>`
    select w.slug as "workshopSlug", w.title as "workshopTitle", m.role, m.created_at as "joinedAt"
    from memberships m join workshops w on w.id = m.workshop_id
    where m.user_id = ${userId}
    order by w.starts_on, w.title`;
}

export interface OwnSession {
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  /** The time zone its browser last reported; whether a network key is kept (the key itself is an HMAC, meaningless outside). */
  timeZone: string | null;
  networkRecorded: boolean;
}

/** Sessions without their ids or secret hashes. */
export async function listOwnSessions(userId: string, sql: Queryable = getSql()): Promise<OwnSession[]> {
  return sql<OwnSession[]>`
    select created_at as "createdAt", last_used_at as "lastUsedAt", expires_at as "expiresAt", user_agent as "userAgent",
      time_zone as "timeZone", network_key is not null as "networkRecorded"
    from sessions
    where user_id = ${userId} and expires_at > now() and absolute_expires_at > now()
    order by last_used_at desc`;
}

type OwnToken = { name: string; scopes: string[]; createdAt: Date; expiresAt: Date; lastUsedAt: Date | null };

/** Personal access tokens by name, scopes and dates (never ids or hashes). */
export async function listOwnTokens(userId: string, sql: Queryable = getSql()): Promise<OwnToken[]> {
  return sql<OwnToken[]>`
    select name, scopes, created_at as "createdAt", expires_at as "expiresAt", last_used_at as "lastUsedAt"
    from personal_access_tokens where user_id = ${userId} order by created_at`;
}

export interface OwnComment {
  document: { id: string; title: string };
  threadId: string;
  /** The words the thread is on (its quote). */
  onWords: string;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  /** The bodies it had before each edit, oldest first; whether this person made that edit (never who else did). */
  earlierBodies: { body: string; replacedAt: string; replacedByYou: boolean }[];
}

/**
 * Every comment this person wrote (threads they started and replies), with the document and the words it is on, and
 * the bodies it had before it was edited.
 */
export async function listOwnComments(userId: string, sql: Queryable = getSql()): Promise<OwnComment[]> {
  const rows = await sql<(Omit<OwnComment, "document"> & { documentId: string; documentTitle: string })[]>`
    select d.id as "documentId", d.title as "documentTitle", t.id as "threadId", t.quote_exact as "onWords", c.body,
      c.created_at as "createdAt", c.edited_at as "editedAt",
      coalesce((
        select json_agg(json_build_object('body', r.body, 'replacedAt', r.replaced_at,
          'replacedByYou', coalesce(r.editor_id = c.author_id, false)) order by r.id)
        from comment_revisions r where r.comment_id = c.id
      ), '[]'::json) as "earlierBodies"
    from thread_comments c join comment_threads t on t.id = c.thread_id join documents d on d.id = t.document_id
    where c.author_id = ${userId}
    order by c.created_at, c.id`;
  return rows.map(({ documentId, documentTitle, ...rest }) => ({ document: { id: documentId, title: documentTitle }, ...rest }));
}

export interface OwnProposal {
  document: { id: string; title: string };
  threadId: string;
  original: string;
  proposed: string;
  status: string;
  createdAt: Date;
  decidedAt: Date | null;
  reason: string | null;
}

/** Every amendment proposal this person made, and what became of it (who decided is another person's data). */
export async function listOwnProposals(userId: string, sql: Queryable = getSql()): Promise<OwnProposal[]> {
  const rows = await sql<(Omit<OwnProposal, "document"> & { documentId: string; documentTitle: string })[]>`
    select d.id as "documentId", d.title as "documentTitle", t.id as "threadId", p.original, p.proposed, p.status,
      t.created_at as "createdAt", p.decided_at as "decidedAt", p.reason
    from thread_proposals p join comment_threads t on t.id = p.thread_id join documents d on d.id = t.document_id
    where t.author_id = ${userId}
    order by t.created_at, t.id`;
  return rows.map(({ documentId, documentTitle, ...rest }) => ({ document: { id: documentId, title: documentTitle }, ...rest }));
}

/** Passkeys by name and dates (never the credential id, public key or counter). */
export async function listOwnPasskeys(userId: string, sql: Queryable = getSql()): Promise<{ name: string; createdAt: Date; lastUsedAt: Date | null }[]> {
  return sql<{ name: string; createdAt: Date; lastUsedAt: Date | null }[]>`
    select name, created_at as "createdAt", last_used_at as "lastUsedAt" from passkeys where user_id = ${userId} order by created_at`;
}

/** Workshops where this user is the only organiser while other people are members (deleting them would strand it). */
export async function listWorkshopsOnlyOrganisedBy(userId: string, sql: Queryable = getSql()): Promise<{ slug: string; title: string }[]> {
  return sql<{ slug: string; title: string }[]>`
    select w.slug, w.title
    from memberships m join workshops w on w.id = m.workshop_id
    where m.user_id = ${userId} and m.role = 'organizer'
      and not exists (select 1 from memberships o where o.workshop_id = m.workshop_id and o.role = 'organizer' and o.user_id <> ${userId})
      and exists (select 1 from memberships x where x.workshop_id = m.workshop_id and x.user_id <> ${userId})
    order by w.title`;
}

/**
 * Lock every workshop this user organises (the same row lock membership changes take, in a fixed order), so the
 * "only organiser" check and the deletion cannot race another organiser leaving or being demoted.
 */
export async function lockWorkshopsOrganisedBy(userId: string, sql: Queryable): Promise<void> {
  await sql`
    select w.id from workshops w join memberships m on m.workshop_id = w.id
    where m.user_id = ${userId} and m.role = 'organizer'
    order by w.id
    for update of w`;
}

/** Lock the user's row for the deletion transaction; null when it no longer exists. */
export async function lockUser(userId: string, sql: Queryable): Promise<{ email: string } | null> {
  const [row]: [{ email: string }?] = await sql`select email from users where id = ${userId} for update`;
  return row ?? null;
}

/** Mails addressed to this person that Accord still keeps (they hold the address and personal links). */
export async function deleteOutboxTo(email: string, sql: Queryable = getSql()): Promise<void> {
  await sql`delete from outbox where to_address = ${email}`;
}

/** The earlier bodies of the comments this person wrote (their account is being deleted; the comments stay, nameless). */
export async function deleteOwnCommentRevisions(userId: string, sql: Queryable = getSql()): Promise<void> {
  await sql`
    delete from comment_revisions r using thread_comments c
    where c.id = r.comment_id and c.author_id = ${userId}`;
}

/** Did this user publish a version or a translation? (Both are immutable and name their publisher.) */
export async function hasPublished(userId: string, sql: Queryable = getSql()): Promise<boolean> {
  const [row]: [{ yes: boolean }?] = await sql`
    select exists (select 1 from published_versions where published_by = ${userId})
        or exists (select 1 from published_translations where published_by = ${userId}) as yes`;
  return row?.yes ?? false;
}

/**
 * Delete the account. Sessions, tokens, e-mail links and memberships go with it (on delete cascade); authored
 * versions, document updates and audit entries keep their rows without the author (on delete set null).
 */
export async function deleteUser(userId: string, sql: Queryable = getSql()): Promise<void> {
  await sql`delete from users where id = ${userId}`;
}

/**
 * For someone who published a version (the sealed record keeps its publisher's id): keep an empty row in place of
 * the account — no e-mail, no name, no usable password, no admin right — and remove everything attached to it.
 */
export async function anonymiseUser(userId: string, sql: Queryable = getSql()): Promise<void> {
  await sql`delete from sessions where user_id = ${userId}`;
  await sql`delete from personal_access_tokens where user_id = ${userId}`;
  await sql`delete from email_tokens where user_id = ${userId}`;
  await sql`delete from memberships where user_id = ${userId}`;
  await sql`delete from thread_mail_sends where user_id = ${userId}`;
  await sql`
    update users set email = ${`deleted-${userId}@deleted.invalid`}, name = 'Deleted account', password_hash = '!deleted',
      email_verified_at = null, is_admin = false, thread_emails = false, updated_at = now()
    where id = ${userId}`;
}
