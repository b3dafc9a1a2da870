/**
 * SQL for rate-limit counters (keys are hashed by the caller): hits per key per fixed window, read together with
 * the previous window so callers can estimate a sliding window (app/auth/request-limits.server.ts decides).
 */
import { getSql, type Queryable } from "./client";

export interface WindowCount {
  key: string;
  /** Hits in the current window, including the ones just counted. */
  hits: number;
  /** Hits in the window before it. */
  previousHits: number;
  /** Seconds since the current window began. */
  elapsedSeconds: number;
}

/**
 * Count `n` hits for each key in the current window, in one statement, and return each key's totals. Atomic under
 * concurrency (the upsert locks each counter row; keys are taken in a fixed order so two batches cannot deadlock).
 */
export async function countHits(
  hits: { key: string; n: number }[],
  windowSeconds: number,
  sql: Queryable = getSql(),
): Promise<Map<string, WindowCount>> {
  const totals = new Map<string, number>();
  for (const h of hits) totals.set(h.key, (totals.get(h.key) ?? 0) + h.n);
  const sorted = [...totals].map(([key, n]) => ({ key, n })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (sorted.length === 0) return new Map();
  const rows = await sql<WindowCount[]>`
    with w as (select to_timestamp(floor(extract(epoch from now()) / ${windowSeconds}) * ${windowSeconds}) as start),
    counted as (
      insert into request_limits as r (key, window_start, hits)
      select b.key, w.start, b.n
      from unnest(${sorted.map((h) => h.key)}::text[], ${sorted.map((h) => h.n)}::int[]) with ordinality as b(key, n, ord), w
      order by b.ord
      on conflict (key, window_start) do update set hits = r.hits + excluded.hits
      returning r.key, r.hits
    )
    select c.key, c.hits,
      coalesce((select p.hits from request_limits p
                where p.key = c.key and p.window_start = (select start from w) - make_interval(secs => ${windowSeconds})), 0) as "previousHits",
      extract(epoch from now() - (select start from w))::float8 as "elapsedSeconds"
    from counted c`;
  return new Map(rows.map((r) => [r.key, r]));
}

export async function deleteOldWindows(olderThanSeconds: number, sql: Queryable = getSql()): Promise<number> {
  const result = await sql`delete from request_limits where window_start < now() - make_interval(secs => ${olderThanSeconds})`;
  return result.count;
}
