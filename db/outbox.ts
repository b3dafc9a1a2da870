/** SQL for the e-mail outbox. */
import { getSql, type Queryable } from "./client";

export interface OutboxRow {
  id: number;
  toAddress: string;
  subject: string;
  textBody: string;
  createdAt: Date;
  sentAt: Date | null;
  lastError: string | null;
  /** When the retention purge blanked the body (null while it is kept). */
  bodyRemovedAt: Date | null;
}

export async function insertOutbox(m: { to: string; subject: string; text: string }, sql: Queryable = getSql()): Promise<number> {
  const [row]: [{ id: number }?] = await sql`
    insert into outbox (to_address, subject, text_body) values (${m.to}, ${m.subject}, ${m.text}) returning id`;
  if (!row) throw new Error("outbox insert returned no row");
  return row.id;
}

/** Store many mails in one statement; their ids, in the given order. */
export async function insertOutboxMany(mails: { to: string; subject: string; text: string }[], sql: Queryable = getSql()): Promise<number[]> {
  if (mails.length === 0) return [];
  const rows = await sql<{ id: number; ord: number }[]>`
    insert into outbox (to_address, subject, text_body)
    select m.to_address, m.subject, m.text_body
    from unnest(${mails.map((m) => m.to)}::text[], ${mails.map((m) => m.subject)}::text[], ${mails.map((m) => m.text)}::text[])
      with ordinality as m(to_address, subject, text_body, ord)
    order by m.ord
    returning id`;
  // Identity values follow the order rows are inserted in, which is the ORDER BY above.
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

export async function markOutboxSent(id: number, sql: Queryable = getSql()): Promise<void> {
  await sql`update outbox set sent_at = now(), last_error = null where id = ${id}`;
}

export async function markOutboxFailed(id: number, error: string, sql: Queryable = getSql()): Promise<void> {
  await sql`update outbox set last_error = ${error.slice(0, 500)} where id = ${id}`;
}

export async function listOutbox(limit = 50, sql: Queryable = getSql()): Promise<OutboxRow[]> {
  return sql<OutboxRow[]>`
    select id, to_address as "toAddress", subject, text_body as "textBody", created_at as "createdAt",
           sent_at as "sentAt", last_error as "lastError", body_removed_at as "bodyRemovedAt"
    from outbox order by id desc limit ${limit}`;
}

/**
 * Blank the bodies of mails sent more than `days` ago, and of mails never sent that were stored that long ago (there
 * is no retry: without SMTP the row was the delivery, and its links expired long before). Idempotent. The retention
 * job (app/models/retention.server.ts) runs it under its advisory lock.
 */
export async function removeOldOutboxBodies(days: number, sql: Queryable = getSql()): Promise<number> {
  const result = await sql`
    update outbox set text_body = '', body_removed_at = now()
    where body_removed_at is null and coalesce(sent_at, created_at) < now() - make_interval(days => ${days})`;
  return result.count;
}
