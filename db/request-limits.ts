/** SQL for fixed-window request counters (keys are hashed by the caller). */
import { getSql, type Queryable } from "./client";

/** Count one hit in the current window and return the window's total (atomic under concurrency). */
export async function hitWindow(key: string, windowSeconds: number, sql: Queryable = getSql()): Promise<{ hits: number; resetsAt: Date }> {
  const [row]: [{ hits: number; resetsAt: Date }?] = await sql`
    insert into request_limits as r (key, window_start, hits)
    values (${key}, to_timestamp(floor(extract(epoch from now()) / ${windowSeconds}) * ${windowSeconds}), 1)
    on conflict (key, window_start) do update set hits = r.hits + 1
    returning hits, window_start + make_interval(secs => ${windowSeconds}) as "resetsAt"`;
  if (!row) throw new Error("request_limits upsert returned no row");
  return row;
}

export async function deleteOldWindows(olderThanSeconds: number, sql: Queryable = getSql()): Promise<void> {
  await sql`delete from request_limits where window_start < now() - make_interval(secs => ${olderThanSeconds})`;
}
