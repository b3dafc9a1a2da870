/**
 * bench:public's data: the seeded declaration "Call by police for harm reduction policing…" published through the
 * app's own publishing code (a named version from the stored document, then publishVersion), a list of visible
 * endorsements (bulk SQL, as the publishing tests insert them), and verified users with real personal access
 * tokens (createAccessToken) for the endorsement spike.
 */
import { randomBytes } from "node:crypto";
import * as Y from "yjs";
import { createAccessToken } from "../app/auth/access-tokens.server";
import { hashPassword } from "../app/auth/password.server";
import { documentPlainText, renderDocumentHtml, yDocToTiptapJson } from "../app/editor/document-tools.server";
import { loadDocument } from "../app/models/document-content.server";
import { publishVersion } from "../app/models/publishing.server";
import { upsertMembership } from "../db/memberships";
import { insertUser } from "../db/users";
import { insertVersion } from "../db/versions";
import { inBatches, type BenchDatabase } from "./database";

export const DECLARATION_DOCUMENT_SLUG = "call-for-harm-reduction-policing";

export interface PublishedDeclaration {
  slug: string;
  publishedVersionId: string;
  sha256: string;
}

const COUNTRIES = ["SE", "NL", "GB", "DE", "PT", "CH", "NO", "CA", "US", "AU"];
const CAPACITIES = ["serving_officer", "retired_officer", "professional", "individual"];

/** Letters for a number (0 → "A", 25 → "Z", 26 → "BA"): names without digits. */
export function letters(i: number): string {
  let s = "";
  do {
    s = String.fromCharCode(65 + (i % 26)) + s;
    i = Math.floor(i / 26);
  } while (i > 0);
  return s;
}

export async function publishSeededDeclaration(db: BenchDatabase): Promise<PublishedDeclaration> {
  const [doc]: [{ id: string; workshopId: string }?] = await db.sql`
    select id, workshop_id as "workshopId" from documents where slug = ${DECLARATION_DOCUMENT_SLUG} limit 1`;
  if (!doc) throw new Error(`the seed did not create the document ${DECLARATION_DOCUMENT_SLUG}`);
  const hash = await hashPassword("bench password that nobody types 7");
  const organiser = await insertUser({ email: `bench-organiser-${randomBytes(3).toString("hex")}@example.org`, name: "Bench Organiser", passwordHash: hash, verified: true });
  if (!organiser) throw new Error("could not create the organiser");
  await upsertMembership(doc.workshopId, organiser.id, "organizer");
  const { doc: ydoc, seq } = await loadDocument(doc.id);
  const version = await insertVersion({
    documentId: doc.id,
    name: "Benchmark version",
    createdBy: organiser.id,
    logSeq: seq,
    yjsState: Y.encodeStateAsUpdate(ydoc),
    tiptapJson: yDocToTiptapJson(ydoc),
    html: renderDocumentHtml(ydoc),
    plainText: documentPlainText(ydoc),
  });
  ydoc.destroy();
  const published = await publishVersion({ documentId: doc.id, versionId: version.id, slug: null, actorId: organiser.id });
  const [row]: [{ id: string }?] = await db.sql`
    select pv.id from published_versions pv where pv.document_id = ${doc.id} and pv.number = ${published.number}`;
  if (!row) throw new Error("publishVersion left no published_versions row");
  return { slug: published.slug, publishedVersionId: row.id, sha256: published.hash };
}

/** `count` visible individual endorsements without accounts (one statement). */
export async function insertVisibleEndorsements(db: BenchDatabase, d: PublishedDeclaration, count: number): Promise<void> {
  await db.sql`
    insert into endorsements (published_version_id, version_sha256, user_id, kind, display_name, role_title, affiliation, country,
      capacity, statement, public_fields, evidence, moderation, consent)
    select ${d.publishedVersionId}, ${d.sha256}, null, 'individual', 'Signatory ' || i, 'Inspector', 'Police Service ' || (i % 17),
      (${COUNTRIES}::text[])[1 + i % ${COUNTRIES.length}], (${CAPACITIES}::text[])[1 + i % ${CAPACITIES.length}],
      case when i % 5 = 0 then 'Harm reduction saves lives.' end,
      array['name', 'role', 'affiliation', 'country', 'capacity', 'statement'], 'email', 'visible', true
    from generate_series(1, ${count}) as i`;
}

export interface SpikeUser {
  id: string;
  token: string;
}

/** `count` verified users (one insert), each with a personal access token made by createAccessToken. */
export async function createSpikeUsers(db: BenchDatabase, count: number): Promise<SpikeUser[]> {
  const run = randomBytes(3).toString("hex");
  const hash = await hashPassword("bench password that nobody types 8");
  const rows = await db.sql<{ id: string }[]>`
    insert into users (email, name, password_hash, email_verified_at)
    select 'spike-' || ${run} || '-' || i || '@example.org', 'Spike ' || i, ${hash}, now()
    from generate_series(1, ${count}) as i
    order by i
    returning id`;
  if (rows.length !== count) throw new Error(`created ${rows.length} of ${count} users`);
  return inBatches(rows, 16, async (row) => ({ id: row.id, token: (await createAccessToken(row.id, { name: "accord-bench", scopes: ["endorse"], lifetimeDays: 7 })).token }));
}
