/**
 * Seeds the LEPH 2023 workshops and their drafts (app/seed/workshops.ts) exactly once.
 * Idempotent and safe under concurrent starts: one transaction under an advisory lock; rows that exist are
 * left alone (so a restart never duplicates or overwrites what people have written since).
 */
import { getSql } from "../../db/client";
import { appendUpdates } from "../../db/document-log";
import { tiptapJsonToYDocUpdate } from "../editor/document-tools.server";
import { SEED_WORKSHOPS } from "../seed/workshops";

const SEED_LOCK = 7_220_002;

export interface SeedReport {
  workshopsCreated: number;
  documentsCreated: number;
}

export async function seed(): Promise<SeedReport> {
  const report: SeedReport = { workshopsCreated: 0, documentsCreated: 0 };
  await getSql().begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${SEED_LOCK})`;
    for (const w of SEED_WORKSHOPS) {
      const { slug, title, startsOn, endsOn, venue, description, documents, ...details } = w;
      // The description is stored as its paragraphs separated by a blank line (the workshop page splits them).
      // The LEPH 2023 workshops predate the second-factor setting, like the workshops that existed before migration
      // 0019: they start with it off, and their organisers turn it on on the members page (docs/security.md).
      const inserted = await tx<{ id: string }[]>`
        insert into workshops (slug, title, starts_on, ends_on, venue, description, details, organisers_need_second_factor)
        values (${slug}, ${title}, ${startsOn}, ${endsOn}, ${venue ?? null}, ${description.join("\n\n")}, ${tx.json(details as never)}, false)
        on conflict (slug) do nothing returning id`;
      if (inserted.length > 0) report.workshopsCreated += 1;
      const [workshop]: [{ id: string }?] = await tx`select id from workshops where slug = ${slug}`;
      if (!workshop) throw new Error(`seed: workshop ${slug} missing after insert`);
      for (const d of documents) {
        const created = await tx<{ id: string }[]>`
          insert into documents (workshop_id, slug, title, kind, status)
          values (${workshop.id}, ${d.slug}, ${d.title}, ${d.kind}, ${d.status})
          on conflict (workshop_id, slug) do nothing returning id`;
        const doc = created[0];
        if (!doc) continue;
        report.documentsCreated += 1;
        await appendUpdates(tx, doc.id, [{ update: tiptapJsonToYDocUpdate(d.content), userId: null }]);
      }
    }
  });
  return report;
}
