/** SQL for sign-in throttling counters (keys are already hashed by the caller). */
import { getSql, type Queryable } from "./client";

export async function findBlockedUntil(keys: string[], sql: Queryable = getSql()): Promise<Date | null> {
  const [row]: [{ until: Date | null }?] = await sql`
    select max(blocked_until) as until from login_throttles where key = any(${keys}::text[])`;
  return row?.until ?? null;
}

/**
 * Count one failure for a key and set how long it must wait, in one statement (safe under concurrency).
 * Failures older than `forgetAfterSeconds` are forgotten. Delay = min(2^(failures - free) s, capSeconds).
 */
export async function recordFailure(
  key: string,
  policy: { free: number; capSeconds: number; forgetAfterSeconds: number },
  sql: Queryable = getSql(),
): Promise<number> {
  const [row]: [{ failures: number }?] = await sql`
    insert into login_throttles as t (key, failures, last_failure_at, blocked_until)
    values (${key}, 1, now(), now())
    on conflict (key) do update set
      failures = case when t.last_failure_at < now() - make_interval(secs => ${policy.forgetAfterSeconds}) then 1 else t.failures + 1 end,
      last_failure_at = now(),
      blocked_until = case
        when (case when t.last_failure_at < now() - make_interval(secs => ${policy.forgetAfterSeconds}) then 1 else t.failures + 1 end) <= ${policy.free}
          then now()
        else now() + make_interval(secs => least(${policy.capSeconds}::float8,
          power(2, (case when t.last_failure_at < now() - make_interval(secs => ${policy.forgetAfterSeconds}) then 1 else t.failures + 1 end) - ${policy.free})))
      end
    returning failures`;
  return row?.failures ?? 1;
}

export async function clearThrottle(key: string, sql: Queryable = getSql()): Promise<void> {
  await sql`delete from login_throttles where key = ${key}`;
}
