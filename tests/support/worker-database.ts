/** Each integration test file gets its own database cloned from the migrated template, installs it, and loads the keys. */
import postgres from "postgres";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import { closeDatabase, openDatabase } from "../../db/client";
import { initHashedKeys } from "../../app/auth/hashed-key.server";
import { databaseUrl } from "./global-setup";

export let testDatabaseUrl = "";

beforeAll(async () => {
  const adminUrl = inject("adminUrl");
  const template = inject("templateDb");
  const name = `${template}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  testDatabaseUrl = databaseUrl(adminUrl, name);
  process.env.ACCORD_TEST_DATABASE_URL = testDatabaseUrl;
  openDatabase(testDatabaseUrl, { max: 5, applicationName: "accord-test" });
  await initHashedKeys(); // as the server does at start: domain functions called directly need it too
});

afterAll(async () => {
  await closeDatabase();
});
