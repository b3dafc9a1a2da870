/**
 * A stored document as HTML for the read-only page: the Yjs log (snapshot + updates) rebuilt into a Y.Doc and
 * rendered by the editor's own schema (app/editor/document-tools.server.ts), which escapes all text and
 * attribute values and drops unsafe links. Kept separate from the route so the live editor page can reuse it.
 */
import { renderDocumentHtml } from "../editor/document-tools.server";
import { log } from "../utils/log.server";
import { loadDocument } from "./document-content.server";

export type RenderedDocument = { ok: true; html: string; seq: number } | { ok: false; seq: number };

export async function loadDocumentHtml(documentId: string): Promise<RenderedDocument> {
  const { doc, seq } = await loadDocument(documentId);
  try {
    return { ok: true, html: renderDocumentHtml(doc), seq };
  } catch (error) {
    // Content the schema cannot render must not take the page down: say so, and log it for the operator.
    log.error(`document ${documentId} at seq ${seq} could not be rendered: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, seq };
  } finally {
    doc.destroy();
  }
}
