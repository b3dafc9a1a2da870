/**
 * Which PostgreSQL the process uses: DATABASE_URL when set, otherwise an embedded one in ACCORD_DATA_DIR.
 * Opens the process's client, runs pending migrations and (optionally) seeds.
 */
import { getConfig } from "../app/config.server";
import { seed } from "../app/models/seed.server";
import { log } from "../app/utils/log.server";
import { closeDatabase, openDatabase, type Sql } from "../db/client";
import { migrate } from "../db/migrate";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres";

export interface Database {
  sql: Sql;
  url: string;
  embedded: EmbeddedPostgres | null;
  close(): Promise<void>;
}

export async function openConfiguredDatabase(options: { migrate?: boolean; seed?: boolean; applicationName?: string } = {}): Promise<Database> {
  const config = getConfig();
  let embedded: EmbeddedPostgres | null = null;
  let url = config.DATABASE_URL;
  if (!url) {
    log.info(`DATABASE_URL is not set: using the embedded PostgreSQL in ${config.ACCORD_DATA_DIR}`);
    embedded = await startEmbeddedPostgres({
      dataDir: config.ACCORD_DATA_DIR,
      port: config.ACCORD_EMBEDDED_PG_PORT,
      log: (line) => log.debug(`[postgres] ${line}`),
    });
    url = embedded.url;
  }
  const sql = openDatabase(url, { applicationName: options.applicationName ?? "accord" });
  if (options.migrate ?? true) {
    const applied = await migrate(sql);
    if (applied.length) log.info(`migrations applied: ${applied.join(", ")}`);
  }
  if (options.seed) {
    const report = await seed();
    if (report.workshopsCreated || report.documentsCreated) {
      log.info(`seeded ${report.workshopsCreated} workshops and ${report.documentsCreated} documents`);
    }
  }
  return {
    sql,
    url,
    embedded,
    async close() {
      await closeDatabase();
      if (embedded) await embedded.stop();
    },
  };
}
