/**
 * Seeds the LEPH 2023 workshops and their drafts (app/seed/workshops.ts) exactly once.
 * Idempotent and safe under concurrent starts: one transaction under an advisory lock; rows that exist are
 * left alone (so a restart never duplicates or overwrites what people have written since).
 */
import { getSql } from "../../db/client";
import { appendUpdates } from "../../db/document-log";
import { ensureSeedWorkshop, insertSeedDocument, lockSeeding } from "../../db/seed";
import { tiptapJsonToYDocUpdate } from "../editor/document-tools.server";
import { SEED_WORKSHOPS } from "../seed/workshops";

export interface SeedReport {
  workshopsCreated: number;
  documentsCreated: number;
}

export async function seed(): Promise<SeedReport> {
  const report: SeedReport = { workshopsCreated: 0, documentsCreated: 0 };
  await getSql().begin(async (tx) => {
    await lockSeeding(tx);
    for (const w of SEED_WORKSHOPS) {
      const { slug, title, startsOn, endsOn, venue, description, documents, ...details } = w;
      // The description is stored as its paragraphs separated by a blank line (the workshop page splits them).
      const workshop = await ensureSeedWorkshop({ slug, title, startsOn, endsOn, venue: venue ?? null, description: description.join("\n\n"), details }, tx);
      if (workshop.created) report.workshopsCreated += 1;
      for (const d of documents) {
        const documentId = await insertSeedDocument({ workshopId: workshop.id, slug: d.slug, title: d.title, kind: d.kind, status: d.status }, tx);
        if (!documentId) continue;
        report.documentsCreated += 1;
        await appendUpdates(tx, documentId, [{ update: tiptapJsonToYDocUpdate(d.content), userId: null }]);
      }
    }
  });
  return report;
}
