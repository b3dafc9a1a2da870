/**
 * GET /documents/:id/endorsements/export?format=csv|json — the organisers' export of every endorsement of every
 * published version, with the signers' e-mail addresses (the one place Accord shows them). Organisers only: 404
 * outside the workshop, 403 for other members. CSV cells that begin with = + - @ (or a tab or carriage return)
 * get a leading apostrophe so a spreadsheet shows them as text. Each export is written to the audit log.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import {
  endorsementsCsv,
  endorsementsJson,
  findCurrentVersionByDocument,
  listEndorsementsForExport,
  recordExport,
  requireEndorsementOrganiser,
} from "../models/endorsements.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, document } = await requireEndorsementOrganiser(request, context, params.id);
  const format = new URL(request.url).searchParams.get("format") === "json" ? "json" : "csv";
  const current = await findCurrentVersionByDocument(document.id);
  const rows = current ? await listEndorsementsForExport(document.id) : [];
  await recordExport({ actorId: user.id, workshopId: document.workshopId, documentId: document.id, format, rows: rows.length });
  const name = `${current?.slug ?? document.slug}-endorsements-${new Date().toISOString().slice(0, 10)}.${format}`;
  const headers = {
    "Cache-Control": "no-store",
    "Content-Disposition": `attachment; filename="${name}"`,
    "X-Content-Type-Options": "nosniff",
  };
  if (format === "json") {
    return new Response(JSON.stringify(endorsementsJson(rows), null, 2), { headers: { ...headers, "Content-Type": "application/json; charset=utf-8" } });
  }
  return new Response(endorsementsCsv(rows), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
}
