/**
 * `npm run accord -- add-member` adds a verified account to a workshop, and refuses an account whose e-mail address
 * is not confirmed with one line and exit code 2, changing nothing.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createUser, createWorkshop } from "../support/factories";
import { roleOf } from "../support/members-scene";
import { testDatabaseUrl } from "../support/worker-database";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");

async function addMember(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const env = { ...process.env, DATABASE_URL: testDatabaseUrl };
    const { stdout, stderr } = await run(TSX, ["server/cli.ts", "add-member", ...args], { cwd: ROOT, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("npm run accord -- add-member", () => {
  it("adds an account whose address is confirmed, and refuses one whose address is not, in one line with exit code 2", { timeout: 120_000 }, async () => {
    const workshop = await createWorkshop();
    const verified = await createUser({ name: "Vera Verified" });
    const unverified = await createUser({ name: "Una Unconfirmed", verified: false });
    const [added, refused] = await Promise.all([
      addMember(["--workshop", workshop.slug, "--email", verified.email, "--role", "editor"]),
      addMember(["--workshop", workshop.slug, "--email", unverified.email.toUpperCase(), "--role", "organizer"]),
    ]);
    expect(added).toMatchObject({ code: 0, stdout: `${verified.email} added to ${workshop.slug} as editor\n` });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe(
      `accord: ${unverified.email} has not confirmed its e-mail address yet: ask them to open the confirmation link Accord sent them (or to request a new one after signing in), then add them again.\n`,
    );
    expect(await roleOf(workshop.id, verified.id)).toBe("editor");
    expect(await roleOf(workshop.id, unverified.id)).toBeNull();
  });
});
