/** SQL for sign-in attempt counters (keys are already hashed by the caller; app/auth/throttle.server.ts decides). */
import { getSql, type Queryable } from "./client";

export interface ThrottlePolicy {
  /** Attempts that go ahead without a wait. */
  free: number;
  /** The longest wait, in seconds. */
  capSeconds: number;
  /** A key quiet for this long starts again from zero. */
  forgetAfterSeconds: number;
}

export interface Reservation {
  key: string;
  /** Attempts counted on the key, this one included. */
  attempts: number;
  /** This attempt may go ahead on this key (no wait was running when it was counted). */
  allowed: boolean;
  /** Seconds until the key lets the next attempt go ahead (0 when it already would). */
  waitSeconds: number;
}

/**
 * Count one attempt on every key, in one statement, and say for each whether the attempt may go ahead: it may when no
 * wait was running on the key at the moment its row was locked, so parallel attempts are counted one after another and
 * each sees the waits the earlier ones set. Every attempt counts, a refused one too (it leaves the running wait as it
 * is); beyond `free`, an attempt that goes ahead sets a wait of min(2^(attempts - free), capSeconds) seconds, so the
 * refused ones make the next wait longer.
 */
export async function reserveAttempts(
  keys: { key: string; policy: ThrottlePolicy }[],
  sql: Queryable = getSql(),
): Promise<Reservation[]> {
  if (keys.length === 0) return [];
  const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)); // a fixed lock order
  // clock_timestamp(), not now(): a statement that waited for a row lock must compare with the time it got it, not
  // with when it started (the attempt before it, started later, may have set a wait "from now" meanwhile).
  return sql<Reservation[]>`
    with policy as (
      select * from unnest(
        ${sorted.map((k) => k.key)}::text[], ${sorted.map((k) => k.policy.free)}::int[],
        ${sorted.map((k) => k.policy.capSeconds)}::float8[], ${sorted.map((k) => k.policy.forgetAfterSeconds)}::float8[]
      ) with ordinality as p(key, free, cap_seconds, forget_seconds, ord)
    )
    insert into login_throttles as t (key, failures, last_failure_at, blocked_until, last_attempt_allowed)
    select p.key, 1, clock_timestamp(),
           case when 1 <= p.free then 'epoch'::timestamptz else clock_timestamp() + make_interval(secs => least(p.cap_seconds, 2)) end, true
    from policy p order by p.ord
    on conflict (key) do update set (failures, last_failure_at, blocked_until, last_attempt_allowed) = (
      select c.attempts, clock_timestamp(),
             case when t.blocked_until > clock_timestamp() then t.blocked_until
                  when c.attempts <= c.free then t.blocked_until
                  else clock_timestamp() + make_interval(secs => least(c.cap_seconds, power(2, least(c.attempts - c.free, 30)))) end,
             t.blocked_until <= clock_timestamp()
      from (
        select case when t.last_failure_at < clock_timestamp() - make_interval(secs => p.forget_seconds) then 1 else t.failures + 1 end as attempts,
               p.free, p.cap_seconds
        from policy p where p.key = t.key
      ) as c
    )
    returning t.key, t.failures as attempts, t.last_attempt_allowed as allowed,
              greatest(0, extract(epoch from t.blocked_until - clock_timestamp()))::float8 as "waitSeconds"`;
}

/**
 * After a successful attempt: forget the keys in `clear`, and give back the attempt on each key of `giveBack` (whose
 * wait ends when that brings it within its free attempts).
 */
export async function releaseAttempts(
  input: { clear: string[]; giveBack: { key: string; free: number }[] },
  sql: Queryable = getSql(),
): Promise<void> {
  await sql`
    with cleared as (delete from login_throttles where key = any(${input.clear}::text[]))
    update login_throttles as t set
      failures = greatest(t.failures - 1, 0),
      blocked_until = case when t.failures - 1 <= p.free then least(t.blocked_until, clock_timestamp()) else t.blocked_until end
    from unnest(${input.giveBack.map((g) => g.key)}::text[], ${input.giveBack.map((g) => g.free)}::int[]) as p(key, free)
    where t.key = p.key`;
}

/** Forget keys nobody has tried for `olderThanSeconds` and that hold no running wait. */
export async function deleteQuietThrottles(olderThanSeconds: number, sql: Queryable = getSql()): Promise<number> {
  const result = await sql`
    delete from login_throttles
    where last_failure_at < now() - make_interval(secs => ${olderThanSeconds}) and blocked_until < now()`;
  return result.count;
}
