/**
 * What a personal access token may do, in words the Account page shows and the server enforces
 * (app/auth/access-gate.server.ts `requireScope`). Pure: the browser renders the same list.
 *
 * - read:    the GET endpoints of the JSON API, and a read-only collaboration socket;
 * - write:   saving versions, editing over the collaboration socket, comments and proposals (where the role allows it);
 * - endorse: endorsing a declaration and withdrawing an endorsement;
 * - admin:   publishing, the organisers' endorsement export (signer e-mails) and the account data download.
 * Browser sessions have every scope. Scopes never widen a role: an admin token of a viewer publishes nothing.
 */
export const SCOPES = ["read", "write", "endorse", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** In English; the Account page says them in its language (security:tokens.scopes in app/locales). */
export const SCOPE_WORDS: Record<Scope, { label: string; description: string }> = {
  read: { label: "Read", description: "Read your workshops, documents and versions through the API, and follow documents live without changing them." },
  write: { label: "Write", description: "Save versions, edit documents live, comment and propose changes, where your role allows it." },
  endorse: { label: "Endorse", description: "Endorse declarations in your name and withdraw your endorsements." },
  admin: {
    label: "Admin",
    description: "Publish versions, export endorsements with signers' e-mail addresses, and download your account data, where your role allows it.",
  },
};

export const isScope = (value: unknown): value is Scope => typeof value === "string" && (SCOPES as readonly string[]).includes(value);

/** How long a new token works; there is no "never". */
export const TOKEN_LIFETIMES_DAYS = [7, 30, 90, 365] as const;
export const DEFAULT_TOKEN_LIFETIME_DAYS = 90;
