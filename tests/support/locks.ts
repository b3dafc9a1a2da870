/** Holding a PostgreSQL lock from a test, and seeing a statement of the server wait for it. */
import { getSql, type TransactionSql } from "../../db/client";

/** Take a lock (`take` runs the statement that takes it) in a transaction of its own, held until `release()`. */
export async function holdLock(take: (tx: TransactionSql) => Promise<unknown>): Promise<{ release(): Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = getSql().begin(async (tx) => {
    await take(tx);
    locked();
    await released;
  });
  await Promise.race([isLocked, holder]);
  return {
    release: async () => {
      release();
      await holder;
    },
  };
}

/** Wait (up to ~4 s) until a statement of this database whose text contains `text` waits for a lock. */
export async function untilStatementWaitsForLock(text: string, what: string): Promise<void> {
  for (let i = 0; ; i++) {
    const [row] = await getSql()<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid() and position(${text} in query) > 0`;
    if (row!.n > 0) return;
    if (i > 400) throw new Error(`${what} never waited for the lock`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
