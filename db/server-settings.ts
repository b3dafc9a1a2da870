/** What the PostgreSQL server says about itself, as this connection sees it (role and database defaults included). */
import { getSql, type Queryable } from "./client";

/** The settings a committed transaction's survival rests on, as PostgreSQL spells their values. */
export interface DurabilitySettings {
  fsync: string;
  synchronousCommit: string;
  fullPageWrites: string;
}

export async function readDurabilitySettings(sql: Queryable = getSql()): Promise<DurabilitySettings> {
  const [row] = await sql<DurabilitySettings[]>`
    select current_setting('fsync') as fsync,
           current_setting('synchronous_commit') as "synchronousCommit",
           current_setting('full_page_writes') as "fullPageWrites"`;
  return row!;
}
