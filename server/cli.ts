/**
 * Operator CLI: `npm run accord -- <command>`. Works whether or not the server runs (embedded or DATABASE_URL).
 *   migrate                                   apply pending migrations
 *   seed                                      create the LEPH 2023 workshops and drafts (once)
 *   create-user --email E --name N [--admin]  password on stdin; the account is verified
 *   add-member --workshop SLUG --email E --role R   R: organizer | editor | commenter | viewer
 * Bad arguments: a one-line error and exit code 2.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { normaliseEmail } from "../app/auth/accounts.server";
import { emailField, nameField } from "../app/auth/fields";
import { hashPassword, passwordProblem } from "../app/auth/password.server";
import { ConfigError, getConfig } from "../app/config.server";
import { addMemberByEmail, MembershipError } from "../app/models/memberships.server";
import { isRole, ROLES } from "../app/models/roles";
import { seed } from "../app/models/seed.server";
import { getSql } from "../db/client";
import { insertUser, setAdmin, findUserByEmail } from "../db/users";
import { openConfiguredDatabase } from "./database";
import { EmbeddedPostgresError } from "./embedded-postgres";

class UsageError extends Error {}

const USAGE = `usage: npm run accord -- <migrate | seed | create-user --email E --name N [--admin] | add-member --workshop SLUG --email E --role R>`;

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write("Password (input is visible; end with Enter): ");
    return new Promise((resolve) => process.stdin.once("data", (d) => resolve(String(d))));
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parse(args: string[], options: Record<string, { type: "string" | "boolean" }>) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0] ?? "bad arguments");
  }
}

function need<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${what}: ${r.error.issues[0]?.message ?? "invalid"}`);
  return r.data;
}

async function run(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  switch (command) {
    case "migrate": {
      parse(rest, {});
      const db = await openConfiguredDatabase({ migrate: true, applicationName: "accord-cli" });
      await db.close();
      return "migrations are up to date";
    }
    case "seed": {
      parse(rest, {});
      const db = await openConfiguredDatabase({ migrate: true, applicationName: "accord-cli" });
      try {
        const r = await seed();
        return `seed: ${r.workshopsCreated} workshops and ${r.documentsCreated} documents created (existing ones left as they are)`;
      } finally {
        await db.close();
      }
    }
    case "create-user": {
      const v = parse(rest, { email: { type: "string" }, name: { type: "string" }, admin: { type: "boolean" } });
      const email = need(emailField, v.email ?? "", "--email");
      const name = need(nameField, v.name ?? "", "--name");
      const password = (await readStdin()).replace(/\r?\n$/, "");
      const problem = passwordProblem(password, { email, name });
      if (problem) throw new UsageError(`password (stdin): ${problem}`);
      const passwordHash = await hashPassword(password);
      const db = await openConfiguredDatabase({ migrate: true, applicationName: "accord-cli" });
      try {
        const user = await insertUser({ email, name, passwordHash, verified: true, isAdmin: v.admin === true });
        if (!user) {
          const existing = await findUserByEmail(email);
          if (existing && v.admin === true) await setAdmin(existing.id, true);
          throw new UsageError(`an account with ${email} already exists${v.admin === true ? " (it is now an administrator)" : ""}`);
        }
        return `created ${user.isAdmin ? "administrator" : "user"} ${email}`;
      } finally {
        await db.close();
      }
    }
    case "add-member": {
      const v = parse(rest, { workshop: { type: "string" }, email: { type: "string" }, role: { type: "string" } });
      const slug = need(z.string().regex(/^[a-z0-9-]{1,80}$/, "give a workshop slug"), v.workshop ?? "", "--workshop");
      const email = normaliseEmail(need(emailField, v.email ?? "", "--email"));
      if (!isRole(v.role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
      const db = await openConfiguredDatabase({ migrate: true, applicationName: "accord-cli" });
      try {
        const [w]: [{ id: string }?] = await getSql()`select id from workshops where slug = ${slug}`;
        if (!w) throw new UsageError(`no workshop has the slug ${slug}`);
        const { previous } = await addMemberByEmail(w.id, email, v.role);
        return previous ? `${email}: ${previous} → ${v.role} in ${slug}` : `${email} added to ${slug} as ${v.role}`;
      } catch (error) {
        if (error instanceof MembershipError) throw new UsageError(error.message);
        throw error;
      } finally {
        await db.close();
      }
    }
    default:
      throw new UsageError(command ? `unknown command "${command}". ${USAGE}` : USAGE);
  }
}

try {
  getConfig();
  const message = await run(process.argv.slice(2));
  process.stdout.write(message + "\n");
  process.exit(0);
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`accord: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof ConfigError || error instanceof EmbeddedPostgresError) {
    process.stderr.write(`accord: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`accord: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
