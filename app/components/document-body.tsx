/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * The text of a document as server-rendered HTML. `html` must come from `loadDocumentHtml`
 * (app/models/document-html.server.ts), whose renderer escapes every text and attribute value:
 * nothing else may be passed here.
 */
import type { RenderedDocument } from "../models/document-html.server";

export function DocumentBody({ rendered, label }: { rendered: RenderedDocument; label: string }) {
  if (!rendered.ok) {
    return (
      <div className="alert error" role="alert">
        This document could not be displayed. Nothing has been lost: its history is stored safely. Please tell the
        workshop&apos;s organisers.
      </div>
    );
  }
  return <article className="document" aria-label={label} dangerouslySetInnerHTML={{ __html: rendered.html }} />;
}
