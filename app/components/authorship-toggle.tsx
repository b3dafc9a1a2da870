/**
 * The "Who wrote what" toggle above the text. Its view (authorship-view.tsx: the colours, the legend, the selected
 * paragraph's authors) is loaded only when someone turns it on. It is handed ProseMirror's classes from here, which
 * the editor has loaded already: imported by the view itself, they would be split out of the editor's chunk into a
 * shared one, and the two compress worse than one (npm run bench:bundle counts the lazy chunk too).
 */
import { lazy, Suspense, useState } from "react";
import type { Editor } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { useT } from "../i18n/react";

const pm = { Plugin, PluginKey, Decoration, DecorationSet };
export type ProseMirrorClasses = typeof pm;

const AuthorshipView = lazy(() => import("./authorship-view"));

/** `editor` null: the button alone, in the page's frame before the editor is live (collab-editor.tsx). */
export function AuthorshipToggle({ editor, documentId }: { editor: Editor | null; documentId: string }) {
  const { t } = useT();
  const [on, setOn] = useState(false);
  return (
    <section className="authorship" aria-label={t("editor:authorship.title")}>
      <button type="button" className="secondary authorship__toggle" aria-pressed={on} onClick={() => setOn(!on)}>
        {t("editor:authorship.title")}
      </button>
      {on && editor ? (
        <Suspense fallback={<p className="authorship__status">{t("editor:authorship.loading")}</p>}>
          <AuthorshipView editor={editor} documentId={documentId} pm={pm} />
        </Suspense>
      ) : null}
    </section>
  );
}
