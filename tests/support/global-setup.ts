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

export default async function setup(project: TestProject) {
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
  project.provide("adminUrl", adminUrl);
  project.provide("templateDb", templateDb);
  return async () => {
    // Drop every database this run made (workers' clones and the template).
    const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${templateDb + "%"}`;
    for (const { datname } of rows.sort((a, b) => b.datname.length - a.datname.length)) {
      await admin.unsafe(`drop database if exists ${datname} with (force)`).catch(() => {});
    }
    await admin.end();
    if (embedded) await embedded.stop();
  };
}
