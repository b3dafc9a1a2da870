/** SQL for users. E-mails are lower-cased by the caller; never select password_hash where it is not needed. */
import { getSql, type Queryable } from "./client";

export interface UserRow {
  id: string;
  email: string;
  name: string;
  emailVerifiedAt: Date | null;
  isAdmin: boolean;
  createdAt: Date;
  /** The interface language the account chose (app/i18n/locales.ts), or null to follow the browser. */
  language: string | null;
}

/** The columns of a UserRow from the table aliased `u`, prefixed "user." (join queries; see `userFromJoin`). */
export const joinedUserColumns = (sql: Queryable) => sql`
  u.id as "user.id", u.email as "user.email", u.name as "user.name", u.email_verified_at as "user.emailVerifiedAt",
  u.is_admin as "user.isAdmin", u.created_at as "user.createdAt", u.language as "user.language"`;

/** The UserRow inside a row selected with `joinedUserColumns`. */
export function userFromJoin(row: Record<string, unknown>): UserRow {
  return {
    id: row["user.id"] as string,
    email: row["user.email"] as string,
    name: row["user.name"] as string,
    emailVerifiedAt: row["user.emailVerifiedAt"] as Date | null,
    isAdmin: row["user.isAdmin"] as boolean,
    createdAt: row["user.createdAt"] as Date,
    language: row["user.language"] as string | null,
  };
}

export async function findUserById(id: string, sql: Queryable = getSql()): Promise<UserRow | null> {
  const [row]: [UserRow?] = await sql`
    select id, email, name, email_verified_at as "emailVerifiedAt", is_admin as "isAdmin", created_at as "createdAt", language
    from users where id = ${id}`;
  return row ?? null;
}

export async function findUserByEmail(email: string, sql: Queryable = getSql()): Promise<UserRow | null> {
  const [row]: [UserRow?] = await sql`
    select id, email, name, email_verified_at as "emailVerifiedAt", is_admin as "isAdmin", created_at as "createdAt", language
    from users where email = ${email}`;
  return row ?? null;
}

/** The interface language chosen by the accounts of `emails` that have chosen one (issue 14), by address. */
export async function findAccountLanguages(emails: string[], sql: Queryable = getSql()): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const rows = await sql<{ email: string; language: string }[]>`
    select email, language from users where email = any(${emails}::text[]) and language is not null`;
  return new Map(rows.map((r) => [r.email, r.language]));
}

export async function findPasswordHashByEmail(
  email: string,
  sql: Queryable = getSql(),
): Promise<{ id: string; passwordHash: string } | null> {
  const [row]: [{ id: string; passwordHash: string }?] = await sql`
    select id, password_hash as "passwordHash" from users where email = ${email}`;
  return row ?? null;
}

export async function findPasswordHashById(id: string, sql: Queryable = getSql()): Promise<string | null> {
  const [row]: [{ passwordHash: string }?] = await sql`select password_hash as "passwordHash" from users where id = ${id}`;
  return row?.passwordHash ?? null;
}

/** Insert a user; returns null when the e-mail is taken (no exception, no timing difference for the caller). */
export async function insertUser(
  input: { email: string; name: string; passwordHash: string; verified?: boolean; isAdmin?: boolean },
  sql: Queryable = getSql(),
): Promise<UserRow | null> {
  const [row]: [UserRow?] = await sql`
    insert into users (email, name, password_hash, email_verified_at, is_admin)
    values (${input.email}, ${input.name}, ${input.passwordHash},
            ${input.verified ? sql`now()` : null}, ${input.isAdmin ?? false})
    on conflict (email) do nothing
    returning id, email, name, email_verified_at as "emailVerifiedAt", is_admin as "isAdmin", created_at as "createdAt", language`;
  return row ?? null;
}

export async function markEmailVerified(userId: string, email: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`
    update users set email_verified_at = coalesce(email_verified_at, now()), updated_at = now()
    where id = ${userId} and email = ${email}`;
  return rows.count === 1;
}

/**
 * Move an account whose address is not confirmed to another address; false when the account is confirmed or the
 * address is taken (checked here and by the unique index, should two requests race).
 */
export async function updateUnconfirmedEmail(userId: string, email: string, sql: Queryable = getSql()): Promise<boolean> {
  try {
    const rows = await sql`
      update users set email = ${email}, updated_at = now()
      where id = ${userId} and email_verified_at is null and not exists (select 1 from users where email = ${email})`;
    return rows.count === 1;
  } catch (error) {
    if ((error as { code?: string }).code === "23505") return false;
    throw error;
  }
}

export async function updateUserName(userId: string, name: string, sql: Queryable = getSql()): Promise<void> {
  await sql`update users set name = ${name}, updated_at = now() where id = ${userId}`;
}

export async function updatePasswordHash(userId: string, passwordHash: string, sql: Queryable = getSql()): Promise<void> {
  await sql`
    update users set password_hash = ${passwordHash}, password_changed_at = now(), updated_at = now()
    where id = ${userId}`;
}

/** Make a user whose address is verified an administrator (the condition is in the WHERE); null when it is not. */
export async function promoteVerifiedUser(userId: string, sql: Queryable = getSql()): Promise<UserRow | null> {
  const [row]: [UserRow?] = await sql`
    update users set is_admin = true, updated_at = now()
    where id = ${userId} and email_verified_at is not null
    returning id, email, name, email_verified_at as "emailVerifiedAt", is_admin as "isAdmin", created_at as "createdAt", language`;
  return row ?? null;
}

/** Sets the interface language an account reads Accord in (null: follow the browser). */
export async function setUserLanguage(userId: string, language: string | null, sql: Queryable = getSql()): Promise<void> {
  await sql`update users set language = ${language} where id = ${userId}`;
}
