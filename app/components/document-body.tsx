/**
 * The text of a document as server-rendered HTML. `html` must come from `loadDocumentHtml`
 * (app/models/document-html.server.ts), whose renderer escapes every text and attribute value:
 * nothing else may be passed here.
 */
import type { RenderedDocument } from "../models/document-html.server";
import { useT } from "../i18n/react";

export function DocumentBody({ rendered, label }: { rendered: RenderedDocument; label: string }) {
  const { t } = useT();
  if (!rendered.ok) {
    return (
      <div className="alert error" role="alert">
        {t("editor:body.failed")}
      </div>
    );
  }
  return <article className="document" aria-label={label} dangerouslySetInnerHTML={{ __html: rendered.html }} />;
}
