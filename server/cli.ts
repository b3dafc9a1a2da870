/**
 * Operator CLI: `npm run accord -- <command>`. Works whether or not the server runs (embedded or DATABASE_URL).
 *   migrate                                   apply pending migrations
 *   seed                                      create the LEPH 2023 workshops and drafts (once)
 *   create-user --email E --name N [--admin]  password on stdin; the account is verified. An address that already
 *                                             has an account is refused, unless --admin --promote is given and its
 *                                             address is verified: then it becomes an administrator (nothing else
 *                                             changes; no password is read)
 *   add-member --workshop SLUG --email E --role R   R: organizer | editor | commenter | viewer
 *   verify <url-or-slug> [--hash H]           recompute a published declaration's SHA-256 from its public text; for a
 *                                             translation (…/d/<slug>?lang=<tag>), its own SHA-256 and the source's it names
 *                                             (a URL: fetched from <site>/api/declarations/<slug>; a bare slug:
 *                                             read from the database); exit 0 if it matches, 1 if not
 * Bad arguments: a one-line error and exit code 2.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { normaliseEmail } from "../app/auth/accounts.server";
import { emailField, nameField } from "../app/auth/fields";
import { inEnglish } from "../app/auth/field-english.server";
import { hashPassword, passwordProblem } from "../app/auth/password.server";
import { createUserAsOperator, promoteToAdministrator, type CreateAsOperatorResult } from "../app/auth/operator-accounts.server";
import { ConfigError, getConfig } from "../app/config.server";
import { addMemberByEmail, MembershipError } from "../app/models/memberships.server";
import { isRole, ROLES } from "../app/models/roles";
import { seed } from "../app/models/seed.server";
import { getSql } from "../db/client";
import { canonicalHash, canonicalText } from "../app/declarations/canonical";
import { canonicalLanguage } from "../app/declarations/languages";
import { openConfiguredDatabase } from "./database";
import { EmbeddedPostgresError } from "./embedded-postgres";

class UsageError extends Error {}

const USAGE = `usage: npm run accord -- <migrate | seed | create-user --email E --name N [--admin [--promote]] | add-member --workshop SLUG --email E --role R | verify <url-or-slug> [--hash H]>`;

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
  if (!r.success) throw new UsageError(`${what}: ${inEnglish(r.error.issues[0]?.message ?? "invalid")}`);
  return r.data;
}

/** A check that did not pass: printed, exit code 1. */
class VerifyMismatch extends Error {}

/**
 * `verify`: recompute SHA-256(canonical text) of a declaration's current published version and compare it with the
 * published hash (and with --hash, when given). A URL is fetched as <site>/api/declarations/<slug> (given either
 * that address or /d/<slug>…); a bare slug is read from the database.
 */
async function verifyDeclaration(args: string[]): Promise<string> {
  let values: { hash?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: { hash: { type: "string" } }, strict: true, allowPositionals: true }));
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0] ?? "bad arguments");
  }
  if (positionals.length !== 1) throw new UsageError("verify needs exactly one URL or slug, e.g. verify https://accord.example.org/d/call-by-police");
  const target = positionals[0]!;
  const expected = values.hash?.trim().toLowerCase();
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) throw new UsageError("--hash must be 64 hexadecimal characters (a SHA-256)");

  let published: { title: string; number: number; hash: string; text: string; source: string };
  if (/^https?:\/\//i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new UsageError(`not a valid URL: ${target}`);
    }
    const match = /^(.*?)\/(?:d|api\/declarations)\/([a-z0-9]+(?:-[a-z0-9]+)*)(?:[/.?#]|$)/.exec(url.pathname);
    if (!match) throw new UsageError(`give the address of a declaration (…/d/<slug> or …/api/declarations/<slug>), not ${target}`);
    // A translation: /d/<slug>?lang=<tag> or /api/declarations/<slug>/translations/<tag>.
    const translated = /\/api\/declarations\/[a-z0-9-]+\/translations\/([^/?#]+)$/.exec(url.pathname)?.[1] ?? url.searchParams.get("lang");
    if (translated !== null) return verifyTranslation(new URL(match[1]!, url.origin).href.replace(/\/$/, ""), match[2]!, decodeURIComponent(translated), expected);
    const api = new URL(`${match[1]}/api/declarations/${match[2]}`, url.origin);
    let response: Response;
    try {
      response = await fetch(api, { headers: { accept: "application/json" }, redirect: "follow", signal: AbortSignal.timeout(20_000) });
    } catch (error) {
      throw new Error(`could not fetch ${api.href}: ${(error as Error).message}`);
    }
    if (response.status === 404) throw new Error(`${api.href}: no published declaration there (404)`);
    if (!response.ok) throw new Error(`${api.href} answered ${response.status} ${response.statusText}`);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new VerifyMismatch(`MISMATCH: ${api.href} did not answer JSON`);
    }
    const parsed = z
      .object({
        title: z.string(),
        version: z.object({ number: z.number().int().positive(), hash: z.string() }),
        text: z.string(),
      })
      .safeParse(body);
    if (!parsed.success) throw new VerifyMismatch(`MISMATCH: ${api.href} did not answer a declaration (title, version.number, version.hash, text)`);
    published = { title: parsed.data.title, number: parsed.data.version.number, hash: parsed.data.version.hash.toLowerCase(), text: parsed.data.text, source: api.href };
  } else {
    const slug = need(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "give a URL (https://…/d/<slug>) or a declaration's slug").max(80), target, "verify");
    const db = await openConfiguredDatabase({ migrate: false, applicationName: "accord-cli" });
    try {
      const [row]: [{ title: string; number: number; sha256: string; canonicalText: string }?] = await getSql()`
        select pv.title, pv.number, pv.sha256, pv.canonical_text as "canonicalText"
        from declarations dl join published_versions pv on pv.document_id = dl.document_id
        where dl.slug = ${slug} order by pv.number desc limit 1`;
      if (!row) throw new Error(`no published declaration has the slug ${slug}`);
      published = { title: row.title, number: row.number, hash: row.sha256, text: row.canonicalText, source: "the database" };
    } finally {
      await db.close();
    }
  }

  const recomputed = canonicalHash(published.text);
  const problems: string[] = [];
  if (recomputed !== published.hash) problems.push(`the text hashes to ${recomputed}, but ${published.source} gives ${published.hash}`);
  if (canonicalText(published.text) !== published.text) problems.push("the text is not in canonical form (README \"Verifying a declaration\")");
  if (expected !== undefined && expected !== recomputed) problems.push(`the text hashes to ${recomputed}, not the expected ${expected}`);
  if (problems.length > 0) {
    throw new VerifyMismatch(`MISMATCH: version ${published.number} of ${published.title}: ${problems.join("; ")}`);
  }
  return `OK: version ${published.number} of ${published.title} has SHA-256 ${recomputed}`;
}

/**
 * `verify` of a translation: fetch <site>/api/declarations/<slug>/translations/<tag>, recompute SHA-256(canonical text)
 * and compare it with the translation's hash (and --hash); then fetch the exact text of the source version it names
 * (<site>/d/<slug>/v/<n>/text) and check that it hashes to the source hash the translation is bound to.
 */
async function verifyTranslation(site: string, slug: string, language: string, expected: string | undefined): Promise<string> {
  const tag = canonicalLanguage(language);
  if (!tag) throw new UsageError(`not a language tag: ${language.slice(0, 40)}`);
  const api = `${site}/api/declarations/${slug}/translations/${encodeURIComponent(tag)}`;
  const fetched = async (href: string): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(href, { redirect: "follow", signal: AbortSignal.timeout(20_000) });
    } catch (error) {
      throw new Error(`could not fetch ${href}: ${(error as Error).message}`);
    }
    if (response.status === 404) throw new Error(`${href}: nothing published there (404)`);
    if (!response.ok) throw new Error(`${href} answered ${response.status} ${response.statusText}`);
    return response;
  };
  let body: unknown;
  try {
    body = await (await fetched(api)).json();
  } catch (error) {
    if (error instanceof SyntaxError) throw new VerifyMismatch(`MISMATCH: ${api} did not answer JSON`);
    throw error;
  }
  const parsed = z
    .object({
      language: z.string(),
      title: z.string(),
      text: z.string(),
      hash: z.string(),
      sourceVersion: z.object({ number: z.number().int().positive().max(1_000_000), hash: z.string() }),
      current: z.boolean(),
    })
    .safeParse(body);
  if (!parsed.success) throw new VerifyMismatch(`MISMATCH: ${api} did not answer a translation (language, title, text, hash, sourceVersion, current)`);
  const t = parsed.data;
  const recomputed = canonicalHash(t.text);
  const problems: string[] = [];
  if (recomputed !== t.hash.toLowerCase()) problems.push(`the translation's text hashes to ${recomputed}, but ${api} gives ${t.hash}`);
  if (canonicalText(t.text) !== t.text) problems.push("the translation's text is not in canonical form");
  if (expected !== undefined && expected !== recomputed) problems.push(`the translation's text hashes to ${recomputed}, not the expected ${expected}`);
  const sourceHref = `${site}/d/${slug}/v/${t.sourceVersion.number}/text`;
  const sourceText = await (await fetched(sourceHref)).text();
  const sourceHash = canonicalHash(sourceText);
  if (sourceHash !== t.sourceVersion.hash.toLowerCase()) {
    problems.push(`it names version ${t.sourceVersion.number} with SHA-256 ${t.sourceVersion.hash}, but that version's text (${sourceHref}) hashes to ${sourceHash}`);
  }
  if (problems.length > 0) throw new VerifyMismatch(`MISMATCH: the ${t.language} translation of ${slug}: ${problems.join("; ")}`);
  return (
    `OK: the ${t.language} translation “${t.title}” has SHA-256 ${recomputed}; it translates version ${t.sourceVersion.number}, ` +
    `whose text has SHA-256 ${sourceHash}${t.current ? "" : " (outdated: a newer version has been published since)"}`
  );
}

/** What create-user did, in one line; UsageError (exit code 2) for a refusal, which changed nothing. */
function createUserOutcome(email: string, result: CreateAsOperatorResult): string {
  switch (result.status) {
    case "created":
      return `created ${result.user.isAdmin ? "administrator" : "user"} ${email}`;
    case "promoted":
      return `promoted ${email} (${result.user.name}): administrator no → yes; its name, password, sessions and tokens are unchanged`;
    case "already-admin":
      return `${email} (${result.user.name}) is already an administrator: nothing changed`;
    case "unverified":
      throw new UsageError(
        `the account with ${email} has not confirmed its address, so it may not be yours (anyone can sign up with any address): nothing changed. Confirm the address first, or delete that account`,
      );
    case "taken":
      throw new UsageError(
        `an account with ${email} already exists: nothing changed. To make it an administrator, run create-user --email ${email} --name N --admin --promote (only for an account whose address is verified)`,
      );
  }
}

/** `create-user`: a new verified account, or with --admin --promote an existing verified one made administrator. */
async function createUser(args: string[]): Promise<string> {
  const v = parse(args, { email: { type: "string" }, name: { type: "string" }, admin: { type: "boolean" }, promote: { type: "boolean" } });
  if (v.promote === true && v.admin !== true) throw new UsageError("--promote goes with --admin: it makes an existing, verified account an administrator");
  const email = normaliseEmail(need(emailField, v.email ?? "", "--email"));
  const name = need(nameField, v.name ?? "", "--name");
  const readPassword = async () => {
    const password = (await readStdin()).replace(/\r?\n$/, "");
    const problem = passwordProblem(password, { email, name });
    if (problem) throw new UsageError(`password (stdin): ${inEnglish(problem)}`);
    return hashPassword(password);
  };
  // Without --promote the password is checked before any database is opened (or an embedded one started).
  const passwordHash = v.promote === true ? null : await readPassword();
  const db = await openConfiguredDatabase({ migrate: true, applicationName: "accord-cli" });
  try {
    const promoted = v.promote === true ? await promoteToAdministrator(email) : null;
    if (promoted) return createUserOutcome(email, promoted);
    const created = await createUserAsOperator({ email, name, passwordHash: passwordHash ?? (await readPassword()), isAdmin: v.admin === true });
    return createUserOutcome(email, created);
  } finally {
    await db.close();
  }
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
    case "create-user":
      return createUser(rest);
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
    case "verify":
      return verifyDeclaration(rest);
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
  if (error instanceof VerifyMismatch) {
    process.stdout.write(`${error.message}\n`);
    process.exit(1);
  }
  if (error instanceof ConfigError || error instanceof EmbeddedPostgresError) {
    process.stderr.write(`accord: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`accord: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
