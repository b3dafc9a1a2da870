/** Test data made through the same domain functions the app uses. */
import { randomBytes } from "node:crypto";
import { getSql } from "../../db/client";
import { insertUser, type UserRow } from "../../db/users";
import { upsertMembership } from "../../db/memberships";
import { hashPassword } from "../../app/auth/password.server";
import type { Role } from "../../app/models/roles";

export const TEST_PASSWORD = "correct horse battery staple 42";
let cachedHash: Promise<string> | null = null;

export function uniqueEmail(label = "person"): string {
  return `${label}-${randomBytes(5).toString("hex")}@example.org`;
}

export async function createUser(overrides: { email?: string; name?: string; verified?: boolean; isAdmin?: boolean; password?: string } = {}): Promise<UserRow> {
  const passwordHash = overrides.password ? await hashPassword(overrides.password) : await (cachedHash ??= hashPassword(TEST_PASSWORD));
  const user = await insertUser({
    email: overrides.email ?? uniqueEmail(),
    name: overrides.name ?? "Test Person",
    passwordHash,
    verified: overrides.verified ?? true,
    isAdmin: overrides.isAdmin ?? false,
  });
  if (!user) throw new Error("createUser: e-mail taken");
  return user;
}

/** A workshop; its organisers need no second factor unless `secondFactorRequired` (the database's default for new ones). */
export async function createWorkshop(
  slug = `ws-${randomBytes(4).toString("hex")}`,
  options: { secondFactorRequired?: boolean } = {},
): Promise<{ id: string; slug: string }> {
  const [row]: [{ id: string }?] = await getSql()`
    insert into workshops (slug, title, starts_on, ends_on, organisers_need_second_factor)
    values (${slug}, ${"Workshop " + slug}, '2023-05-19', '2023-05-20', ${options.secondFactorRequired ?? false}) returning id`;
  if (!row) throw new Error("createWorkshop failed");
  return { id: row.id, slug };
}

export async function addMember(workshopId: string, userId: string, role: Role): Promise<void> {
  await upsertMembership(workshopId, userId, role);
}
