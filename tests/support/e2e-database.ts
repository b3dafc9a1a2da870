/** An empty database for a browser test's server process (it migrates and seeds itself on start). */
import postgres from "postgres";
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { databaseUrl } from "./global-setup";
import { openDatabase } from "../../db/client";

export async function createE2eDatabase(): Promise<string> {
  const adminUrl = inject("adminUrl");
  const name = `${inject("templateDb")}_e2e_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${inject("templateDb")}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(adminUrl, name);
  openDatabase(url, { max: 3, applicationName: "accord-e2e" });
  return url;
}
