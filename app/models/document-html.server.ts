/**
 * A stored document as HTML for the read-only page: the Yjs log (snapshot + updates) rebuilt into a Y.Doc and
 * rendered by the editor's own schema (app/editor/document-tools.server.ts), which escapes all text and
 * attribute values and drops unsafe links. Kept separate from the route so the live editor page can reuse it.
 */
import { renderDocumentHtml, yDocToProseMirror } from "../editor/document-tools.server";
import { documentFacts, type DocumentFacts } from "../editor/document-outline";
import { log } from "../utils/log.server";
import { loadDocument } from "./document-content.server";

/** `facts`: the text's headings and words, for the editor page's outline and word count before the editor is live. */
export type RenderedDocument = { ok: true; html: string; facts: DocumentFacts; seq: number } | { ok: false; seq: number };

export async function loadDocumentHtml(documentId: string): Promise<RenderedDocument> {
  const { doc, seq } = await loadDocument(documentId);
  try {
    const node = yDocToProseMirror(doc);
    return { ok: true, html: renderDocumentHtml(node), facts: documentFacts(node), seq };
  } catch (error) {
    // Content the schema cannot render must not take the page down: say so, and log it for the operator.
    log.error(`document ${documentId} at seq ${seq} could not be rendered: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, seq };
  } finally {
    doc.destroy();
  }
}
