/**
 * A transaction whose COMMIT may leave in the same round trip as its last statements.
 *
 * postgres.js's `sql.begin` sends COMMIT once its callback's promise has settled: a round trip of its own after the
 * last statement's answer, and a turn of the event loop before it. A transaction that others wait for until it
 * commits (a server change holding a document log's next place) ends sooner with its COMMIT pipelined behind its
 * last statements (`commitWith`). That is safe because PostgreSQL answers a COMMIT in a failed transaction with a
 * ROLLBACK: if any statement before it fails, nothing is written, and `commitWith` throws that statement's error.
 *
 * The transaction runs on a connection of its own (`sql.reserve`), ended (COMMIT or ROLLBACK) before the connection
 * goes back to the pool. Nothing may be sent on it once `commitWith` was called: it would run outside the transaction.
 */
import type postgres from "postgres";
import { getSql, type Sql } from "./client";

export type TransactionConnection = postgres.ReservedSql<Record<string, never>>;

/**
 * Send COMMIT behind `statements` (already started on the transaction's connection, each without waiting for anything
 * else before its query: an async query function called just before); resolves once committed.
 */
export type CommitWith = (statements: readonly Promise<unknown>[]) => Promise<void>;

/** COMMIT was answered with ROLLBACK although none of the statements sent with it reported an error. */
export class RolledBackAtCommit extends Error {
  constructor() {
    super("The transaction was rolled back at COMMIT.");
  }
}

/** More than the two microtasks postgres.js 3.4 takes to hand an awaited statement to its connection. */
const STATEMENT_HAND_OVER_MICROTASKS = 4;

export async function transaction<T>(work: (tx: TransactionConnection, commitWith: CommitWith) => Promise<T>, sql: Sql = getSql()): Promise<T> {
  const tx = (await sql.reserve()) as TransactionConnection;
  // Between BEGIN and the COMMIT or ROLLBACK sent for it.
  let open = false;
  let committed = false;
  try {
    await tx`begin`;
    open = true;
    const commitWith: CommitWith = async (statements) => {
      if (!open) throw new Error("transaction: COMMIT sent twice");
      open = false; // whatever the answer, this COMMIT ends the transaction (or the connection is lost with it)
      // postgres.js hands a statement to its connection two microtasks after it is awaited (`await query` calls the
      // query's `then` one microtask later, which waits one more before handing it over), and one after `execute()`.
      // COMMIT waits a few more microtasks than that, so it goes after every statement already started, in the same
      // write (postgres.js writes what it was handed in a setImmediate): sent at once, it would overtake a statement
      // awaited just before, which would then run after it, outside the transaction. (A turn of the event loop would
      // do too, but is not needed: other callbacks could run in it while the editors wait.)
      for (let i = 0; i < STATEMENT_HAND_OVER_MICROTASKS; i++) await null;
      const settled = await Promise.allSettled([...statements, tx`commit`.execute()]);
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
      if (failed) throw failed.reason;
      const answer = settled[settled.length - 1] as PromiseFulfilledResult<{ command: string }>;
      if (answer.value.command !== "COMMIT") throw new RolledBackAtCommit();
      committed = true;
    };
    const result = await work(tx, commitWith);
    if (open) {
      open = false;
      await tx`commit`;
    } else if (!committed) throw new Error("transaction: the work went on after its COMMIT failed");
    return result;
  } catch (error) {
    if (open) {
      open = false;
      // A connection that cannot take the ROLLBACK is gone: PostgreSQL rolls the transaction back with it.
      await tx`rollback`.catch(() => {});
    }
    throw error;
  } finally {
    tx.release();
  }
}
