/**
 * Accounts the operator makes from the command line (`npm run accord -- create-user`). The CLI never changes an
 * existing account unless told to: an address that is taken is refused, and `--promote` (with `--admin`) makes an
 * existing account an administrator only when its address is verified (an unverified one may be a squatter's, signed
 * up with the operator's address and the squatter's password before the operator ran the command).
 */
import { findUserByEmail, insertUser, promoteVerifiedUser, type UserRow } from "../../db/users";

export type CreateAsOperatorResult =
  | { status: "created"; user: UserRow }
  | { status: "taken" }
  | { status: "unverified" }
  | { status: "promoted"; user: UserRow }
  | { status: "already-admin"; user: UserRow };

/** A new, verified account (an administrator with `isAdmin`); "taken" when the address already has one. */
export async function createUserAsOperator(input: { email: string; name: string; passwordHash: string; isAdmin: boolean }): Promise<CreateAsOperatorResult> {
  const user = await insertUser({ ...input, verified: true });
  return user ? { status: "created", user } : { status: "taken" };
}

/** Make the existing account of `email` an administrator, if its address is verified; null when there is none. */
export async function promoteToAdministrator(email: string): Promise<CreateAsOperatorResult | null> {
  const existing = await findUserByEmail(email);
  if (!existing) return null;
  if (!existing.emailVerifiedAt) return { status: "unverified" };
  if (existing.isAdmin) return { status: "already-admin", user: existing };
  const promoted = await promoteVerifiedUser(existing.id);
  return promoted ? { status: "promoted", user: promoted } : { status: "unverified" };
}
