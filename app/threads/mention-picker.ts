/**
 * The `@` member picker of the comment fields, without React: which mention is being typed at the caret, which
 * members match it, and the text once one is chosen. Mentions are plain text `@Name` (app/threads/thread-mails.server.ts
 * reads them the same way: the `@` must not follow a letter or digit).
 *
 * Browser-safe.
 */

const WORD_CHAR = /[\p{L}\p{N}_]/u;
/** Longest text after `@` still read as a name being typed. */
const MAX_QUERY = 60;
/** Most members offered at once. */
export const MAX_OPTIONS = 8;

/** The mention being typed before `caret`: where its `@` is and what follows it, or null when none is. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const from = Math.max(0, caret - MAX_QUERY - 1);
  const at = text.lastIndexOf("@", caret - 1);
  if (at < from || at < 0) return null;
  if (at > 0 && WORD_CHAR.test(text[at - 1]!)) return null;
  const query = text.slice(at + 1, caret);
  if (/[\n\r@]/.test(query) || /^\s/.test(query) || /\s{2,}/.test(query)) return null;
  return { start: at, query };
}

/**
 * Members whose name starts with `query`, or one of whose words does (case-insensitive), names starting with it
 * first, then alphabetically; at most MAX_OPTIONS. An empty query offers everyone (alphabetically).
 */
export function matchingMembers(names: readonly string[], query: string): string[] {
  const q = query.toLocaleLowerCase("en");
  const unique = [...new Set(names.filter((n) => n.trim() !== ""))];
  const scored: { name: string; rank: number }[] = [];
  for (const name of unique) {
    const lower = name.toLocaleLowerCase("en");
    if (lower.startsWith(q)) scored.push({ name, rank: 0 });
    else if (lower.split(/\s+/).some((word) => word.startsWith(q))) scored.push({ name, rank: 1 });
  }
  return scored
    .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name, "en"))
    .slice(0, MAX_OPTIONS)
    .map((s) => s.name);
}

/** The text with the mention being typed (from its `@` at `start` to `caret`) replaced by `@Name `, and the caret after it. */
export function withMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const after = text.slice(caret);
  const inserted = `@${name}${after.startsWith(" ") ? "" : " "}`;
  return { text: text.slice(0, start) + inserted + after, caret: start + inserted.length + (after.startsWith(" ") ? 1 : 0) };
}
