/**
 * Storing endorsements, with the rate limit, many at a time: every endorsement that arrives while the database is
 * busy with the previous batch joins the next one, so a spike of signers costs two statements per batch (count the
 * attempts, insert the rows) instead of several round trips and a commit each. A lone endorsement is written at
 * once (app/utils/micro-batch.server.ts).
 *
 * The rules, the same as one by one:
 * - Rate limit: 10 attempts an hour per account and 60 per IP (app/auth/request-limits.server.ts; hashed keys).
 *   Attempts in one batch are counted in arrival order, so the 11th of one account in a batch is refused.
 * - One endorsement per person and per organisation per version: the database's unique indexes decide; a row they
 *   refuse (also one that races another row of its own batch) is answered as a duplicate.
 * - Anything else the database refuses for one row (a deleted account, a hash that is not the version's) fails only
 *   that endorsement: the batch is retried row by row.
 */
import { randomUUID } from "node:crypto";
import { insertEndorsements, type NewEndorsement } from "../../db/endorsements";
import { countHits } from "../../db/request-limits";
import { hashedKey } from "../auth/hashed-key.server";
import { positionOf, pruneNowAndThen, secondsToWait, type Limit } from "../auth/request-limits.server";
import { createMicroBatcher } from "../utils/micro-batch.server";

export const RATE_LIMIT = { windowSeconds: 3600, perAccount: 10, perIp: 60 } as const;

const PER_ACCOUNT: Limit = { max: RATE_LIMIT.perAccount, windowSeconds: RATE_LIMIT.windowSeconds };
const PER_IP: Limit = { max: RATE_LIMIT.perIp, windowSeconds: RATE_LIMIT.windowSeconds };

export type WriteOutcome =
  | { status: "created"; id: string; createdAt: Date }
  | { status: "duplicate" }
  | { status: "limited"; retryAfterSeconds: number };

export interface EndorsementAttempt {
  row: NewEndorsement;
  /** The caller's IP (null when unknown: only the account limit applies). */
  ip: string | null;
}

function limitKeys(attempt: EndorsementAttempt): { key: string; limit: Limit }[] {
  const keys = [{ key: hashedKey("endorse:account", attempt.row.userId), limit: PER_ACCOUNT }];
  if (attempt.ip) keys.push({ key: hashedKey("endorse:ip", attempt.ip), limit: PER_IP });
  return keys;
}

/** Count every attempt of the batch, then the seconds each one must wait (0 = allowed), in arrival order. */
async function waitsOf(attempts: EndorsementAttempt[]): Promise<number[]> {
  const keys = attempts.map(limitKeys);
  const inBatch = new Map<string, number>();
  for (const k of keys.flat()) inBatch.set(k.key, (inBatch.get(k.key) ?? 0) + 1);
  const counts = await countHits([...inBatch].map(([key, n]) => ({ key, n })), RATE_LIMIT.windowSeconds);
  const rank = new Map<string, number>();
  return keys.map((own) => {
    let wait = 0;
    for (const { key, limit } of own) {
      const r = (rank.get(key) ?? 0) + 1;
      rank.set(key, r);
      const count = counts.get(key);
      if (!count) throw new Error("the rate-limit counters did not answer for every key");
      wait = Math.max(wait, secondsToWait(positionOf(count, r, inBatch.get(key)!), limit));
    }
    return wait;
  });
}

/** Insert the allowed rows in one statement; if the database refuses the statement, row by row. */
async function insertAll(rows: (NewEndorsement & { id: string })[]): Promise<Map<string, Date | Error>> {
  try {
    return await insertEndorsements(rows);
  } catch (error) {
    if (rows.length === 1) return new Map([[rows[0]!.id, error instanceof Error ? error : new Error(String(error))]]);
    const results = new Map<string, Date | Error>();
    for (const row of rows) {
      try {
        const one = await insertEndorsements([row]);
        const createdAt = one.get(row.id);
        if (createdAt) results.set(row.id, createdAt);
      } catch (rowError) {
        results.set(row.id, rowError instanceof Error ? rowError : new Error(String(rowError)));
      }
    }
    return results;
  }
}

async function writeBatch(attempts: EndorsementAttempt[]): Promise<(WriteOutcome | Error)[]> {
  const waits = await waitsOf(attempts);
  const rows = attempts.map((a, i) => (waits[i] === 0 ? { ...a.row, id: randomUUID() } : null));
  const inserted = await insertAll(rows.filter((r) => r !== null));
  pruneNowAndThen();
  return rows.map((row, i): WriteOutcome | Error => {
    if (!row) return { status: "limited", retryAfterSeconds: waits[i]! };
    const result = inserted.get(row.id);
    if (result instanceof Error) return result;
    return result ? { status: "created", id: row.id, createdAt: result } : { status: "duplicate" };
  });
}

/** Store one endorsement (with the others arriving at the same time). */
export const writeEndorsement = createMicroBatcher<EndorsementAttempt, WriteOutcome>(writeBatch, { maxBatch: 200, maxConcurrent: 2 });
