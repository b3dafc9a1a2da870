/** Advisory locks that let one instance at a time do a piece of shared work. */
import type { TransactionSql } from "./client";

/** Take the named lock for the rest of this transaction, if no other session holds it; false when one does. */
export async function tryTransactionLock(name: string, tx: TransactionSql): Promise<boolean> {
  const [row]: [{ got: boolean }?] = await tx`select pg_try_advisory_xact_lock(hashtext(${name})) as got`;
  return row?.got === true;
}
