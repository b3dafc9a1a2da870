/**
 * SQL for the discussion's e-mails (app/threads/thread-mails.server.ts): who can be mentioned, who took part in a
 * thread, who may be mailed, and the "at most one e-mail per member, thread and 10 minutes" slot.
 */
import { getSql, type Queryable } from "./client";

export interface MentionableMember {
  id: string;
  name: string;
}

/** The members of the document's workshop (every role reads its documents), by id and name. */
export async function listMentionableMembers(documentId: string, sql: Queryable = getSql()): Promise<MentionableMember[]> {
  return sql<MentionableMember[]>`
    select u.id, u.name
    from documents d join memberships m on m.workshop_id = d.workshop_id join users u on u.id = m.user_id
    where d.id = ${documentId}`;
}

/** The people who wrote in a thread: its author and every commenter (ids, no duplicates). */
export async function listThreadParticipants(threadId: string, sql: Queryable = getSql()): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select author_id as id from comment_threads where id = ${threadId} and author_id is not null
    union
    select author_id from thread_comments where thread_id = ${threadId} and author_id is not null`;
  return rows.map((r) => r.id);
}

export interface MailRecipient {
  id: string;
  name: string;
  email: string;
  /** The account's interface language (issue 14), null when it follows the browser. */
  language: string | null;
}

/**
 * Of `userIds`, those who may be mailed about the document's discussion: members of its workshop now, with a
 * confirmed address and the setting on, other than `exceptUserId`.
 */
export async function listThreadMailRecipients(
  input: { documentId: string; userIds: string[]; exceptUserId: string },
  sql: Queryable = getSql(),
): Promise<MailRecipient[]> {
  if (input.userIds.length === 0) return [];
  return sql<MailRecipient[]>`
    select u.id, u.name, u.email, u.language
    from documents d join memberships m on m.workshop_id = d.workshop_id join users u on u.id = m.user_id
    where d.id = ${input.documentId} and u.id = any(${input.userIds}::uuid[]) and u.id <> ${input.exceptUserId}
      and u.thread_emails and u.email_verified_at is not null`;
}

/**
 * Take the e-mail slot of each user for the thread: a user gets it when never mailed about the thread or last mailed
 * `minutes` ago or more (the slot then records now). One statement: two transactions at once cannot both take it
 * (the second waits for the first's row and finds it recent). Returns the ids that got their slot.
 */
export async function claimThreadMailSlots(input: { threadId: string; userIds: string[]; minutes: number }, sql: Queryable = getSql()): Promise<string[]> {
  const ids = [...new Set(input.userIds)];
  if (ids.length === 0) return [];
  const rows = await sql<{ userId: string }[]>`
    insert into thread_mail_sends (thread_id, user_id)
    select ${input.threadId}, u from unnest(${ids}::uuid[]) as u
    on conflict (thread_id, user_id) do update set sent_at = now()
      where thread_mail_sends.sent_at <= now() - make_interval(mins => ${input.minutes})
    returning user_id as "userId"`;
  return rows.map((r) => r.userId);
}

/** The words a thread's mails quote, and the names they show. */
export async function findThreadMailContext(
  input: { threadId: string; authorId: string },
  sql: Queryable = getSql(),
): Promise<{ documentId: string; documentTitle: string; workshopTitle: string; quote: string; authorName: string } | null> {
  const [row]: [{ documentId: string; documentTitle: string; workshopTitle: string; quote: string; authorName: string }?] = await sql`
    select d.id as "documentId", d.title as "documentTitle", w.title as "workshopTitle", t.quote_exact as quote,
      (select name from users where id = ${input.authorId}) as "authorName"
    from comment_threads t join documents d on d.id = t.document_id join workshops w on w.id = d.workshop_id
    where t.id = ${input.threadId}`;
  return row ?? null;
}

export async function findThreadEmailsSetting(userId: string, sql: Queryable = getSql()): Promise<boolean> {
  const [row]: [{ enabled: boolean }?] = await sql`select thread_emails as enabled from users where id = ${userId}`;
  return row?.enabled ?? false;
}

export async function updateThreadEmailsSetting(userId: string, on: boolean, sql: Queryable = getSql()): Promise<void> {
  await sql`update users set thread_emails = ${on}, updated_at = now() where id = ${userId}`;
}
