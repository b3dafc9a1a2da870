/**
 * Start-up refuses a PostgreSQL that cannot keep "nothing typed is lost": here a throwaway database whose default is
 * `synchronous_commit = off` (fsync and full_page_writes are server-wide; the rule for them is tested in
 * tests/unit/durability.test.ts). ACCORD_ALLOW_UNSAFE_DURABILITY=1 starts anyway, with a warning.
 */
import postgres from "postgres";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createSql } from "../../db/client";
import { readDurabilitySettings } from "../../db/server-settings";
import { checkDurability, DurabilityError } from "../../server/durability";
import { databaseUrl } from "../support/global-setup";
import { startServerProcess } from "../support/server-process";
import { testDatabaseUrl } from "../support/worker-database";

const name = `${inject("templateDb")}_async_${randomBytes(4).toString("hex")}`;
let asyncUrl = "";

beforeAll(async () => {
  const admin = postgres(inject("adminUrl"), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${inject("templateDb")}`);
    await admin.unsafe(`alter database ${name} set synchronous_commit = off`);
  } finally {
    await admin.end();
  }
  asyncUrl = databaseUrl(inject("adminUrl"), name);
});

afterAll(async () => {
  const admin = postgres(inject("adminUrl"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

async function startOutcome(url: string, env: Record<string, string> = {}): Promise<{ started: boolean; log: string }> {
  return startServerProcess(url, env).then(
    async (proc) => {
      const log = proc.log();
      await proc.kill();
      return { started: true, log };
    },
    (error: Error) => ({ started: false, log: error.message }),
  );
}

describe("PostgreSQL's durability settings at start-up", () => {
  it("are read on the connection Accord uses, database defaults included", async () => {
    const sql = createSql(asyncUrl, { max: 1 });
    try {
      expect(await readDurabilitySettings(sql)).toMatchObject({ synchronousCommit: "off", fsync: "on", fullPageWrites: "on" });
      await expect(checkDurability(sql, { allowUnsafe: false })).rejects.toThrow(DurabilityError);
      expect(await checkDurability(sql, { allowUnsafe: true })).toEqual([expect.stringContaining("synchronous_commit is off")]);
    } finally {
      await sql.end();
    }
  });

  it("make Accord refuse to start when synchronous_commit is off, naming the setting and the promise it breaks", async () => {
    const outcome = await startOutcome(asyncUrl);
    expect(outcome.started).toBe(false);
    expect(outcome.log).toContain("Accord refuses to start");
    expect(outcome.log).toContain("nothing typed is lost");
    expect(outcome.log).toContain("synchronous_commit is off");
    expect(outcome.log).toContain("ACCORD_ALLOW_UNSAFE_DURABILITY=1");
    expect(outcome.log).not.toContain("ready on");
  });

  it("let it start with ACCORD_ALLOW_UNSAFE_DURABILITY=1, warning about each setting that is off", async () => {
    const outcome = await startOutcome(asyncUrl, { ACCORD_ALLOW_UNSAFE_DURABILITY: "1" });
    expect(outcome.started).toBe(true);
    expect(outcome.log).toMatch(/ACCORD_ALLOW_UNSAFE_DURABILITY is set, so Accord starts although synchronous_commit is off/);
  });

  it("let it start without a word about durability when every setting is on", async () => {
    const outcome = await startOutcome(testDatabaseUrl);
    expect(outcome.started).toBe(true);
    expect(outcome.log).not.toContain("ACCORD_ALLOW_UNSAFE_DURABILITY");
  });

  it("cannot be waived in production", async () => {
    const outcome = await startOutcome(testDatabaseUrl, {
      NODE_ENV: "production",
      ACCORD_PUBLIC_URL: "https://accord.example.org",
      ACCORD_KEY_SECRET: "k".repeat(40),
      SMTP_URL: "smtp://127.0.0.1:9",
      ACCORD_ALLOW_UNSAFE_DURABILITY: "1",
    });
    expect(outcome.started).toBe(false);
    expect(outcome.log).toContain("  ACCORD_ALLOW_UNSAFE_DURABILITY: unset it");
  });
});
