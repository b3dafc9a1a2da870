/**
 * Accord tells an editor "saved" only after PostgreSQL committed the edit. That promise holds only if a commit
 * survives a crash of PostgreSQL or of the machine, so at start-up each instance reads three settings on its own
 * connection (role and database defaults included) and refuses to start when one of them breaks it.
 * ACCORD_ALLOW_UNSAFE_DURABILITY=1 starts anyway with a warning: for throwaway test databases only.
 */
import type { Queryable } from "../db/client";
import { readDurabilitySettings, type DurabilitySettings } from "../db/server-settings";

export class DurabilityError extends Error {}

/** One sentence per setting that breaks the promise; empty when all three keep it. */
export function durabilityProblems(settings: DurabilitySettings): string[] {
  const problems: string[] = [];
  if (settings.fsync !== "on") {
    problems.push("fsync is off: PostgreSQL does not force commits to disk, so a power cut or an OS crash can lose or corrupt edits already shown as saved.");
  }
  if (settings.synchronousCommit === "off") {
    problems.push("synchronous_commit is off: PostgreSQL answers COMMIT before the commit reaches disk, so a crash loses the last edits already shown as saved.");
  }
  if (settings.fullPageWrites !== "on") {
    problems.push("full_page_writes is off: a crash in the middle of writing a page can leave it torn, and committed edits on it unreadable.");
  }
  return problems;
}

/**
 * Check the database the process uses. Throws DurabilityError naming each setting and why it matters, unless
 * `allowUnsafe`, in which case the problems are returned for a warning.
 */
export async function checkDurability(sql: Queryable, options: { allowUnsafe: boolean }): Promise<string[]> {
  const problems = durabilityProblems(await readDurabilitySettings(sql));
  if (problems.length > 0 && !options.allowUnsafe) {
    throw new DurabilityError(
      `Accord refuses to start: it promises that nothing typed is lost (an edit is shown "saved" only once PostgreSQL ` +
        `committed it), and this PostgreSQL cannot keep that promise:\n${problems.map((p) => `  ${p}`).join("\n")}\n` +
        `Turn the setting back on (postgresql.conf, or ALTER SYSTEM / ALTER DATABASE / ALTER ROLE … RESET), then start Accord again. ` +
        `For a throwaway test database only, ACCORD_ALLOW_UNSAFE_DURABILITY=1 starts anyway.`,
    );
  }
  return problems;
}
