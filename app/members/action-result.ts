/** What the members page's action answers (shared by the server handler and the page's components). */
import type { Role } from "../models/roles";

export interface MembersActionResult {
  error: string | null;
  fieldErrors: Record<string, string>;
  notice: string | null;
  /** A link made just now: shown once, with a copy button. */
  invitation: { url: string; role: Role; expiresAt: Date; maxUses: number } | null;
  /** Which form the result belongs to (its errors show next to its fields). */
  intent: string | null;
  /** What was typed, given back when it was refused, so nothing is lost. */
  values: Record<string, string>;
  /** When the answer was made: resets the role selects, so a refused change does not stay selected. */
  at: number;
}
