/**
 * The one postgres.js client of the process.
 *
 * The server (or the CLI, or a test worker) opens it once with `openDatabase(url)`; every query module
 * reaches it through `getSql()`. It is kept on `globalThis` because the Remix server build carries its
 * own copy of this module: both copies must share one pool.
 */
import postgres from "postgres";

export type Sql = postgres.Sql<Record<string, never>>;
export type TransactionSql = postgres.TransactionSql<Record<string, never>>;
/** Either the pool or an open transaction: query functions accept both. */
export type Queryable = Sql | TransactionSql;

const KEY = Symbol.for("accord.db.sql");
const URL_KEY = Symbol.for("accord.db.url");
type Holder = { [KEY]?: Sql; [URL_KEY]?: string };
const holder = globalThis as unknown as Holder;

export interface OpenOptions {
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /** Close a connection after this many idle seconds (0: keep it open). Default 30. */
  idleTimeoutSeconds?: number;
}

/** Create a client without installing it as the process's client. */
export function createSql(url: string, options: OpenOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    idle_timeout: options.idleTimeoutSeconds ?? 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "accord" },
    // bigint columns (sequences, counts) come back as JS numbers; they stay far below 2^53.
    types: {
      bigint: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) },
    },
  }) as unknown as Sql;
}

export function openDatabase(url: string, options: OpenOptions = {}): Sql {
  const sql = createSql(url, options);
  holder[KEY] = sql;
  holder[URL_KEY] = url;
  return sql;
}

/**
 * `count` clients of ONE connection each, on the process's database (or at `url`, the same database reached another
 * way). Statements given to one of them run in the order given, pipelined (sent without waiting for the previous
 * answer). The caller ends them.
 */
export function openSingleConnections(count: number, applicationName: string, url = holder[URL_KEY]): Sql[] {
  if (!url) throw new Error("The database is not open: call openDatabase() first.");
  return Array.from({ length: count }, () => createSql(url, { max: 1, applicationName, idleTimeoutSeconds: 0 }));
}

/** Install an existing client (tests give each worker its own database). */
export function useDatabase(sql: Sql): void {
  holder[KEY] = sql;
}

export function getSql(): Sql {
  const sql = holder[KEY];
  if (!sql) throw new Error("The database is not open: call openDatabase() first.");
  return sql;
}

export async function closeDatabase(): Promise<void> {
  const sql = holder[KEY];
  delete holder[KEY];
  delete holder[URL_KEY];
  if (sql) await sql.end({ timeout: 5 });
}
