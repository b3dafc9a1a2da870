/**
 * Published declarations made directly in SQL (declarations + document_versions + published_versions), so the
 * endorsement tests do not depend on the publishing code; plus small HTTP helpers for the JSON API and forms.
 */
import type { NewEndorsement } from "../../db/endorsements";
import { randomBytes } from "node:crypto";
import { getSql } from "../../db/client";
import type { UserRow } from "../../db/users";
import { canonicalHash, canonicalText } from "../../app/declarations/canonical";
import { createAccessToken } from "../../app/auth/access-tokens.server";
import { individualRow as individualEndorsementRow } from "../../app/models/endorsements.server";
import { addMember, createUser, createWorkshop } from "./factories";
import { sessionCookie } from "./collab-client";

export interface Declaration {
  workshopId: string;
  documentId: string;
  slug: string;
  organiser: UserRow;
  versions: { id: string; number: number; sha256: string }[];
}

export const DECLARATION_TEXT = "Police for harm reduction\n\nWe, serving and retired police officers, call for drug policies that save lives.";

export async function publishDeclaration(
  options: { policy?: "list_unverified" | "verified_only"; open?: boolean; text?: string; publishedBy?: UserRow | null } = {},
): Promise<Declaration> {
  const sql = getSql();
  const workshop = await createWorkshop();
  const organiser = await createUser({ name: "Olive Organiser" });
  await addMember(workshop.id, organiser.id, "organizer");
  const slug = `police-harm-reduction-${randomBytes(3).toString("hex")}`;
  const [doc] = await sql<{ id: string }[]>`
    insert into documents (workshop_id, slug, title, kind) values (${workshop.id}, ${slug}, 'Police for harm reduction', 'declaration') returning id`;
  await sql`
    insert into declarations (document_id, slug, endorsements_open, organisation_policy)
    values (${doc!.id}, ${slug}, ${options.open ?? true}, ${options.policy ?? "list_unverified"})`;
  const declaration: Declaration = { workshopId: workshop.id, documentId: doc!.id, slug, organiser, versions: [] };
  await publishVersion(declaration, options.text ?? DECLARATION_TEXT, options.publishedBy === undefined ? organiser : options.publishedBy);
  return declaration;
}

/** Seal the next published version with this text. */
export async function publishVersion(declaration: Declaration, text: string, publishedBy: UserRow | null = declaration.organiser): Promise<{ id: string; number: number; sha256: string }> {
  const sql = getSql();
  const [version] = await sql<{ id: string }[]>`
    insert into document_versions (document_id, name, log_seq, yjs_state, tiptap_json, html, plain_text)
    values (${declaration.documentId}, ${`Version ${declaration.versions.length + 1}`}, 0, ${Buffer.alloc(0)}, ${sql.json({})},
            ${`<p>${text}</p>`}, ${text})
    returning id`;
  const canonical = canonicalText(text);
  const sha256 = canonicalHash(canonical);
  const number = declaration.versions.length + 1;
  const [published] = await sql<{ id: string }[]>`
    insert into published_versions (document_id, number, version_id, title, canonical_text, html, sha256, published_by)
    values (${declaration.documentId}, ${number}, ${version!.id}, 'Police for harm reduction', ${canonical}, ${`<p>${text}</p>`},
            ${sha256}, ${publishedBy?.id ?? null})
    returning id`;
  const entry = { id: published!.id, number, sha256 };
  declaration.versions.push(entry);
  return entry;
}

/** A stored individual endorsement of the declaration's first version, as the database layer takes it. */
export function individualRow(d: Declaration, userId: string, displayName: string, publicFields: string[] = []): NewEndorsement {
  const binding = { publishedVersionId: d.versions[0]!.id, versionSha256: d.versions[0]!.sha256, userId, reconfirms: null };
  const fields = { displayName, roleTitle: null, affiliation: null, country: "SE", capacity: "individual" as const, statement: null, publicFields };
  return individualEndorsementRow(binding, fields);
}

export const person = (over: Record<string, unknown> = {}) => ({
  kind: "individual",
  name: "Anna Berg",
  role: "Detective Inspector",
  affiliation: "Stockholm Police",
  country: "SE",
  capacity: "serving_officer",
  statement: "Harm reduction saves lives.",
  publicFields: ["capacity", "country"],
  consent: true,
  ...over,
});

export const organisation = (over: Record<string, unknown> = {}) => ({
  kind: "organisation",
  organisationName: "Swedish Police Authority",
  organisationType: "police_agency",
  country: "SE",
  website: "https://www.polisen.se",
  signerRole: "Head of Communications",
  authorised: true,
  consent: true,
  ...over,
});

/** A signed-in person: their user row, a session cookie, and (made on demand) a personal access token. */
export interface Signer {
  user: UserRow;
  cookie: string;
  token: () => Promise<string>;
}

export async function signer(overrides: Parameters<typeof createUser>[0] = {}): Promise<Signer> {
  const user = await createUser(overrides);
  const cookie = await sessionCookie(user.id);
  let token: string | null = null;
  return { user, cookie, token: async () => (token ??= (await createAccessToken(user.id, { name: "tests", scopes: ["read", "write", "endorse", "admin"], lifetimeDays: 7 })).token) };
}

export interface CallOptions {
  cookie?: string;
  bearer?: string;
  json?: unknown;
  body?: string;
  form?: [string, string][];
  /** Defaults to the server's own origin for anything but GET/HEAD; null sends none. */
  origin?: string | null;
  headers?: Record<string, string>;
}

export async function call(base: string, method: string, path: string, o: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.cookie) headers.cookie = o.cookie;
  if (o.bearer) headers.authorization = `Bearer ${o.bearer}`;
  if (method !== "GET" && method !== "HEAD" && o.origin !== null) headers.origin = o.origin ?? base;
  let body: string | undefined = o.body;
  if (o.json !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(o.json);
  } else if (o.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(o.form).toString();
  }
  return fetch(base + path, { method, headers, body, redirect: "manual" });
}

/** A form's fields as pairs (repeated keys allowed), from an object whose arrays become repeated keys. */
export function formPairs(fields: Record<string, string | string[] | boolean | undefined>): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === false) continue;
    if (Array.isArray(value)) for (const v of value) out.push([key, v]);
    else out.push([key, value === true ? "on" : value]);
  }
  return out;
}

export async function endorsementRows(declaration: Declaration) {
  return getSql()<
    {
      id: string;
      userId: string | null;
      kind: string;
      publishedVersionId: string;
      versionSha256: string;
      evidence: string;
      moderation: string;
      withdrawnAt: Date | null;
      erasedAt: Date | null;
      displayName: string | null;
      organisationName: string | null;
      reconfirms: string | null;
    }[]
  >`
    select e.id, e.user_id as "userId", e.kind, e.published_version_id as "publishedVersionId", e.version_sha256 as "versionSha256",
           e.evidence, e.moderation, e.withdrawn_at as "withdrawnAt", e.erased_at as "erasedAt", e.display_name as "displayName",
           e.organisation_name as "organisationName", e.reconfirms
    from endorsements e join published_versions pv on pv.id = e.published_version_id
    where pv.document_id = ${declaration.documentId}
    order by e.created_at`;
}
