/**
 * `npm run accord -- create-user` as an operator runs it: the real CLI process (node + tsx), the password on stdin,
 * against this test file's PostgreSQL. An address that already has an account is never changed silently.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { findUserByEmail } from "../../db/users";
import { verifyPassword } from "../../app/auth/password.server";
import { createUser, uniqueEmail } from "../support/factories";
import { testDatabaseUrl } from "../support/worker-database";

const root = path.resolve(import.meta.dirname, "../..");
const PASSPHRASE = "operator lantern harbour 2026";

function accord(args: string[], stdin = `${PASSPHRASE}\n`): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server/cli.ts"), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: testDatabaseUrl, ACCORD_LOG_LEVEL: "error" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() }));
    child.stdin.end(stdin);
  });
}

async function passwordHashOf(email: string): Promise<string> {
  const [row] = await getSql()<{ hash: string }[]>`select password_hash as hash from users where email = ${email}`;
  return row!.hash;
}

describe("create-user", () => {
  it("creates a verified administrator for a new address", async () => {
    const email = uniqueEmail("operator");
    const run = await accord(["create-user", "--email", email, "--name", "Olga Operator", "--admin"]);
    expect(run).toMatchObject({ code: 0, stdout: `created administrator ${email}` });
    const user = await findUserByEmail(email);
    expect(user).toMatchObject({ isAdmin: true, name: "Olga Operator" });
    expect(user!.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await verifyPassword(await passwordHashOf(email), PASSPHRASE)).toBe(true);
  });

  it("refuses an address someone already signed up with, with or without --admin, and changes nothing", async () => {
    const squatter = await createUser({ verified: false, name: "Squatter", password: "squatter chosen pass 99" });
    const hashBefore = await passwordHashOf(squatter.email);
    for (const flags of [["--admin"], []]) {
      const run = await accord(["create-user", "--email", squatter.email, "--name", "Real Operator", ...flags]);
      expect(run.code, flags.join(" ")).toBe(2);
      expect(run.stderr).toContain(`an account with ${squatter.email} already exists: nothing changed`);
      expect(run.stderr).toContain("--promote");
    }
    const after = await findUserByEmail(squatter.email);
    expect(after).toMatchObject({ isAdmin: false, name: "Squatter", emailVerifiedAt: null });
    expect(await passwordHashOf(squatter.email)).toBe(hashBefore);
  });

  it("with --promote, refuses an account whose address was never confirmed (it may be a squatter's)", async () => {
    const squatter = await createUser({ verified: false, name: "Squatter" });
    const run = await accord(["create-user", "--email", squatter.email, "--name", "Real Operator", "--admin", "--promote"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("has not confirmed its address");
    expect(run.stderr).toContain("nothing changed");
    expect((await findUserByEmail(squatter.email))!.isAdmin).toBe(false);
  });

  it("with --promote, makes a verified account an administrator and says exactly what changed", async () => {
    const member = await createUser({ name: "Maja Member" });
    const hashBefore = await passwordHashOf(member.email);
    const run = await accord(["create-user", "--email", member.email, "--name", "Ignored", "--admin", "--promote"], "");
    expect(run).toMatchObject({
      code: 0,
      stdout: `promoted ${member.email} (Maja Member): administrator no → yes; its name, password, sessions and tokens are unchanged`,
    });
    expect(await findUserByEmail(member.email)).toMatchObject({ isAdmin: true, name: "Maja Member" });
    expect(await passwordHashOf(member.email)).toBe(hashBefore);
    const again = await accord(["create-user", "--email", member.email, "--name", "Ignored", "--admin", "--promote"], "");
    expect(again).toMatchObject({ code: 0, stdout: `${member.email} (Maja Member) is already an administrator: nothing changed` });
  });

  it("with --promote for an address without an account, creates it as usual; --promote without --admin is a usage error", async () => {
    const email = uniqueEmail("fresh-admin");
    expect(await accord(["create-user", "--email", email, "--name", "Fresh Admin", "--admin", "--promote"])).toMatchObject({ code: 0, stdout: `created administrator ${email}` });
    const bad = await accord(["create-user", "--email", uniqueEmail(), "--name", "X", "--promote"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--promote goes with --admin");
  });
});
