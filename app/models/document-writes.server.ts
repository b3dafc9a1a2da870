/**
 * Changes made by the server itself (restoring a version): appended to the document's update log like any edit,
 * attributed to the user who asked, and announced with NOTIFY so every instance's open rooms read the new row and
 * relay it live to their clients (commit before relay holds here too).
 */
import { getSql } from "../../db/client";
import { appendUpdates, notifyDocumentUpdated } from "../../db/document-log";

export async function appendServerUpdate(documentId: string, update: Uint8Array, userId: string): Promise<{ seq: number }> {
  return getSql().begin(async (tx) => {
    const appended = await appendUpdates(tx, documentId, [{ update, userId }]);
    await notifyDocumentUpdated(tx, documentId, appended.lastSeq, "http");
    return { seq: appended.lastSeq };
  });
}
