/**
 * A document's content as a Y.Doc, rebuilt from the newest snapshot plus the updates after it.
 * Used by the read-only page (server-rendered HTML), the collaboration server and the CLI.
 */
import * as Y from "yjs";
import { readDocumentContent } from "../../db/document-log";
import { applyUpdatesInOrder } from "../collab/apply-updates";

export interface LoadedDocument {
  doc: Y.Doc;
  /** Sequence number of the last update applied (0 for an empty log). */
  seq: number;
}

export async function loadDocument(documentId: string): Promise<LoadedDocument> {
  const { snapshot, updates } = await readDocumentContent(documentId);
  const doc = new Y.Doc({ gc: true });
  let seq = 0;
  if (snapshot) {
    Y.applyUpdate(doc, snapshot.state);
    seq = snapshot.seq;
  }
  if (updates.length > 0) {
    applyUpdatesInOrder(doc, updates.map((u) => u.update));
    seq = updates[updates.length - 1]!.seq;
  }
  return { doc, seq };
}
