/**
 * Ending an account's access everywhere: every session (but the one in use, when the person changing their password
 * keeps this browser) and every personal access token, in the caller's transaction. Used when a password is reset
 * or changed and when an address is confirmed; open collaboration sockets of those sessions and tokens close at the
 * server's next access re-check (within 2 s).
 */
import type { Queryable } from "../../db/client";
import { deleteUserAccessTokens } from "../../db/access-tokens";
import { deleteUserSessions } from "../../db/sessions";

export async function endAccountAccess(userId: string, keepSessionId: string | null, sql: Queryable): Promise<void> {
  await deleteUserSessions(userId, keepSessionId, sql);
  await deleteUserAccessTokens(userId, sql);
}
