/**
 * The document's outline: its headings as a list of buttons. Activating one puts the caret at the start of that
 * heading (for those who may edit) and scrolls it into view below the sticky toolbar. Beside the text on wide
 * screens; on narrow ones a collapsed section above the text (a disclosure button, `aria-expanded`).
 */
import { useId, useState } from "react";
import type { Editor } from "@tiptap/core";
import type { OutlineHeading } from "../editor/document-outline";
import { useT } from "../i18n/react";

function goTo(editor: Editor, heading: OutlineHeading) {
  if (editor.isDestroyed) return;
  if (editor.isEditable) editor.chain().setTextSelection(heading.pos + 1).focus(undefined, { scrollIntoView: false }).run();
  const element = editor.view.nodeDOM(heading.pos);
  if (element instanceof HTMLElement) {
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    element.scrollIntoView({ block: "start", behavior: reduce ? "auto" : "smooth" });
  }
}

/** `editor` null: the outline of the server's text, in the page's frame before the editor is live (collab-editor.tsx). */
export function DocumentOutline({ editor, headings }: { editor: Editor | null; headings: OutlineHeading[] }) {
  const { t } = useT();
  const [expanded, setExpanded] = useState(false);
  const id = useId();
  const titleId = `${id}-title`;
  const listId = `${id}-list`;
  return (
    <nav className={expanded ? "outline outline--expanded" : "outline"} aria-labelledby={titleId} data-testid={editor ? "outline" : undefined}>
      <h2 className="outline__title" id={titleId}>
        {t("editor:outline.title")}
      </h2>
      <button type="button" className="outline__toggle secondary" aria-expanded={expanded} aria-controls={listId} onClick={() => setExpanded(!expanded)}>
        {expanded ? t("editor:outline.hide") : t("editor:outline.show", { number: headings.length })}
      </button>
      <div className="outline__body" id={listId}>
        {headings.length === 0 ? (
          <p className="outline__empty">{t("editor:outline.empty")}</p>
        ) : (
          <ol className="outline__list">
            {headings.map((heading, index) => (
              <li key={`${index}-${heading.pos}`} className={`outline__item outline__item--h${heading.level}`}>
                <button type="button" className="outline__link" onClick={() => editor && goTo(editor, heading)}>
                  {heading.text || t("editor:outline.emptyHeading")}
                </button>
              </li>
            ))}
          </ol>
        )}
      </div>
    </nav>
  );
}
