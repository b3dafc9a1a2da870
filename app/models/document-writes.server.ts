/**
 * Changes made by the server itself (restoring a version): appended to the document's update log like any edit,
 * attributed to the user who asked, and announced with NOTIFY so every instance's open rooms read the new row and
 * relay it live to their clients (commit before relay holds here too).
 */
import { getSql } from "../../db/client";
import { appendUpdates, notifyDocumentUpdated } from "../../db/document-log";
import { insertAudit } from "../../db/memberships";

export interface AuditEntry {
  workshopId: string;
  action: string;
  /** Details; `seq` (the new log position) is added. */
  details: Record<string, unknown>;
}

const isLogRace = (error: unknown) => {
  const e = error as { code?: string; constraint_name?: string } | null;
  return e?.code === "23505" && e.constraint_name === "document_updates_pkey";
};

/**
 * Append one update (and, in the same transaction, its audit entry); returns its log position. A room appending at
 * the same moment may take the next position first (rooms append without the lock): then the whole transaction is
 * tried again.
 */
export async function appendServerUpdate(documentId: string, update: Uint8Array, userId: string, audit?: AuditEntry): Promise<{ seq: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await appendOnce(documentId, update, userId, audit);
    } catch (error) {
      if (!isLogRace(error) || attempt >= 20) throw error;
    }
  }
}

async function appendOnce(documentId: string, update: Uint8Array, userId: string, audit?: AuditEntry): Promise<{ seq: number }> {
  return getSql().begin(async (tx) => {
    const appended = await appendUpdates(tx, documentId, [{ update, userId }]);
    if (audit) {
      await insertAudit({ workshopId: audit.workshopId, actorId: userId, action: audit.action, details: { ...audit.details, seq: appended.lastSeq } }, tx);
    }
    await notifyDocumentUpdated(tx, documentId, appended.lastSeq, "http");
    return { seq: appended.lastSeq };
  });
}
