/**
 * Once per test run: find a PostgreSQL (DATABASE_URL's server, or an embedded one in .test-data/), and build a
 * migrated template database. Workers clone it (CREATE DATABASE … TEMPLATE), so each gets a clean database fast.
 */
import type { TestProject } from "vitest/node";
import postgres from "postgres";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { migrate } from "../../db/migrate";
import { createSql } from "../../db/client";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../server/embedded-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
  }
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

// Vitest runs this once per project (unit, integration, e2e) in the same process: share one server and one
// template, and stop the embedded PostgreSQL only when the last project is done.
interface Shared {
  users: number;
  ready: Promise<{ adminUrl: string; templateDb: string; embedded: EmbeddedPostgres | null }>;
}
const KEY = Symbol.for("accord.tests.global");
const store = globalThis as unknown as Record<symbol, Shared | undefined>;

async function prepare(): Promise<{ adminUrl: string; templateDb: string; embedded: EmbeddedPostgres | null }> {
  let embedded: EmbeddedPostgres | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: process.env.ACCORD_TEST_DATA_DIR ?? path.resolve(".test-data"),
      port: Number(process.env.ACCORD_TEST_PG_PORT ?? 54339),
    });
    adminUrl = embedded.url;
  }
  const templateDb = `accord_tpl_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${templateDb}`);
  const tpl = createSql(databaseUrl(adminUrl, templateDb), { max: 1 });
  await migrate(tpl);
  await tpl.end();
  await admin.end();
  return { adminUrl, templateDb, embedded };
}

export default async function setup(project: TestProject) {
  const shared = (store[KEY] ??= { users: 0, ready: prepare() });
  shared.users += 1;
  const { adminUrl, templateDb, embedded } = await shared.ready;
  project.provide("adminUrl", adminUrl);
  project.provide("templateDb", templateDb);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    store[KEY] = undefined;
    // Drop every database this run made (test files' clones and the template).
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${templateDb + "%"}`;
    for (const { datname } of rows.sort((a, b) => b.datname.length - a.datname.length)) {
      await admin.unsafe(`drop database if exists ${datname} with (force)`).catch(() => {});
    }
    await admin.end();
    if (embedded) await embedded.stop();
  };
}
